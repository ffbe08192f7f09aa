// The wasm training steps (one thread without the input gradient; two threads splitting each
// batch) against tfjs's own step on the same batches from the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { wasmTf, maxAbsDiff, rng } from './wasm_env';
import { LENET_CONFIG, trainLeNet } from './train_lenet';
import { buildModel } from '../../src/worker/buildModel';
import { LENET5 } from '../../src/model/lenet';
import { defaultTrainStep, type Batch, type TrainStepContext } from '../../src/worker/trainStep';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { SplitChooser } from '../../src/worker/parallel/parallel_step';
import { predictAll } from '../../src/worker/metrics';
import { PartGrads } from '../../src/worker/parallel/part_grads';
import type { ModelSpec } from '../../src/model/spec';
import { wasmDir } from '../../src/worker/backend';

const config = LENET_CONFIG;

function batches(count: number, sizes: number[]): Batch[] {
  const r = rng(count);
  return sizes.map((size) => {
    const images = new Float32Array(size * 784);
    for (let i = 0; i < images.length; i++) images[i] = r();
    const labels = Uint8Array.from({ length: size }, () => Math.floor(r() * 10));
    return { images, labels, size };
  });
}

const trainWith = trainLeNet;

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
  const alternating = Array.from({ length: 2 * PROBE }, (_, i) => i % 2 === 0);
  for (const [splitMs, soloMs, expectSplit] of [[0.1, 0.2, true], [0.3, 0.2, false]] as const) {
    const c = new SplitChooser(true);
    const chosen: boolean[] = [];
    // Slow first split steps (the other thread warming up) must not decide anything.
    for (let i = 0; i < 2 * PERIOD + 2 * PROBE + 5; i++) {
      const split = c.next();
      chosen.push(split);
      c.record(split, i < 30 ? 5 : split ? splitMs : soloMs);
    }
    assert.ok(chosen.slice(0, PERIOD).every((s) => s), 'splits through the first period without probing');
    // Interleaved probes: split, one thread, split, ... so a burst of load hits both alike.
    assert.deepEqual(chosen.slice(PERIOD, PERIOD + 2 * PROBE), alternating, 'then probes both ways, alternating');
    assert.ok(chosen.slice(PERIOD + 2 * PROBE, 2 * PERIOD).every((s) => s === expectSplit), `then keeps ${expectSplit ? 'splitting' : 'one thread'}`);
    assert.deepEqual(chosen.slice(2 * PERIOD, 2 * PERIOD + 2 * PROBE), alternating, 'and probes again');
  }
  // A burst of load from another process over the first probe steps slows both ways alike:
  // splitting (2x faster otherwise) still wins. (Probed back to back, the burst would have hit
  // only the split steps and chosen one thread.)
  const c = new SplitChooser(true);
  const chosen: boolean[] = [];
  for (let i = 0; i < PERIOD + 2 * PROBE + 5; i++) {
    const split = c.next();
    chosen.push(split);
    const t = i - PERIOD;
    c.record(split, (split ? 0.1 : 0.2) * (t >= 2 && t < 12 ? 5 : 1));
  }
  assert.ok(chosen.slice(PERIOD + 2 * PROBE).every((s) => s), 'a load burst during the probes does not send the run to one thread');
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

test('the no-input-gradient forward matches model.apply on other first layers (strided, no bias, padded, dense-first, BatchNorm)', async () => {
  await wasmTf();
  const specs: ModelSpec[] = [
    { inputShape: [28, 28, 1], layers: [
      { type: 'Conv2D', filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: false },
      { type: 'MaxPooling2D', poolSize: [2, 2] }, { type: 'Flatten' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
    { inputShape: [28, 28, 1], layers: [
      { type: 'ZeroPadding2D', padding: [[1, 2], [0, 1]] },
      { type: 'Conv2D', filters: 3, kernelSize: [4, 2], activation: 'sigmoid' },
      { type: 'Conv2D', filters: 5, kernelSize: [3, 3], strides: [2, 1], activation: 'tanh' },
      { type: 'GlobalAveragePooling2D' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
    { inputShape: [28, 28, 1], layers: [
      { type: 'Flatten' }, { type: 'Dense', units: 32, activation: 'tanh' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
    { inputShape: [28, 28, 1], layers: [
      { type: 'Conv2D', filters: 4, kernelSize: [5, 5], activation: 'elu' }, { type: 'BatchNormalization' },
      { type: 'Flatten' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
  ];
  const data = batches(9, [16])[0];
  for (const [i, spec] of specs.entries()) {
    const model = await buildModel(tf, spec, { seed: 5 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const part = new PartGrads(tf, model, vars, [28, 28, 1], 10).compute({ ...data, batchSize: data.size });
    const ref = tf.tidy(() => {
      const xs = tf.tensor(data.images, [data.size, 28, 28, 1]);
      const ys = tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), 10);
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
      return { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
    });
    assert.ok(Math.abs(part.loss - ref.loss) < 1e-5, `spec ${i}: loss ${part.loss} vs ${ref.loss}`);
    part.grads.forEach((g, j) => {
      const err = maxAbsDiff(g.dataSync() as Float32Array, ref.grads[j]);
      assert.ok(err < 1e-5, `spec ${i} gradient ${j} (${vars[j].name}): ${err}`);
    });
    tf.dispose(part.grads);
    model.dispose();
  }
});

test('no tensor leaks across steps and validation (one and two threads)', async () => {
  await wasmTf();
  for (const threads of [1, 2] as const) {
    const model = await buildModel(tf, LENET5, { seed: 6 });
    const opt = tf.train.sgd(0.01);
    const ctx: TrainStepContext = { tf, model, optimizer: opt, config, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
    const step = (await createWasmTrainStep(ctx, { threads, adaptive: false, wasmDir: wasmDir() }))!;
    const data = batches(10, [64, 64, 64, 64]);
    const split = { images: data[0].images, labels: data[0].labels, count: 64 };
    await step.run(data[0]);
    const before = tf.memory().numTensors;
    for (const b of data.slice(1)) await step.run(b);
    if (step.predictAll) await step.predictAll(split);
    assert.equal(tf.memory().numTensors, before, `${step.name}: tensors ${before} -> ${tf.memory().numTensors}`);
    step.dispose();
    model.dispose();
    opt.dispose();
  }
});
