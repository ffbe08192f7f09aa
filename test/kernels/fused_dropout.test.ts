// Dropout in the fused step. Its masks cannot be tfjs's random stream, so: the gradients equal
// tfjs's when tfjs multiplies by the same masks; the masks have Keras's statistics (keep rate,
// 1 / keep scaling, independent between values, steps and seeds) and are reproducible and the
// same however a batch is split; validation ignores dropout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, wasmTf } from './wasm_env';
import { buildModel } from '../../src/worker/buildModel';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';
import { FusedTrainStep } from '../../src/worker/fused/step';
import { dropoutKey, FusedNet } from '../../src/worker/fused/net';
import { planModel } from '../../src/worker/fused/plan';
import { predictAll } from '../../src/worker/metrics';
import { assertGradientsMatchTfjs, LENET_DROPOUT, randomBatch } from './fused_fixtures';

function assertGradientsWithMasks(label: string, spec: ModelSpec, batchSize: number, seed: number): void {
  const model = buildModel(tf, spec, { seed });
  const opt = tf.train.sgd(0.1);
  const step = new FusedTrainStep(tf, model, opt, spec.inputShape, 10, batchSize, seed);
  const batch = randomBatch(seed, batchSize, spec.inputShape.reduce((a, b) => a * b, 1), 10);
  const { grads } = step.gradients(batch);
  const masks = step.net.dropoutMasks(batch.size);
  assert.ok(masks.length > 0 && masks.every((m) => m.some((v) => v === 0) && m.some((v) => v > 1)), `${label}: the masks drop and scale`);
  assertGradientsMatchTfjs(label, step, model, batch, grads, spec.inputShape, 10);
  step.dispose();
  model.dispose();
  opt.dispose();
}

test('fused gradients with dropout equal tfjs\'s with the same masks (LeNet-5 with dropout, dropout on images and feature maps)', async () => {
  await wasmTf();
  assertGradientsWithMasks('LeNet-5 with dropout', LENET_DROPOUT, 64, 3);
  const convDropout: LayerSpec[] = [
    { type: 'Dropout', rate: 0.2 },
    { type: 'Conv2D', filters: 4, kernelSize: [3, 3], activation: 'relu', padding: 'same' },
    { type: 'Dropout', rate: 0.4 },
    { type: 'MaxPooling2D', poolSize: [2, 2] },
    { type: 'Dropout', rate: 0.1 },
    { type: 'Flatten' },
    { type: 'Dense', units: 10, activation: 'softmax' },
  ];
  assertGradientsWithMasks('dropout on images and feature maps', { name: 'conv-dropout', inputShape: [8, 8, 2], layers: convDropout }, 13, 4);
});

/** A model that is a dropout of the flattened image: its masks show the generator's statistics. */
function dropoutNet(rate: number): FusedNet {
  const spec: ModelSpec = { name: 'd', inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'Dropout', rate }, { type: 'Dense', units: 10, activation: 'softmax' }] };
  const model = buildModel(tf, spec, { seed: 1 });
  const plan = planModel(model, spec.inputShape, 10);
  model.dispose();
  if ('reason' in plan) throw new Error(plan.reason);
  return new FusedNet(plan.ops, plan.inputSize, 10, 64);
}

function masksOf(net: FusedNet, key: number, n = 64): Float32Array {
  net.forward(new Float32Array(n * 784).fill(1), n, { key, first: 0 });
  return net.dropoutMasks(n)[0];
}

test('dropout masks keep each value with probability 1 - rate, scale kept ones by 1 / (1 - rate), independently', async () => {
  await wasmTf();
  for (const rate of [0.1, 0.5, 0.8]) {
    const net = dropoutNet(rate);
    const keep = 1 - rate;
    const scale = Math.fround(1 / Math.fround(keep));
    const within = (count: number, total: number, p: number, what: string) => {
      const sigma = Math.sqrt(total * p * (1 - p));
      assert.ok(Math.abs(count - total * p) <= 5 * sigma, `rate ${rate}: ${what} ${count} of ${total}, expected ${(total * p).toFixed(0)} +- ${(5 * sigma).toFixed(0)}`);
    };
    let kept = 0, total = 0, both = 0, neighbours = 0, pairs = 0, sum = 0;
    let previous: Float32Array | null = null;
    for (let s = 0; s < 8; s++) {
      const m = masksOf(net, dropoutKey(42, s));
      for (let i = 0; i < m.length; i++) {
        assert.ok(m[i] === 0 || m[i] === scale, `rate ${rate}: mask value ${m[i]}`);
        sum += m[i];
        if (m[i]) kept++;
        if (i + 1 < m.length && m[i] && m[i + 1]) neighbours++;
        if (previous && m[i] && previous[i]) both++;
      }
      total += m.length;
      pairs += m.length - 1;
      previous = m;
    }
    within(kept, total, keep, 'kept');
    within(neighbours, pairs, keep * keep, 'kept next to a kept value');
    within(both, total - total / 8, keep * keep, 'kept in two consecutive steps');
    // Inverted dropout keeps the expected value: the masks' mean is 1 (up to the binomial noise).
    assert.ok(Math.abs(sum / total - 1) <= 5 * Math.sqrt(rate / keep / total), `rate ${rate}: mean factor ${sum / total}`);
    // Per image, the kept count is binomial too: no image is all kept or all dropped.
    const m = masksOf(net, dropoutKey(7, 0));
    for (let img = 0; img < 64; img++) within(m.subarray(img * 784, (img + 1) * 784).filter((v) => v > 0).length, 784, keep, `image ${img}: kept`);
  }
});

test('dropout masks are reproducible, differ by seed and step, and do not depend on how a batch is split', async () => {
  await wasmTf();
  const net = dropoutNet(0.5);
  const a = masksOf(net, dropoutKey(42, 3));
  assert.deepEqual(masksOf(dropoutNet(0.5), dropoutKey(42, 3)), a, 'the same seed and step give the same masks');
  for (const other of [dropoutKey(43, 3), dropoutKey(42, 4)]) {
    const b = masksOf(net, other);
    const same = a.reduce((c, v, i) => c + (v === b[i] ? 1 : 0), 0);
    assert.ok(same < a.length * 0.55, `another seed or step shares ${same} of ${a.length} values`);
  }
  // The second thread computes images [40, 64) of the batch with first = 40.
  const key = dropoutKey(42, 3);
  const images = new Float32Array(64 * 784).fill(1);
  net.forward(images, 40, { key, first: 0 });
  const head = net.dropoutMasks(40)[0];
  net.forward(images.subarray(40 * 784), 24, { key, first: 40 });
  const tail = net.dropoutMasks(24)[0];
  assert.deepEqual(Float32Array.from([...head, ...tail]), a);
});

test('fused validation with dropout is the identity at inference, as tfjs\'s predict', async () => {
  await wasmTf();
  const model = buildModel(tf, LENET_DROPOUT, { seed: 7 });
  const opt = tf.train.adam(0.001);
  const step = new FusedTrainStep(tf, model, opt, [28, 28, 1], 10, 64, 1);
  for (let i = 0; i < 3; i++) step.run(randomBatch(20 + i, 64, 784, 10));
  step.sync();
  const b = randomBatch(30, 150, 784, 10);
  const split = { images: b.images, labels: b.labels, count: b.size };
  const probs = await step.predictAll(split);
  const ref = await predictAll(tf, model, split, [28, 28, 1], 10);
  assert.ok(maxAbsDiff(probs, ref) < 1e-5, `probabilities differ by ${maxAbsDiff(probs, ref)}`);
  assert.deepEqual(await step.predictAll(split), probs, 'validation draws no masks');
  step.dispose();
  model.dispose();
  opt.dispose();
});
