// The wasm training steps (one thread without the input gradient; two threads splitting each
// batch) against tfjs's own step on the same batches from the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { wasmTf, maxAbsDiff, rng } from './wasm_env';
import { buildModel } from '../../src/worker/buildModel';
import { LENET5 } from '../../src/model/lenet';
import { defaultTrainStep, type Batch, type TrainStep, type TrainStepContext } from '../../src/worker/trainStep';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { SplitChooser } from '../../src/worker/parallel/parallel_step';
import { predictAll } from '../../src/worker/metrics';
import { wasmDir } from '../../src/worker/backend';
import type { TrainConfig } from '../../src/shared/protocol';

const config: TrainConfig = {
  dataset: 'test', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'wasm',
  seed: 3, limit: 0, outDir: '', cacheDir: '',
};

function batches(count: number, sizes: number[]): Batch[] {
  const r = rng(count);
  return sizes.map((size) => {
    const images = new Float32Array(size * 784);
    for (let i = 0; i < images.length; i++) images[i] = r();
    const labels = Uint8Array.from({ length: size }, () => Math.floor(r() * 10));
    return { images, labels, size };
  });
}

async function trainWith(make: (ctx: TrainStepContext) => Promise<TrainStep | null> | TrainStep, data: Batch[], optimizer = 'sgd' as TrainConfig['optimizer']) {
  const model = await buildModel(tf, LENET5, { seed: 3 });
  const opt = optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001);
  const ctx: TrainStepContext = { tf, model, optimizer: opt, config: { ...config, optimizer }, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
  const step = await make(ctx);
  assert.ok(step);
  const results = [];
  for (const b of data) results.push(await step.run(b));
  await step.sync();
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  step.dispose();
  model.dispose();
  opt.dispose();
  return { name: step.name, results, weights };
}

test('one-thread and two-thread wasm steps give the default step\'s losses and weights', async () => {
  await wasmTf();
  const data = batches(1, [64, 64, 64, 37, 1, 64]); // a short batch and a batch of one too
  const before = tf.memory().numTensors;
  const ref = await trainWith(defaultTrainStep, data);
  const one = await trainWith((ctx) => createWasmTrainStep(ctx, { threads: 1, wasmDir: wasmDir() }), data);
  const two = await trainWith((ctx) => createWasmTrainStep(ctx, { threads: 2, adaptive: false, wasmDir: wasmDir(), onFallback: (r) => assert.fail(r) }), data);
  assert.equal(one.name, 'wasm-fast');
  assert.equal(two.name, 'wasm-2-threads');
  for (const run of [one, two]) {
    run.results.forEach((r, i) => {
      assert.ok(Math.abs(r.loss - ref.results[i].loss) < 1e-5, `${run.name} step ${i}: loss ${r.loss} vs ${ref.results[i].loss}`);
      assert.ok(Math.abs(r.acc - ref.results[i].acc) < 1e-6, `${run.name} step ${i}: accuracy ${r.acc} vs ${ref.results[i].acc}`);
    });
    run.weights.forEach((w, i) => assert.ok(maxAbsDiff(w, ref.weights[i]) < 2e-6, `${run.name} weight ${i}: ${maxAbsDiff(w, ref.weights[i])}`));
  }
  assert.ok(maxAbsDiff(ref.weights[0], (await buildModel(tf, LENET5, { seed: 3 })).getWeights()[0].dataSync() as Float32Array) > 1e-4, 'weights moved');
  tf.disposeVariables();
  assert.ok(tf.memory().numTensors <= before, `tensors ${before} -> ${tf.memory().numTensors}`);
});

test('two threads with Adam match the default step too', async () => {
  await wasmTf();
  const data = batches(2, [64, 64, 64]);
  const ref = await trainWith(defaultTrainStep, data, 'adam');
  const two = await trainWith((ctx) => createWasmTrainStep(ctx, { threads: 2, adaptive: false, wasmDir: wasmDir() }), data, 'adam');
  two.weights.forEach((w, i) => assert.ok(maxAbsDiff(w, ref.weights[i]) < 1e-5, `weight ${i}: ${maxAbsDiff(w, ref.weights[i])}`));
});

test('other backends keep tfjs\'s own step', async () => {
  await wasmTf();
  const model = await buildModel(tf, LENET5, { seed: 1 });
  const ctx: TrainStepContext = { tf, model, optimizer: tf.train.sgd(0.01), config, backend: 'tensorflow', inputShape: [28, 28, 1], numClasses: 10 };
  assert.equal(await createWasmTrainStep(ctx, { wasmDir: wasmDir() }), null);
  assert.equal(await createWasmTrainStep({ ...ctx, backend: 'cpu' }, { wasmDir: wasmDir() }), null);
  model.dispose();
});

test('SplitChooser probes both ways and keeps the faster one', () => {
  const { PERIOD, PROBE } = SplitChooser;
  for (const [splitMs, soloMs, expectSplit] of [[0.1, 0.2, true], [0.3, 0.2, false]] as const) {
    const c = new SplitChooser(true);
    const chosen: boolean[] = [];
    for (let i = 0; i < PERIOD + 2 * PROBE + 5; i++) {
      const split = c.next();
      chosen.push(split);
      c.record(split, split ? splitMs : soloMs);
    }
    assert.ok(chosen.slice(0, PROBE).every((s) => s), 'probes splitting first');
    assert.ok(chosen.slice(PROBE, 2 * PROBE).every((s) => !s), 'then one thread');
    assert.ok(chosen.slice(2 * PROBE, PERIOD).every((s) => s === expectSplit), `then keeps ${expectSplit ? 'splitting' : 'one thread'}`);
    assert.ok(chosen.slice(PERIOD, PERIOD + PROBE).every((s) => s), 'and probes again');
  }
  const fixed = new SplitChooser(false);
  for (let i = 0; i < 50; i++) fixed.record(fixed.next(), 1);
  assert.deepEqual(fixed.counts, { split: 50, solo: 0 });
});

test('a second thread that cannot start falls back to one thread and says why', async () => {
  await wasmTf();
  const model = await buildModel(tf, LENET5, { seed: 1 });
  const opt = tf.train.sgd(0.01);
  const ctx: TrainStepContext = { tf, model, optimizer: opt, config, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
  let reason = '';
  const step = await createWasmTrainStep(ctx, { threads: 2, wasmDir: '/nonexistent-wasm-dir', onFallback: (r) => (reason = r) });
  assert.equal(step?.name, 'wasm-fast');
  assert.match(reason, /two-thread training unavailable \(training thread: .+\); using one thread/);
  const r = await step!.run(batches(3, [8])[0]);
  assert.ok(Number.isFinite(r.loss));
  step!.dispose();
  model.dispose();
  opt.dispose();
});

test('validation on two threads gives the one-thread probabilities', async () => {
  await wasmTf();
  const model = await buildModel(tf, LENET5, { seed: 4 });
  const opt = tf.train.sgd(0.01);
  const ctx: TrainStepContext = { tf, model, optimizer: opt, config, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
  const step = await createWasmTrainStep(ctx, { threads: 2, adaptive: false, wasmDir: wasmDir() });
  assert.ok(step?.predictAll);
  await step.run(batches(5, [64])[0]); // weights move first: the thread must predict with the new ones
  const data = batches(6, [1037])[0];
  const split = { images: data.images, labels: data.labels, count: data.size };
  const ref = await predictAll(tf, model, split, [28, 28, 1], 10);
  for (let rep = 0; rep < 2; rep++) { // second call reuses the shared copy
    const got: Float32Array = await step.predictAll!(split);
    assert.equal(got.length, 1037 * 10);
    assert.ok(maxAbsDiff(got, ref) < 1e-6, `rep ${rep}: ${maxAbsDiff(got, ref)}`);
    await step.run(batches(7 + rep, [64])[0]);
    const ref2 = await predictAll(tf, model, split, [28, 28, 1], 10);
    ref.set(ref2);
  }
  step.dispose();
  model.dispose();
  opt.dispose();
});
