// The training worker end to end: the real dist/worker.js forked through WorkerClient, real tfjs on
// this machine's backend, the bundled MNIST sample with small limits.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EventOf } from '../../src/client/workerClient';
import { loadModel } from '../../src/worker/runDir';
import { config, ensureBuilt, startWorker, tempDir, types, WORKER } from './helpers';
import { QUICK_SAMPLE_RUN, QUICK_SAMPLE_VAL_ACC_FLOOR } from '../shared/learningFloors';

tf.env().set('PROD', true); // this test process only loads saved models on the cpu backend

describe('one worker: train, evaluate, predict, stop', () => {
  let w: ReturnType<typeof startWorker>;
  let out: string;
  let done: EventOf<'done'>;
  let lastEvaluation: EventOf<'evaluation'>;
  // Cleanups registered from inside before() would run too early: collect them here instead.
  const cleanups: (() => unknown)[] = [];
  const ctx = { after: (fn: () => unknown) => void cleanups.push(fn) };
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  before(async () => {
    out = tempDir(ctx);
    w = startWorker(ctx);
    w.client.send({ type: 'train', config: config(out, { limit: 256, epochs: 1 }) });
    done = await w.client.waitFor('done', 60_000);
  });

  test('a 1-epoch run sends its events in order', () => {
    const seq = types(w.events);
    assert.deepEqual(seq.slice(0, 5), ['ready', 'dataset', 'summary', 'trainStep', 'epochBegin']);
    assert.deepEqual(seq.slice(-2), ['epochEnd', 'done']);
    const middle = seq.slice(5, -2);
    assert.ok(middle.length >= 1 && middle.every((t) => t === 'batchEnd'), seq.join(','));
    const batchEnds = w.events.filter((e): e is EventOf<'batchEnd'> => e.type === 'batchEnd');
    assert.equal(batchEnds.at(-1)!.batch, 4, 'the last batch of the epoch is always sent');
    assert.equal(batchEnds.at(-1)!.batches, 4);
    const ready = w.events[0] as EventOf<'ready'>;
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(ready.backend));
    assert.match(ready.versions['tfjs-core'], /^4\./);
    const ds = w.events[1] as EventOf<'dataset'>;
    assert.equal(ds.name, 'mnist-sample');
    assert.equal(ds.train, 256, 'train counts the images this run uses (limit 256)');
    assert.equal(ds.available, 8000, 'available counts the dataset\'s training images');
    assert.equal(ds.test, 2000);
    const step = w.events[3] as EventOf<'trainStep'>;
    assert.match(step.label, ready.backend === 'wasm' ? /^fused wasm \((1 thread|2 threads)\)$/ : /^tfjs \(/, 'LeNet-5 with SGD takes the fused step on wasm');
    const sum = w.events[2] as EventOf<'summary'>;
    assert.equal(sum.totalParams, 61706);
    assert.deepEqual(sum.layers.map((l) => l.name), ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT']);
    const end = w.events.at(-2) as EventOf<'epochEnd'>;
    assert.equal(end.epoch, 1);
    assert.ok(end.seconds > 0 && end.samplesPerSecond > 0);
    // Four steps do not teach anything measurable: whether the model learns is the next test's.
    assert.ok(end.val_acc >= 0 && end.val_acc <= 1 && Number.isFinite(end.val_loss));
    // The epoch's metrics are the running means the last batchEnd showed.
    assert.equal(end.loss, batchEnds.at(-1)!.loss);
    assert.equal(end.acc, batchEnds.at(-1)!.acc);
    assert.equal(done.stopped, false);
    assert.equal(done.history.length, 1);
    assert.equal(done.history[0].val_acc, end.val_acc);
  });

  test('the run folder holds config, Keras CSV metrics, a loadable model and best/', async () => {
    const dir = done.runDir;
    assert.match(dir, /\d{8}-\d{6}$/);
    for (const f of ['config.json', 'metrics.csv', 'summary.json', 'model.json', 'weights.bin', 'best/model.json', 'best/weights.bin']) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
    assert.equal(csv.length, 2);
    const [epoch, acc, loss, valAcc, valLoss] = csv[1].split(',').map(Number);
    const h = done.history[0];
    assert.deepEqual([epoch, acc, loss, valAcc, valLoss], [0, h.acc, h.loss, h.val_acc, h.val_loss]);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(cfg.batchSize, 64);
    assert.equal(cfg.optimizer, 'sgd');
    assert.equal(cfg.model.layers.length, LAYERS);
    assert.deepEqual(cfg.resolvedDataset, { name: 'mnist-sample', source: cfg.resolvedDataset.source, train: 256, available: 8000, test: 2000 },
      'the run folder says it trained on 256 of the 8,000 images (the past-run view shows that)');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.equal(summary.epochsCompleted, 1);
    assert.equal(summary.best.epoch, 1);
    // One epoch: best/ is that epoch's model, byte for byte.
    for (const f of ['model.json', 'weights.bin']) assert.deepEqual(readFileSync(join(dir, 'best', f)), readFileSync(join(dir, f)), `best/${f}`);
    // No temp files left behind by the atomic writes.
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    const model = await loadModel(tf, dir);
    try {
      assert.equal(model.countParams(), 61706);
      assert.deepEqual(model.layers.map((l) => l.name), ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT']);
      const y = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
      assert.deepEqual(y.shape, [2, 10]);
      y.dispose();
    } finally {
      model.dispose();
    }
  });

  test('evaluate reports a consistent confusion matrix and per-class metrics', async () => {
    w.client.send({ type: 'evaluate', outDir: out });
    const e = await w.client.waitFor('evaluation', 60_000);
    assert.equal(e.modelDir, done.runDir, 'latest run by default');
    assert.equal(e.dataset, 'mnist-sample');
    const total = e.confusion.flat().reduce((a, b) => a + b, 0);
    assert.equal(total, 2000);
    const trace = e.confusion.reduce((a, row, i) => a + row[i], 0);
    assert.ok(Math.abs(e.acc - trace / total) < 1e-12);
    assert.ok(Math.abs(e.acc - done.history[0].val_acc) < 1e-9, 'same numbers as the validation of the last epoch');
    assert.deepEqual(e.perClass.map((p) => p.support), e.confusion.map((r) => r.reduce((a, b) => a + b, 0)));
    const wrong = total - trace;
    // Four steps leave most images wrong: far more than the 100 an evaluation once kept.
    assert.ok(wrong > 100, `${wrong} misclassified`);
    assert.equal(e.misclassified.reduce((a, c) => a + c.indices.length, 0), wrong, 'every misclassified image is listed');
    for (const c of e.misclassified) assert.equal(c.indices.length, e.confusion[c.label][c.predicted], `cell ${c.label}->${c.predicted}`);
    const all = e.misclassified.flatMap((c) => c.indices);
    assert.equal(new Set(all).size, all.length, 'each image in one cell');
    assert.ok(e.misclassified.every((c) => c.probability.every((p, i) => p >= c.trueProbability[i] && p <= 1)), 'the predicted class is the most probable');
    // Averages as scikit-learn: macro = plain mean, weighted by support (= recall's weighted mean = accuracy).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(e.averages.macro.f1 - mean(e.perClass.map((p) => p.f1))) < 1e-12);
    assert.ok(Math.abs(e.averages.weighted.recall - e.acc) < 1e-12, 'weighted recall is the accuracy');
    assert.equal(e.averages.weighted.support, total);
    lastEvaluation = e;
  });

  test('testImages answers a page of test images by index, with their labels; bad indices fail that request only', async () => {
    const cell = lastEvaluation.misclassified.reduce((a, c) => (c.indices.length > a.indices.length ? c : a));
    const indices = cell.indices.slice(0, 48);
    w.client.send({ type: 'testImages', id: -9, dataset: lastEvaluation.dataset, cacheDir: join(out, 'cache'), indices });
    const page = await w.client.waitFor('testImages', 30_000);
    assert.equal(page.id, -9);
    assert.deepEqual(page.images.map((m) => m.index), indices);
    assert.ok(page.images.every((m) => m.label === cell.label), 'each image has the true class of its cell');
    assert.ok(page.images.every((m) => m.pixels.length === 784 && m.pixels.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)));
    assert.ok(page.images.every((m) => m.pixels.some((p) => p > 128)), 'real digits, not blanks');
    w.client.send({ type: 'testImages', id: -10, dataset: lastEvaluation.dataset, cacheDir: join(out, 'cache'), indices: [0, 2000] });
    await assert.rejects(w.client.waitFor('testImages', 30_000), /testImages: test image 2000 does not exist \(mnist-sample has 2000 test images: 0\.\.1999\)/);
    w.client.send({ type: 'testImages', id: -11, dataset: lastEvaluation.dataset, indices: new Array(257).fill(0) } as never);
    await assert.rejects(w.client.waitFor('testImages', 30_000), /at most 256 items/);
  });

  test('predict returns 10 probabilities that sum to 1; bad pixels are refused', async () => {
    const pixels = new Array(784).fill(0).map((_, i) => ((i % 28) > 10 && (i % 28) < 16 ? 1 : 0));
    w.client.send({ type: 'predict', id: 7, pixels });
    const p = await w.client.waitFor('prediction', 10_000);
    assert.equal(p.id, 7);
    assert.equal(p.probabilities.length, 10);
    assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    w.client.send({ type: 'predict', id: 8, pixels: pixels.map((x) => x * 255) });
    const err = w.client.waitFor('error', 10_000);
    await assert.rejects(w.client.waitFor('prediction', 10_000), /pixels must be 784 values from 0 to 1/);
    assert.equal((await err).id, 8, 'the error names the predict request it answers');
  });

  test('predict during training; stop mid-epoch: stopped at a batch boundary, weights saved; stopping twice or idle is harmless', async () => {
    w.client.stop(); // idle: nothing happens
    const before = w.events.length;
    w.client.send({ type: 'train', config: config(out, { limit: 8000, epochs: 3 }) });
    await new Promise<void>((resolve) => {
      const off = w.client.onEvent((e) => {
        if (e.type === 'batchEnd' && e.batch >= 3) {
          off();
          resolve();
        }
      });
    });
    // predict is answered between batches, with the model being trained
    w.client.send({ type: 'predict', id: 99, pixels: new Array(784).fill(0.5) });
    const live = await w.client.waitFor('prediction', 10_000);
    assert.equal(live.id, 99);
    assert.ok(!w.events.slice(before).some((e) => e.type === 'done'), 'answered during training');
    const t0 = Date.now();
    // Both listeners before stopping: 'stopped' and 'done' can arrive in the same tick.
    const stoppedP = w.client.waitFor('stopped', 10_000).then((e) => ({ e, ms: Date.now() - t0 }));
    const doneP = w.client.waitFor('done', 10_000);
    w.client.stop();
    w.client.stop();
    const { e: stopped, ms: stopMs } = await stoppedP;
    assert.ok(stopMs < 2000, `stopped after ${stopMs} ms`);
    assert.equal(stopped.epoch, 1);
    assert.ok(stopped.batch >= 3 && stopped.batch < 125);
    const d = await doneP;
    assert.equal(d.stopped, true);
    assert.deepEqual(d.history, []);
    assert.ok(existsSync(join(d.runDir, 'model.json')), 'weights so far are saved');
    assert.equal(readFileSync(join(d.runDir, 'metrics.csv'), 'utf8'), 'epoch,accuracy,loss,val_accuracy,val_loss\n');
    const mine = w.events.slice(before);
    assert.equal(mine.filter((e) => e.type === 'error').length, 0, JSON.stringify(mine.filter((e) => e.type === 'error')));
    assert.equal(mine.filter((e) => e.type === 'stopped').length, 1);
  });

  test('numTensors stays flat across epochs (adam: optimizer slots included)', async () => {
    w.client.send({ type: 'train', config: config(out, { limit: 128, epochs: 4, optimizer: 'adam', learningRate: 0.001 }) });
    const ends: number[] = [];
    const off = w.client.onEvent((e) => {
      if (e.type === 'epochEnd') ends.push(e.numTensors!);
    });
    await w.client.waitFor('done', 60_000);
    off();
    assert.equal(ends.length, 4);
    assert.ok(ends.every((n) => Number.isInteger(n) && n === ends[0]), `numTensors per epoch: ${ends}`);
  });
});

const LAYERS = 8;

test('the seed\'s settings learn: 2 epochs of 2,000 sample images clear the val accuracy floor, and evaluate agrees', async (t) => {
  const w = startWorker(t);
  const out = tempDir(t);
  w.client.send({ type: 'train', config: config(out, { limit: QUICK_SAMPLE_RUN.limit, epochs: QUICK_SAMPLE_RUN.epochs, seed: 42 }) });
  const done = await w.client.waitFor('done', 120_000);
  const [first, last] = done.history.map((h) => h.val_acc);
  assert.ok(last >= QUICK_SAMPLE_VAL_ACC_FLOOR, `val accuracy ${last} after 2 epochs is under the floor ${QUICK_SAMPLE_VAL_ACC_FLOOR}: the model does not learn`);
  assert.ok(done.history[1].loss < done.history[0].loss, `training loss falls: ${done.history.map((h) => h.loss).join(' -> ')}`);
  t.diagnostic(`val accuracy ${first} -> ${last}`);
  // The saved model, evaluated on the same test images, gives the last epoch's val accuracy.
  w.client.send({ type: 'evaluate', modelDir: done.runDir, cacheDir: join(out, 'cache') });
  const ev = await w.client.waitFor('evaluation', 60_000);
  assert.ok(Math.abs(ev.acc - last) < 1e-6, `evaluate ${ev.acc} vs last val_acc ${last}`);
});

test('bad configs are rejected with BAD_CONFIG and a precise message', async (t) => {
  const out = tempDir(t);
  const w = startWorker(t);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ epochs: 0 }, /^epochs must be an integer from 1 to 100000, got 0$/],
    [{ epochs: 1.5 }, /^epochs must be an integer/],
    [{ batchSize: 0 }, /^batchSize must be an integer from 1/],
    [{ learningRate: -1 }, /^learningRate must be a number > 0 and at most 3\.4e\+38, got -1$/],
    [{ learningRate: 0 }, /^learningRate must be a number > 0 and at most 3\.4e\+38/],
    [{ optimizer: 'adagrad' }, /^optimizer must be one of sgd, momentum, adam, rmsprop, got "adagrad"$/],
    [{ backend: 'gpu' }, /^backend must be one of auto, tensorflow, wasm, cpu/],
    [{ limit: -5 }, /^limit \(0 = all training images\) must be an integer >= 0/],
    [{ dataset: '' }, /^dataset must be a non-empty name/],
    [{ epoch: 3 }, /^unknown config field "epoch"/],
    [{ batchSize: 300, limit: 256 }, /^batchSize 300 is larger than the 256 training images \(limit 256\)$/],
  ];
  for (const [over, re] of cases) {
    w.client.send({ type: 'train', config: { ...config(out), ...over } as never });
    const err = await w.client.waitFor('error', 20_000);
    assert.equal(err.code, 'BAD_CONFIG', JSON.stringify(over));
    assert.match(err.message, re);
  }
  // A bad dataset name is a DATA error from the loader, and the worker stays usable.
  w.client.send({ type: 'train', config: config(out, { dataset: 'cifar10' }) });
  const err = await w.client.waitFor('error', 20_000);
  assert.equal(err.code, 'DATA');
  assert.match(err.message, /cifar10/);
  assert.ok(!err.message.includes('    at '), 'no stack trace');
  w.client.send({ type: 'evaluate', modelDir: join(out, 'nowhere') });
  const noModel = await w.client.waitFor('error', 20_000);
  assert.equal(noModel.code, 'NO_MODEL');
});

test('a worker killed with SIGKILL is reported as WORKER_EXITED with the signal', async (t) => {
  const w = startWorker(t);
  await w.client.waitFor('ready', 30_000);
  process.kill(w.client.pid!, 'SIGKILL');
  const err = await w.client.waitFor('error', 5000).catch((e) => e);
  assert.equal(err.code, 'WORKER_EXITED');
  assert.match(err.message, /SIGKILL/);
  assert.equal(w.client.alive, false);
  assert.equal(w.client.send({ type: 'stop' }), false);
});

test('the worker exits when its parent dies (no orphans)', async () => {
  ensureBuilt();
  const parent = spawn(process.execPath, ['-e', `
    const c = require('node:child_process').fork(${JSON.stringify(WORKER)}, [], { stdio: 'ignore' });
    console.log(c.pid); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  await new Promise((r) => setTimeout(r, 500));
  assert.doesNotThrow(() => process.kill(pid, 0), 'worker is running');
  parent.kill('SIGKILL');
  const t0 = Date.now();
  let alive = true;
  while (alive && Date.now() - t0 < 10_000) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
  }
  if (alive) process.kill(pid, 'SIGKILL');
  assert.equal(alive, false, 'worker still running after its parent died');
});

test('an installed but broken tfjs-node falls through to the next backend and says why', async (t) => {
  const dir = tempDir(t);
  const pkg = join(dir, '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{"name":"@tensorflow/tfjs-node","main":"index.js"}');
  writeFileSync(join(pkg, 'index.js'), "throw new Error('libtensorflow.so.2: cannot open shared object file');");
  // tfjs-node is not in node_modules here, so require() falls back to NODE_PATH and finds this one.
  const w = startWorker(t, { env: { ...process.env, NODE_PATH: dir } });
  const ready = await w.client.waitFor('ready', 30_000);
  assert.notEqual(ready.backend, 'tensorflow');
  assert.match(ready.reason, /tensorflow: @tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2: cannot open shared object file/);
});

test('bad messages are answered with BAD_MESSAGE, not a crash', async (t) => {
  const w = startWorker(t);
  await w.client.waitFor('ready', 30_000);
  w.client.child.send({ v: 1, type: 'fly' });
  const err = await w.client.waitFor('error', 5000).catch((e) => e);
  assert.equal(err.code, 'BAD_MESSAGE');
  assert.match(err.message, /unknown type "fly"/);
  w.client.child.send({ v: 99, type: 'stop' });
  const err2 = await w.client.waitFor('error', 5000).catch((e) => e);
  assert.match(err2.message, /protocol version 99, expected 1/);
  assert.equal(w.client.alive, true);
});

test('a forced cpu backend trains (slowly) and warns about its speed', async (t) => {
  const out = tempDir(t);
  ensureBuilt();
  const events: import('../../src/shared/protocol').WorkerEvent[] = [];
  const { WorkerClient } = await import('../../src/client/workerClient');
  const client = new WorkerClient({ workerPath: WORKER, backend: 'cpu', log: () => undefined });
  t.after(() => client.dispose(2000));
  client.onEvent((e) => events.push(e));
  client.send({ type: 'train', config: config(out, { backend: 'cpu', limit: 32, batchSize: 16 }) });
  const done = await client.waitFor('done', 120_000);
  const ready = events.find((e) => e.type === 'ready');
  assert.ok(ready?.type === 'ready' && ready.backend === 'cpu' && ready.reason === 'requested');
  const warn = events.find((e) => e.type === 'log');
  assert.ok(warn?.type === 'log' && warn.level === 'warn');
  assert.match(warn.message, /100 or more times slower than wasm/);
  assert.equal(done.history.length, 1);
  assert.ok(Number.isFinite(done.history[0].val_loss));
});
