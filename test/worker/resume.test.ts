// Resuming a run in its own folder, through the real worker on the bundled MNIST sample: a run
// stopped (or killed) after epoch 2 and resumed to 4 ends exactly where the same run trained to 4
// without a stop ends. The wasm step runs on one thread (LENET_TRAIN_THREADS=1) and the tfjs step
// (LENET_FUSED_STEP=0): two threads split batches by measured speed, so the order in which a
// batch's gradient is summed (and so its float rounding) would differ between any two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../../src/shared/protocol';
import { epochRng, permutation, rng } from '../../src/shared/random';
import { readResumable, resumeTotal } from '../../src/shared/resumable';
import { config, startWorker, tempDir } from './helpers';
import { readCsv } from './tinyTraining';

const ENV: NodeJS.ProcessEnv = { ...process.env, LENET_FUSED_STEP: '0', LENET_TRAIN_THREADS: '1' };
const T = 180_000;
type Ctx = Parameters<typeof tempDir>[0];

const runDirOf = (out: string) => join(out, readdirSync(out).find((n) => /^\d{8}-\d{6}/.test(n))!);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

/** Trains to the end in a fresh worker; returns the run folder. */
async function trainAll(t: Ctx, c: TrainConfig, env = ENV): Promise<string> {
  const w = startWorker(t, { env });
  w.client.send({ type: 'train', config: c });
  const done = await w.client.waitFor('done', T);
  assert.equal(done.stopped, false);
  return done.runDir;
}

/** Ends a run right after its second epoch: 'stop' (the stop lands in epoch 3) or 'kill' (SIGKILL, no summary.json). */
async function trainThenEnd(t: Ctx, c: TrainConfig, how: 'stop' | 'kill'): Promise<string> {
  const w = startWorker(t, { env: ENV });
  w.client.onEvent((e) => {
    if (e.type !== 'epochEnd' || e.epoch !== 2) return;
    if (how === 'stop') w.client.stop();
    else process.kill(w.client.pid!, 'SIGKILL');
  });
  w.client.send({ type: 'train', config: c });
  if (how === 'stop') assert.equal((await w.client.waitFor('done', T)).stopped, true);
  else await assert.rejects(w.client.waitFor('done', T), /killed by SIGKILL/);
  return runDirOf(c.outDir);
}

async function resume(t: Ctx, runDir: string, epochs: number, over: Partial<TrainConfig> = {}, env = ENV) {
  const w = startWorker(t, { env });
  // Only epochs, backend and cacheDir count: the rest must come from the run's config.json.
  w.client.send({ type: 'train', config: { ...config(join(runDir, '..'), { learningRate: 0.5, seed: 999, limit: 64 }), epochs, resumeFrom: runDir, ...over } });
  const done = await w.client.waitFor('done', T);
  return { done, events: w.events };
}

function assertSameRun(resumed: string, straight: string, exact: boolean) {
  const a = readCsv(join(resumed, 'metrics.csv'));
  const b = readCsv(join(straight, 'metrics.csv'));
  assert.deepEqual(a.map((r) => r.epoch), [0, 1, 2, 3], 'every epoch once');
  if (exact) {
    assert.deepEqual(a, b);
    assert.ok(readFileSync(join(resumed, 'weights.bin')).equals(readFileSync(join(straight, 'weights.bin'))), 'the same weights, bit for bit');
  } else {
    for (const [i, r] of a.entries()) {
      assert.ok(Math.abs(r.val_accuracy - b[i].val_accuracy) <= 1 / 2000 + 1e-12, `epoch ${i}: val_accuracy ${r.val_accuracy} vs ${b[i].val_accuracy}`);
      assert.ok(Math.abs(r.val_loss - b[i].val_loss) <= 1e-4, `epoch ${i}: val_loss ${r.val_loss} vs ${b[i].val_loss}`);
      if ('learning_rate' in b[i]) assert.equal(r.learning_rate, b[i].learning_rate, `epoch ${i}: learning_rate`);
    }
  }
}

test('SGD: stopped right after epoch 2 and resumed to 4 = trained to 4 without a stop, bit for bit', async (t) => {
  const base = config(tempDir(t), { limit: 512, epochs: 4, optimizer: 'sgd', learningRate: 0.05 });
  const straight = await trainAll(t, { ...base, outDir: join(base.outDir, 'straight') });
  const runDir = await trainThenEnd(t, { ...base, outDir: join(base.outDir, 'stopped') }, 'stop');
  assert.equal(json(join(runDir, 'summary.json')).status, 'stopped');
  assert.equal(json(join(runDir, 'checkpoint', 'state.json')).epoch, 2);
  const { done, events } = await resume(t, runDir, 4);
  assert.equal(done.stopped, false);
  assert.equal(done.runDir, runDir, 'the same folder');
  assert.deepEqual(done.history.map((h) => h.epoch), [1, 2, 3, 4], "done's history holds every epoch");
  assert.deepEqual(events.filter((e) => e.type === 'epochBegin').map((e) => e.type === 'epochBegin' && e.epoch), [3, 4], 'trains only epochs 3 and 4');
  assertSameRun(runDir, straight, true);
  const cfg = json(join(runDir, 'config.json'));
  assert.equal(cfg.epochs, 4);
  assert.equal(cfg.learningRate, 0.05, "the run's own settings, not the request's");
  assert.equal(cfg.resumes.length, 1);
  assert.equal(cfg.resumes[0].fromEpoch, 2);
  const summary = json(join(runDir, 'summary.json'));
  assert.equal(summary.status, 'completed');
  assert.equal(summary.epochsCompleted, 4);
  assert.equal(json(join(runDir, 'checkpoint', 'state.json')).epoch, 4);
  // TensorBoard: the resumed session appends its own event files next to the first ones.
  assert.equal(readdirSync(join(runDir, 'logs', 'train')).length, 2);
});

test('Adam + ReduceLROnPlateau: killed after epoch 2 (interrupted) and resumed to 4 = trained to 4, to float rounding; the rate and the slots carry over', async (t) => {
  const base = config(tempDir(t), {
    limit: 512, epochs: 4, optimizer: 'adam', learningRate: 0.002,
    reduceLrOnPlateau: { monitor: 'val_accuracy', factor: 0.5, patience: 0, minLr: 0, minDelta: 0.5, cooldown: 0, mode: 'auto' },
  });
  const straight = await trainAll(t, { ...base, outDir: join(base.outDir, 'straight') });
  const runDir = await trainThenEnd(t, { ...base, outDir: join(base.outDir, 'killed') }, 'kill');
  assert.equal(readResumable(runDir).status, 'interrupted');
  const state = json(join(runDir, 'checkpoint', 'state.json'));
  assert.equal(state.optimizer.complete, true);
  assert.equal(state.optimizer.slots.length, 2 * 10, "Adam's m and v for LeNet-5's 10 trainable weights");
  assert.equal(state.optimizer.iterations, 16, '8 batches per epoch');
  assert.ok(state.callbacks.learningRate < 0.002, 'ReduceLROnPlateau had cut the rate');
  await resume(t, runDir, 4);
  assertSameRun(runDir, straight, false);
  const rates = readCsv(join(runDir, 'metrics.csv')).map((r) => r.learning_rate);
  assert.deepEqual(rates, readCsv(join(straight, 'metrics.csv')).map((r) => r.learning_rate));
});

test('the fused wasm step (SGD, one thread): a complete 2-epoch run extended to 4 = trained to 4, bit for bit', async (t) => {
  const fused: NodeJS.ProcessEnv = { ...process.env, LENET_FUSED_STEP: undefined, LENET_TRAIN_THREADS: '1' };
  const base = config(tempDir(t), { limit: 512, epochs: 4, optimizer: 'sgd', learningRate: 0.05, backend: 'wasm' });
  const straight = await trainAll(t, { ...base, outDir: join(base.outDir, 'straight') }, fused);
  assert.equal(json(join(straight, 'config.json')).trainStep, 'wasm-fused');
  const runDir = await trainAll(t, { ...base, epochs: 2, outDir: join(base.outDir, 'extended') }, fused);
  assert.equal(readResumable(runDir).status, 'completed');
  await resume(t, runDir, 4, { backend: 'wasm' }, fused);
  assertSameRun(runDir, straight, true);
  assert.equal(json(join(runDir, 'config.json')).resumes[0].trainStep, 'wasm-fused');
});

/** Every file of a folder with its hash: what "loses nothing" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

test('resume refuses a folder that is no run, a complete run and a damaged optimizer file, with what, where and what to do, and changes nothing', async (t) => {
  const out = tempDir(t);
  const runDir = await trainAll(t, config(out, { limit: 128, epochs: 2, optimizer: 'momentum' }));
  const w = startWorker(t, { env: ENV });
  const attempt = async (dir: string, epochs: number) => {
    w.client.send({ type: 'train', config: { ...config(out), epochs, resumeFrom: dir } });
    return w.client.waitFor('done', T).then(() => assert.fail('resumed'), (e: Error & { code?: string }) => e);
  };
  const notRun = await attempt(out, 3);
  assert.equal(notRun.code, 'RESUME');
  assert.match(notRun.message, /cannot resume .*: it is not a run folder \(no config\.json\); pass a folder made by lenet-lab train/);
  const complete = resumeTotal.bind(null, readResumable(runDir));
  assert.throws(() => complete(), /it is complete \(2 of 2 epochs\); to train it further, give a total larger than 2/);
  const before = snapshot(runDir);
  const same = await attempt(runDir, 2);
  assert.match(same.message, /cannot resume .* to 2 epochs: it already has 2; give a total larger than 2/);
  const opt = join(runDir, 'checkpoint', 'optimizer.bin');
  truncateSync(opt, 100);
  const damagedBefore = snapshot(runDir);
  const damaged = await attempt(runDir, 3);
  assert.equal(damaged.code, 'RESUME');
  assert.match(damaged.message, new RegExp(`the optimizer state ${opt.replace(/[/.]/g, '\\$&')} is damaged \\(100 bytes, expected [\\d,]+\\); the run's files are untouched; start a new run, or delete`));
  assert.deepEqual(snapshot(runDir), damagedBefore, 'nothing in the folder changed');
  delete before[opt];
  delete damagedBefore[opt];
  assert.deepEqual(damagedBefore, before);
  writeFileSync(join(runDir, 'checkpoint', 'state.json'), '{"format": "lenet-lab-checkpoint", ');
  const badState = await attempt(runDir, 3);
  assert.match(badState.message, /state\.json is damaged \(it is not valid JSON/);
});

test('the shuffle of an epoch depends on (seed, epoch) only; epoch 1 is the seed stream itself', () => {
  const a = permutation(100, rng(42));
  assert.deepEqual(permutation(100, epochRng(42, 1)), a);
  const e2 = permutation(100, epochRng(42, 2));
  assert.notDeepEqual(e2, a);
  assert.deepEqual(permutation(100, epochRng(42, 2)), e2, 'the same epoch, the same order, whatever came before');
  assert.notDeepEqual(permutation(100, epochRng(43, 2)), e2);
});
