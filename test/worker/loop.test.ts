// The training loop's Keras semantics, in-process with a recording TrainStep plugged in through
// the loop's createStep parameter (the real model still validates on the cpu backend): every sample once per
// epoch in a seeded order that changes per epoch, sample-weighted epoch means with a short last
// batch, the last batch always reported, stop at a batch boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LENET5 } from '../../src/model/lenet';
import { inferModel } from '../../src/model/infer';
import { toSummaryInfo } from '../../src/model/summary';
import type { TrainConfig } from '../../src/shared/protocol';
import { runTraining, type EventBody } from '../../src/worker/train';
import type { Batch, TrainStep } from '../../src/worker/trainStep';
import { tempDir } from './helpers';

tf.env().set('PROD', true);
const seen: number[][] = [];
/** The loop under test trains with this step: it records each batch's sample ids. */
const recordingStep = (): TrainStep => ({
  name: 'recording',
  run(b: Batch) {
    const ids: number[] = [];
    for (let i = 0; i < b.size; i++) ids.push(Math.round(b.images[i * 784] * 1000));
    seen.push(ids);
    // loss = batch size, acc = 1 for full batches: the epoch mean must weight by samples.
    return { loss: b.size, acc: b.size === 4 ? 1 : 0 };
  },
  sync() {},
  dispose() {},
});

function data(n: number) {
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) images[i * 784] = i / 1000; // the sample's id in its first pixel
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  return { images, labels, count: n };
}

test('epochs: each sample once, reshuffled per epoch, weighted means, last batch reported', async (t) => {
  await tf.setBackend('cpu');
  const out = tempDir(t);
  seen.length = 0;
  const config: TrainConfig = {
    dataset: 'x', epochs: 2, batchSize: 4, learningRate: 0.01, optimizer: 'sgd', backend: 'cpu', seed: 987654, limit: 10, outDir: out, cacheDir: '',
  };
  const events: EventBody[] = [];
  const ds = { name: 'x', source: 'test', classes: [...'0123456789'], train: data(30), test: data(10) };
  const r = await runTraining({ tf, backend: 'cpu', versions: {}, createStep: recordingStep, emit: (e) => events.push(e), stopRequested: () => false },
    config, ds, LENET5, toSummaryInfo(inferModel(LENET5)));
  r.model.dispose();
  // limit 10, batch 4: batches of 4, 4, 2 per epoch.
  assert.deepEqual(seen.map((b) => b.length), [4, 4, 2, 4, 4, 2]);
  const e1 = seen.slice(0, 3).flat();
  const e2 = seen.slice(3).flat();
  assert.deepEqual([...e1].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'only the first 10 (limit), each once');
  assert.deepEqual([...e2].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(e1, e2, 'shuffled differently each epoch');
  assert.notDeepEqual(e1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'shuffled');
  const ends = events.filter((e) => e.type === 'epochEnd');
  assert.equal(ends.length, 2);
  for (const e of ends) {
    if (e.type !== 'epochEnd') continue;
    assert.equal(e.loss, (4 * 4 + 4 * 4 + 2 * 2) / 10, 'loss weighted by samples');
    assert.equal(e.acc, 8 / 10, 'accuracy weighted by samples');
  }
  const lastBatches = events.filter((e) => e.type === 'batchEnd' && e.batch === 3);
  assert.equal(lastBatches.length, 2, 'the last batch of each epoch is always sent');
  assert.deepEqual(r.history.map((h) => h.epoch), [1, 2]);
});

test('stop: at the next batch boundary, then the weights are saved', async (t) => {
  await tf.setBackend('cpu');
  const out = tempDir(t);
  seen.length = 0;
  let stop = false;
  const events: EventBody[] = [];
  const config: TrainConfig = {
    dataset: 'x', epochs: 3, batchSize: 4, learningRate: 0.01, optimizer: 'sgd', backend: 'cpu', seed: 987654, limit: 0, outDir: out, cacheDir: '',
  };
  const ds = { name: 'x', source: 'test', classes: [...'0123456789'], train: data(40), test: data(10) };
  const r = await runTraining({
    tf, backend: 'cpu', versions: {}, createStep: recordingStep, stopRequested: () => stop,
    emit: (e) => {
      events.push(e);
      if (e.type === 'batchEnd' && e.epoch === 2) stop = true; // first batchEnd of epoch 2
    },
  }, config, ds, LENET5, toSummaryInfo(inferModel(LENET5)));
  r.model.dispose();
  assert.equal(r.stopped, true);
  assert.equal(r.history.length, 1);
  const stopped = events.find((e) => e.type === 'stopped');
  assert.deepEqual(stopped, { type: 'stopped', epoch: 2, batch: 1 });
  assert.equal(seen.length, 10 + 1, 'no batch after the stop');
  assert.ok(!events.some((e) => e.type === 'epochEnd' && e.epoch === 2));
});
