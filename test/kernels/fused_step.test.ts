// The fused wasm step against tfjs as the oracle: per-layer gradients and one update with each
// optimizer on LeNet-5 and on random plain chains (with dropout), updates over several batches,
// which models it refuses, and that it leaks no tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { wasmTf, maxAbsDiff } from './wasm_env';
import { rng } from '../../src/shared/random';
import { buildModel } from '../../src/worker/buildModel';
import { LENET5 } from '../../src/model/lenet';
import type { ActivationName, LayerSpec, ModelSpec } from '../../src/model/spec';
import { defaultTrainStep, type Batch } from '../../src/worker/trainStep';
import { FusedTrainStep, fusedUnsupported } from '../../src/worker/fused/step';
import { predictAll } from '../../src/worker/metrics';
import { LENET_CONFIG, trainLeNet } from './train_lenet';
import { assertGradientsMatchTfjs, randomBatch } from './fused_fixtures';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { wasmDir } from '../../src/worker/backend';

/** An optimizer of each kind the fused step serves, as tfjs makes them. */
const OPTIMIZERS: Array<() => tf.Optimizer> = [
  () => tf.train.sgd(0.1), () => tf.train.momentum(0.05, 0.9), () => tf.train.momentum(0.05, 0.9, true),
  () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), () => tf.train.rmsprop(0.01, 0.9, 0.2, 1e-7),
];

/**
 * The fused step's gradients equal tfjs's (tfjs applying the fused step's dropout masks), and one
 * update with each optimizer equals tfjs's optimizer applying the same gradients, to the bit.
 */
function assertGradientsMatch(label: string, model: tf.LayersModel, batch: Batch, inputShape: number[], classes: number) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const initial = vars.map((v) => v.dataSync().slice() as Float32Array);
  for (const make of OPTIMIZERS) {
    const opt = make();
    const step = new FusedTrainStep(tf, model, opt, inputShape, classes, batch.size, 1);
    const { grads } = step.gradients(batch);
    if (make === OPTIMIZERS[0]) assertGradientsMatchTfjs(label, step, model, batch, grads, inputShape, classes);
    step.update();
    step.sync();
    const fused = vars.map((v) => v.dataSync().slice() as Float32Array);
    const reset = () => tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(initial[i], v.shape))));
    reset();
    const ref = make();
    tf.tidy(() => ref.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(grads[i], v.shape)]))));
    vars.forEach((v, i) => assert.equal(maxAbsDiff(fused[i], v.dataSync() as Float32Array), 0, `${label}: ${opt.getClassName()} update of ${v.name}`));
    reset();
    step.dispose();
    opt.dispose();
    ref.dispose();
  }
}

test('fused gradients equal tfjs\'s on LeNet-5 (a full batch and a short one)', async () => {
  await wasmTf();
  const model = buildModel(tf, LENET5, { seed: 5 });
  assertGradientsMatch('LeNet-5 batch 64', model, randomBatch(1, 64, 784, 10), [28, 28, 1], 10);
  assertGradientsMatch('LeNet-5 batch 3', model, randomBatch(2, 3, 784, 10), [28, 28, 1], 10);
  model.dispose();
});

/** A random chain of the layers the fused step serves: conv/pool blocks, Flatten, Dense, softmax. */
function randomChain(r: () => number, classes: number): ModelSpec {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const acts: ActivationName[] = ['linear', 'relu', 'tanh', 'sigmoid'];
  let [h, w] = [int(5, 13), int(5, 13)];
  const inputShape = [h, w, int(1, 3)];
  const layers: LayerSpec[] = [];
  for (let i = int(1, 3); i > 0; i--) {
    if (r() < 0.65) {
      const k: [number, number] = [int(1, Math.min(4, h)), int(1, Math.min(4, w))];
      const s: [number, number] = [int(1, 2), int(1, 2)];
      const padding = pick(['same', 'valid'] as const);
      h = padding === 'same' ? Math.ceil(h / s[0]) : Math.ceil((h - k[0] + 1) / s[0]);
      w = padding === 'same' ? Math.ceil(w / s[1]) : Math.ceil((w - k[1] + 1) / s[1]);
      layers.push({ type: 'Conv2D', filters: int(1, 10), kernelSize: k, strides: s, padding, activation: pick(acts), useBias: r() < 0.8 });
      if (r() < 0.2) layers.push({ type: 'Dropout', rate: 0.3 });
    } else if (h >= 2 && w >= 2) {
      const p: [number, number] = [int(1, Math.min(3, h)), int(1, Math.min(3, w))];
      h = Math.floor((h - p[0]) / p[0]) + 1;
      w = Math.floor((w - p[1]) / p[1]) + 1;
      layers.push({ type: pick(['AveragePooling2D', 'MaxPooling2D'] as const), poolSize: p });
    }
  }
  layers.push({ type: 'Flatten' });
  for (let i = int(0, 2); i > 0; i--) {
    layers.push({ type: 'Dense', units: int(1, 20), activation: pick(acts), useBias: r() < 0.8 });
    if (r() < 0.3) layers.push({ type: 'Dropout', rate: pick([0, 0.2, 0.5]) });
  }
  layers.push({ type: 'Dense', units: classes, activation: 'softmax' });
  return { name: 'random', inputShape, layers };
}

// The oracle here is the cpu backend: tfjs-backend-wasm's conv2d with 'same' padding, stride 2
// and a kernel 1 wide differs from it (and from the fused step) on such shapes.
test('fused gradients equal tfjs\'s (cpu backend) on random plain chains', async () => {
  await wasmTf();
  await tf.setBackend('cpu');
  try {
    const r = rng(42);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const classes = 2 + Math.floor(r() * 6);
      const spec = randomChain(r, classes);
      for (const l of spec.layers) {
        seen.add(l.type);
        if (l.type === 'Conv2D') seen.add(`${l.padding} stride ${l.strides!.join('x')}`).add(`kernel ${l.kernelSize.join('x')}`);
      }
      const model = buildModel(tf, spec, { seed: i });
      const inputShape = spec.inputShape;
      const size = 1 + Math.floor(r() * 9);
      assertGradientsMatch(`chain ${i} ${JSON.stringify(spec.layers)}`, model, randomBatch(100 + i, size, inputShape.reduce((a, b) => a * b, 1), classes), inputShape, classes);
      model.dispose();
    }
    for (const f of ['AveragePooling2D', 'MaxPooling2D', 'Dense', 'Dropout', 'same stride 2x2', 'valid stride 1x2', 'kernel 1x1', 'kernel 4x3']) assert.ok(seen.has(f), `no chain had ${f}`);
  } finally {
    await tf.setBackend('wasm');
  }
});

async function trainAndCompare(optimizer: () => tf.Optimizer, tolerance: number) {
  const data = [64, 64, 37, 64, 1].map((size, i) => randomBatch(10 + i, size, 784, 10));
  const ref = await trainLeNet(defaultTrainStep, data, 'sgd', optimizer);
  const fused = await trainLeNet((ctx) => new FusedTrainStep(tf, ctx.model, ctx.optimizer, [28, 28, 1], 10, 64), data, 'sgd', optimizer);
  assert.equal(fused.name, 'wasm-fused');
  fused.results.forEach((r, i) => {
    assert.ok(Math.abs(r.loss - ref.results[i].loss) < 1e-4, `step ${i}: loss ${r.loss} vs ${ref.results[i].loss}`);
    assert.ok(Math.abs(r.acc - ref.results[i].acc) < 1e-6, `step ${i}: accuracy ${r.acc} vs ${ref.results[i].acc}`);
  });
  fused.weights.forEach((w, i) => assert.ok(maxAbsDiff(w, ref.weights[i]) < tolerance, `weight ${i}: ${maxAbsDiff(w, ref.weights[i])}`));
}

test('fused SGD steps give the default step\'s losses, accuracies and weights, and leak no tensors', async () => {
  await wasmTf();
  const before = tf.memory().numTensors;
  await trainAndCompare(() => tf.train.sgd(0.05), 2e-5);
  assert.equal(tf.memory().numTensors, before);
});

test('fused validation probabilities equal tfjs\'s predict after sync', async () => {
  await wasmTf();
  const model = buildModel(tf, LENET5, { seed: 7 });
  const opt = tf.train.sgd(0.05);
  const step = new FusedTrainStep(tf, model, opt, [28, 28, 1], 10, 64);
  for (let i = 0; i < 3; i++) step.run(randomBatch(20 + i, 64, 784, 10));
  step.sync();
  const b = randomBatch(30, 150, 784, 10); // more than one chunk, and a short last one
  const probs = await step.predictAll({ images: b.images, labels: b.labels, count: b.size });
  const ref = await predictAll(tf, model, { images: b.images, labels: b.labels, count: b.size }, [28, 28, 1], 10);
  assert.ok(maxAbsDiff(probs, ref) < 1e-5, `probabilities differ by ${maxAbsDiff(probs, ref)}`);
  model.dispose();
  opt.dispose();
});

test('fused momentum steps match tfjs\'s momentum optimizer', async () => {
  await wasmTf();
  await trainAndCompare(() => tf.train.momentum(0.02, 0.9), 2e-5);
});

test('the fused step names what it cannot serve', async () => {
  await wasmTf();
  const ctx = (spec: ModelSpec, opt: tf.Optimizer) => ({ model: buildModel(tf, spec, { seed: 1 }), optimizer: opt, inputShape: spec.inputShape, numClasses: 10 });
  assert.equal(fusedUnsupported(ctx(LENET5, tf.train.sgd(0.1))), null);
  assert.equal(fusedUnsupported(ctx(LENET5, tf.train.adam(0.1))), null);
  assert.equal(fusedUnsupported(ctx(LENET5, tf.train.rmsprop(0.1))), null);
  assert.match(fusedUnsupported(ctx(LENET5, tf.train.adagrad(0.1)))!, /optimizer Adagrad is not fused/);
  assert.match(fusedUnsupported(ctx(LENET5, tf.train.rmsprop(0.1, 0.9, 0, 1e-7, true)))!, /centered RMSProp is not fused/);
  const dropout: ModelSpec = { ...LENET5, layers: [...LENET5.layers.slice(0, 6), { type: 'Dropout', rate: 0.5 }, ...LENET5.layers.slice(6)] };
  assert.equal(fusedUnsupported(ctx(dropout, tf.train.sgd(0.1))), null);
  const spatial: ModelSpec = { ...LENET5, layers: [...LENET5.layers.slice(0, 2), { type: 'SpatialDropout2D', rate: 0.5 }, ...LENET5.layers.slice(2)] };
  assert.match(fusedUnsupported(ctx(spatial, tf.train.sgd(0.1)))!, /Dropout layer .*a noise shape is not fused/);
  const noSoftmax: ModelSpec = { ...LENET5, layers: [...LENET5.layers.slice(0, 7), { type: 'Dense', units: 10, activation: 'sigmoid' }] };
  assert.match(fusedUnsupported(ctx(noSoftmax, tf.train.sgd(0.1)))!, /last layer is not a Dense softmax/);
  assert.throws(() => new FusedTrainStep(tf, buildModel(tf, LENET5, { seed: 1 }), tf.train.adamax(0.1), [28, 28, 1], 10, 64), /optimizer Adamax is not fused/);
  // The step that trains instead says why, for config.json and the panel.
  const declined = await createWasmTrainStep({ ...ctx(LENET5, tf.train.adagrad(0.1)), tf, backend: 'wasm', config: LENET_CONFIG },
    { fused: true, threads: 1, wasmDir: wasmDir() });
  assert.equal(declined?.name, 'wasm-fast');
  assert.equal(declined?.declined, 'optimizer Adagrad is not fused');
  declined?.dispose();
});

test('two fused threads give the one-thread fused step\'s losses and weights', async () => {
  await wasmTf();
  const data = [64, 64, 37, 64, 1, 64].map((size, i) => randomBatch(40 + i, size, 784, 10));
  const run = (threads: 1 | 2) => trainLeNet((ctx) => createWasmTrainStep(ctx, { fused: true, threads, adaptive: false, wasmDir: wasmDir(), onFallback: (r) => assert.fail(r) }),
    data, 'sgd', () => tf.train.sgd(0.05));
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.name, 'wasm-fused');
  assert.equal(two.name, 'wasm-fused-2-threads');
  two.results.forEach((r, i) => {
    assert.ok(Math.abs(r.loss - one.results[i].loss) < 1e-5, `step ${i}: loss ${r.loss} vs ${one.results[i].loss}`);
    assert.ok(Math.abs(r.acc - one.results[i].acc) < 1e-6, `step ${i}: accuracy ${r.acc} vs ${one.results[i].acc}`);
  });
  two.weights.forEach((w, i) => assert.ok(maxAbsDiff(w, one.weights[i]) < 2e-6, `weight ${i}: ${maxAbsDiff(w, one.weights[i])}`));
});

test('validation on two fused threads gives the one-thread probabilities', async () => {
  await wasmTf();
  const model = buildModel(tf, LENET5, { seed: 8 });
  const opt = tf.train.sgd(0.05);
  const ctx = { tf, model, optimizer: opt, inputShape: [28, 28, 1], numClasses: 10, backend: 'wasm' as const, config: LENET_CONFIG };
  const two = await createWasmTrainStep(ctx, { fused: true, threads: 2, adaptive: false, wasmDir: wasmDir(), onFallback: (r) => assert.fail(r) });
  assert.equal(two?.name, 'wasm-fused-2-threads');
  await two!.run(randomBatch(50, 64, 784, 10));
  const b = randomBatch(51, 301, 784, 10);
  const split = { images: b.images, labels: b.labels, count: b.size };
  const probs = await two!.predictAll!(split);
  const again = await two!.predictAll!(split); // the split is already in the thread's memory
  two!.sync();
  const ref = await predictAll(tf, model, split, [28, 28, 1], 10);
  assert.ok(maxAbsDiff(probs, ref) < 1e-5, `probabilities differ by ${maxAbsDiff(probs, ref)}`);
  assert.ok(maxAbsDiff(again, probs) === 0);
  two!.dispose();
  model.dispose();
  opt.dispose();
});
