// The fused step's optimizer updates against tfjs's own optimizers as the oracle: the same
// gradients fed to both for several steps must give the same weights and the same
// optimizer.getWeights() (slot names, values, iteration count) after sync(); a step made from a
// restored optimizer state (setWeights, as on resume) continues like the uninterrupted one; one and
// two threads agree for every optimizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, maxAbs, wasmTf } from './wasm_env';
import { buildModel } from '../../src/worker/buildModel';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import { FusedTrainStep } from '../../src/worker/fused/step';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { wasmDir } from '../../src/worker/backend';
import { LENET_DROPOUT, randomBatch } from './fused_fixtures';
import { LENET_CONFIG, trainLeNet } from './train_lenet';

const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  sgd: () => tf.train.sgd(0.05),
  momentum: () => tf.train.momentum(0.02, 0.9),
  nesterov: () => tf.train.momentum(0.02, 0.9, true),
  adam: () => tf.train.adam(0.003, 0.9, 0.999, 1e-7),
  rmsprop: () => tf.train.rmsprop(0.002, 0.9, 0, 1e-7),
  'rmsprop momentum': () => tf.train.rmsprop(0.002, 0.8, 0.5, 1e-7),
};

interface Named { name: string; values: Float32Array }

async function optimizerState(opt: tf.Optimizer): Promise<Named[]> {
  const ws = await opt.getWeights();
  const state = await Promise.all(ws.map(async (w) => ({ name: w.name, values: (await w.tensor.data()) as Float32Array })));
  ws[0].tensor.dispose(); // getWeights makes a new 'iter' scalar; the rest are the optimizer's own variables
  return state;
}

/** The same state up to the variables' own names (two models' variables are named apart). */
function assertSameState(label: string, a: Named[], b: Named[], tolerance: number): void {
  assert.deepEqual(a.map((w) => w.name.replace(/^.*\//, '')), b.map((w) => w.name.replace(/^.*\//, '')), `${label}: slot names`);
  assert.equal(a[0].name, 'iter');
  assert.equal(a[0].values[0], b[0].values[0], `${label}: iterations`);
  a.forEach((w, i) => {
    const err = maxAbsDiff(w.values, b[i].values);
    assert.ok(err <= tolerance * Math.max(maxAbs(b[i].values), 1e-3), `${label}: ${w.name} differs by ${err}`);
  });
}

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/**
 * N fused steps and N steps of tfjs's optimizer on the fused step's own gradients, from the same
 * initial weights: the weights and getWeights() after sync() must be equal to the bit.
 */
async function compareWithTfjs(name: string, spec: ModelSpec, steps: number): Promise<void> {
  const fusedModel = buildModel(tf, spec, { seed: 3 });
  const refModel = buildModel(tf, spec, { seed: 3 });
  const fusedOpt = OPTIMIZERS[name]();
  const refOpt = OPTIMIZERS[name]();
  const step = new FusedTrainStep(tf, fusedModel, fusedOpt, [28, 28, 1], 10, 64, 9);
  const refVars = refModel.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    for (let s = 0; s < steps; s++) {
      const batch = randomBatch(200 + s, s === 2 ? 17 : 64, 784, 10);
      const { grads } = step.gradients(batch);
      tf.tidy(() => refOpt.applyGradients(Object.fromEntries(refVars.map((v, i) => [v.name, tf.tensor(grads[i], v.shape)]))));
      step.update();
    }
    step.sync();
    const fused = weightsOf(fusedModel);
    weightsOf(refModel).forEach((w, i) => {
      const err = maxAbsDiff(fused[i], w);
      // The same float32 operations in the same order: equal to the bit.
      assert.equal(err, 0, `${name}: weight ${i} differs by ${err}`);
    });
    assertSameState(name, await optimizerState(fusedOpt), await optimizerState(refOpt), 0);
    assert.equal(fusedOpt.iterations, steps);
  } finally {
    step.dispose();
    for (const d of [fusedModel, refModel, fusedOpt, refOpt]) d.dispose();
  }
}

/** Tensors tfjs's own optimizer leaves behind when disposed (MomentumOptimizer keeps SGD's -lr scalar). */
function ownLeak(make: () => tf.Optimizer): number {
  const before = tf.memory().numTensors;
  make().dispose();
  return tf.memory().numTensors - before;
}

for (const name of Object.keys(OPTIMIZERS)) {
  test(`fused ${name} updates and optimizer state equal tfjs's on the same gradients`, async () => {
    await wasmTf();
    const leak = ownLeak(OPTIMIZERS[name]);
    const before = tf.memory().numTensors;
    await compareWithTfjs(name, LENET5, 5);
    await compareWithTfjs(name, LENET_DROPOUT, 3);
    assert.equal(tf.memory().numTensors, before + 4 * leak, 'no tensors left behind but tfjs\'s own');
  });
}

test('a fused step made from a restored optimizer state continues like the uninterrupted one', async () => {
  await wasmTf();
  for (const name of ['momentum', 'adam', 'rmsprop momentum']) {
    const data = Array.from({ length: 6 }, (_, i) => randomBatch(300 + i, 64, 784, 10));
    // Uninterrupted: six steps.
    const model = buildModel(tf, LENET_DROPOUT, { seed: 4 });
    const opt = OPTIMIZERS[name]();
    const step = new FusedTrainStep(tf, model, opt, [28, 28, 1], 10, 64, 5);
    for (const b of data.slice(0, 3)) step.run(b);
    step.sync();
    // The state a resumed run reads back: weights and optimizer.getWeights() as plain values.
    const savedWeights = model.getWeights().map((w) => w.clone());
    const savedState = await Promise.all((await opt.getWeights()).map(async (w) => ({ name: w.name, tensor: tf.tensor(await w.tensor.data(), w.tensor.shape, w.tensor.dtype) })));
    for (const b of data.slice(3)) step.run(b);
    step.sync();
    // Resumed: a new model and optimizer from the saved state, a new step, the last three batches.
    const model2 = buildModel(tf, LENET_DROPOUT, { seed: 99 });
    model2.setWeights(savedWeights);
    const opt2 = OPTIMIZERS[name]();
    await opt2.setWeights(savedState);
    const step2 = new FusedTrainStep(tf, model2, opt2, [28, 28, 1], 10, 64, 5);
    for (const b of data.slice(3)) step2.run(b);
    step2.sync();
    // Adam's beta powers come back as pow(beta, t + 1) rather than t products: a few ulps apart.
    const tol = name === 'adam' ? 1e-5 : 0;
    const w1 = weightsOf(model);
    weightsOf(model2).forEach((w, i) => assert.ok(maxAbsDiff(w, w1[i]) <= tol * Math.max(maxAbs(w1[i]), 1e-3), `${name}: weight ${i} differs by ${maxAbsDiff(w, w1[i])}`));
    assertSameState(`${name} resumed`, await optimizerState(opt2), await optimizerState(opt), tol);
    assert.equal(opt2.iterations, 6);
    step.dispose();
    step2.dispose();
    for (const d of [model, model2, opt, opt2]) d.dispose();
    savedWeights.forEach((w) => w.dispose());
    savedState.forEach((w) => w.tensor.dispose());
  }
});

test('two fused threads give the one-thread fused step\'s weights and optimizer state for every optimizer, dropout included', async () => {
  await wasmTf();
  const data = [64, 64, 37, 64, 1].map((size, i) => randomBatch(60 + i, size, 784, 10));
  for (const name of ['nesterov', 'adam', 'rmsprop momentum']) {
    const states: Named[][] = [];
    const run = (threads: 1 | 2) => trainLeNet(async (ctx) => {
      const step = await createWasmTrainStep({ ...ctx, config: { ...LENET_CONFIG, seed: 21 } },
        { fused: true, threads, adaptive: false, wasmDir: wasmDir(), onFallback: (r) => assert.fail(r) });
      // trainLeNet syncs before disposing: read the optimizer's state right after that sync.
      const sync = step!.sync.bind(step);
      step!.sync = async () => {
        await sync();
        states.push(await optimizerState(ctx.optimizer));
      };
      return step;
    }, data, 'sgd', OPTIMIZERS[name], LENET_DROPOUT);
    const one = await run(1);
    const two = await run(2);
    assert.equal(two.name, 'wasm-fused-2-threads');
    two.results.forEach((r, i) => assert.ok(Math.abs(r.loss - one.results[i].loss) < 1e-5, `${name} step ${i}: loss ${r.loss} vs ${one.results[i].loss}`));
    two.weights.forEach((w, i) => assert.ok(maxAbsDiff(w, one.weights[i]) < 2e-5 * Math.max(maxAbs(one.weights[i]), 1e-3), `${name} weight ${i}: ${maxAbsDiff(w, one.weights[i])}`));
    assertSameState(`${name} two threads`, states[1], states[0], 1e-4);
  }
});
