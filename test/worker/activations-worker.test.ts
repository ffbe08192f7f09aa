// The activations request through the real worker process: a saved run folder (and its best/),
// a test image of the run's dataset or drawn pixels, every failure answered once with the id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/datasets';
import type { EventOf } from '../../src/client/workerClient';
import { LENET5 } from '../../src/model/lenet';
import { checkRecording, RECORDING_FILE, snapshotTensors, type InsideRecording } from '../../src/shared/insideRecording';
import { computeActivations } from '../../src/worker/activations';
import { buildModel } from '../../src/worker/buildModel';
import { probeIndices } from '../../src/worker/probes';
import { loadModel, saveModel } from '../../src/worker/runDir';
import { config, startWorker, tempDir } from './helpers';

tf.env().set('PROD', true);

/** The worker runs wasm (or tfjs-node), this process cpu: same values up to float rounding. */
function assertClose(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-4, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

test('activations through the worker: test image and drawn pixels, run folder and best/, failures answered once with their id', async (t) => {
  await tf.setBackend('cpu');
  const run = tempDir(t, 'lenet-inspect-');
  const model = buildModel(tf, LENET5, { seed: 11 });
  await saveModel(tf, model, run);
  await saveModel(tf, model, join(run, 'best'));
  writeFileSync(join(run, 'config.json'), JSON.stringify({ dataset: 'auto', resolvedDataset: { name: 'mnist-sample' } }));
  const data = await loadDataset('mnist-sample', { cacheDir: join(run, 'cache') });

  const w = startWorker(t);
  const answer = async (id: number) => {
    const e = await w.client.waitFor(['activations', 'error'], 60_000);
    assert.equal((e as { id?: number }).id, id, `the answer names request ${id}`);
    return e;
  };

  w.client.send({ type: 'activations', id: 1, modelDir: run, testIndex: 5 });
  const byIndex = (await answer(1)) as EventOf<'activations'>;
  assert.equal(byIndex.model, run);
  assert.equal(byIndex.input.kind, 'test');
  assert.equal(byIndex.input.index, 5);
  assert.equal(byIndex.input.label, data.test.labels[5], 'the label of test image 5');
  assert.equal(byIndex.input.dataset, 'mnist-sample');
  assert.deepEqual(byIndex.input.shape, [28, 28, 1]);
  const pixels = Array.from(data.test.images.subarray(5 * 784, 6 * 784));
  assertClose(byIndex.input.values, pixels, 'input');
  const local = computeActivations(tf, model, pixels);
  assert.deepEqual(byIndex.layers.map((l) => [l.name, l.type, l.shape]), local.layers.map((l) => [l.name, l.type, l.shape]));
  byIndex.layers.forEach((l, i) => assertClose(l.values, local.layers[i].values, l.name));
  byIndex.kernels.forEach((k, i) => assert.deepEqual(k.values, local.kernels[i].values, `${k.name}: the saved weights exactly`));

  w.client.send({ type: 'activations', id: 2, modelDir: join(run, 'best'), pixels, layer: 'C3' });
  const drawn = (await answer(2)) as EventOf<'activations'>;
  assert.equal(drawn.input.kind, 'pixels');
  assert.deepEqual(drawn.layers.map((l) => l.name), ['C3']);
  assertClose(drawn.layers[0].values, local.layers[2].values, 'C3 from best/');

  // best/ finds the run's dataset in its parent's config.json.
  w.client.send({ type: 'activations', id: 3, modelDir: join(run, 'best'), testIndex: 1999, layer: 'OUTPUT' });
  const last = (await answer(3)) as EventOf<'activations'>;
  assert.equal(last.input.label, data.test.labels[1999]);

  const failures: [Record<string, unknown>, string, RegExp][] = [
    [{ id: 10, modelDir: run, pixels, testIndex: 1 }, 'BAD_MESSAGE', /either pixels or testIndex \(exactly one\)/],
    [{ id: 11, modelDir: run }, 'BAD_MESSAGE', /either pixels or testIndex/],
    [{ id: 12, modelDir: run, testIndex: 2000 }, 'BAD_CONFIG', /test image 2000 does not exist \(mnist-sample has 2000 test images: 0\.\.1999\)/],
    [{ id: 13, modelDir: run, testIndex: 0, layer: 'C7' }, 'BAD_CONFIG', /no layer 'C7'/],
    [{ id: 14, modelDir: run, pixels: pixels.map((p) => p * 255) }, 'BAD_MESSAGE', /pixels must be values from 0 to 1/],
    [{ id: 15, modelDir: run, pixels: pixels.slice(1) }, 'BAD_MESSAGE', /783 values but the model expects \[28, 28, 1\] = 784/],
    [{ id: 16, modelDir: join(run, 'nothing'), pixels }, 'NO_MODEL', /no model\.json in .*nothing/],
    [{ id: 17, modelDir: run, testIndex: '4' }, 'BAD_MESSAGE', /activations\.testIndex must be an integer/],
  ];
  for (const [cmd, code, re] of failures) {
    w.client.send({ type: 'activations', ...cmd } as never);
    const e = await answer(cmd.id as number);
    assert.equal(e.type, 'error');
    assert.equal((e as EventOf<'error'>).code, code, `${cmd.id}: ${(e as EventOf<'error'>).message}`);
    assert.match((e as EventOf<'error'>).message, re);
  }
  // One more request after all of them: anything answered twice would have arrived by now.
  w.client.send({ type: 'activations', id: 99, modelDir: run, testIndex: 0, layer: 'S2' });
  await answer(99);
  const ids = w.events.filter((e) => e.type === 'activations' || e.type === 'error').map((e) => (e as { id?: number }).id);
  assert.deepEqual(ids, [1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 99], 'every request answered exactly once, in order');
  model.dispose();
});

test('training records the probe images over the epochs in the run folder; the last snapshot is the saved model', async (t) => {
  await tf.setBackend('cpu');
  const out = tempDir(t, 'lenet-probes-');
  const w = startWorker(t);
  w.client.send({ type: 'train', config: config(out, { epochs: 2, limit: 256, seed: 5, source: 'file:///ws/lenet_seed.py' }) });
  const done = await w.client.waitFor('done', 120_000);
  assert.equal(JSON.parse(readFileSync(join(done.runDir, 'config.json'), 'utf8')).source, 'file:///ws/lenet_seed.py', 'the model file is kept with the run');
  const r = checkRecording(JSON.parse(gunzipSync(readFileSync(join(done.runDir, RECORDING_FILE))).toString('utf8')));
  assert.notEqual(typeof r, 'string', String(r));
  const rec = r as InsideRecording;
  assert.deepEqual(rec.snapshots.map((s) => s.epoch), [0, 1, 2], 'the initial weights and every epoch of a short run');
  assert.deepEqual(rec.probes.map((p) => p.index), probeIndices(2000, 5), 'the probes the seed picks');
  assert.equal(w.events.filter((e) => e.type === 'log' && /could not record/.test(e.message)).length, 0);
  const saved = await loadModel(tf, done.runDir);
  const data = await loadDataset('mnist-sample', { cacheDir: join(out, 'cache') });
  const i = rec.probes[2].index;
  const want = computeActivations(tf, saved, Array.from(data.test.images.subarray(i * 784, (i + 1) * 784)), { kernels: false });
  const got = snapshotTensors(rec, 2, 2);
  got.layers.forEach((l, k) => {
    const tol = (want.layers[k].max - want.layers[k].min) / 510 + 1e-4; // 8-bit codes; wasm vs cpu
    assert.ok(l.values.every((v, j) => Math.abs(v - want.layers[k].values[j]) <= tol), `${l.name} at epoch 2`);
  });
  const first = snapshotTensors(rec, 0, 0).kernels[0].values, last = snapshotTensors(rec, 2, 0).kernels[0].values;
  assert.ok(first.some((v, j) => Math.abs(v - last[j]) > 1e-3), 'C1\'s filters changed over training');
  saved.dispose();
});
