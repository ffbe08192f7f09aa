// Fixtures of the fused step's tests: seeded random batches (images uniform in [0, 1), random
// labels), LeNet-5 with dropout, and tfjs's gradients as the oracle.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/shared/random';
import { categoricalCrossentropy, type Batch } from '../../src/worker/trainStep';
import type { FusedTrainStep } from '../../src/worker/fused/step';
import { maxAbs, maxAbsDiff } from './wasm_env';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';

export function randomBatch(seed: number, size: number, inputSize: number, classes: number): Batch {
  const r = rng(seed);
  const images = new Float32Array(size * inputSize);
  for (let i = 0; i < images.length; i++) images[i] = r();
  const labels = Uint8Array.from({ length: size }, () => Math.floor(r() * classes));
  return { images, labels, size };
}

/** LeNet-5 with dropout after C5's flatten and after FC6, so the masks enter the gradients. */
export const LENET_DROPOUT: ModelSpec = {
  ...LENET5,
  layers: [...LENET5.layers.slice(0, 6), { type: 'Dropout', rate: 0.3 }, LENET5.layers[6], { type: 'Dropout', rate: 0.5 }, LENET5.layers[7]],
};

/** tfjs's gradients with each Dropout layer (rate > 0) replaced by a product with the given mask. */
function tfjsGradientsWithMasks(model: tf.LayersModel, images: Float32Array, labels: Uint8Array, n: number, inputShape: number[], classes: number,
  masks: Float32Array[]): Float32Array[] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const xs = tf.tensor(images.subarray(0, n * inputShape.reduce((a, b) => a * b, 1)), [n, ...inputShape]);
    const ys = tf.oneHot(tf.tensor1d(Int32Array.from(labels.subarray(0, n)), 'int32'), classes);
    const { grads } = tf.variableGrads(() => {
      let x: tf.Tensor = xs;
      let d = 0;
      for (const layer of model.layers) {
        if (layer.getClassName() === 'InputLayer') continue;
        if (layer.getClassName() !== 'Dropout') x = layer.apply(x) as tf.Tensor;
        else if (Number(layer.getConfig().rate) > 0) x = tf.mul(x, tf.tensor(masks[d++], x.shape));
      }
      assert.equal(d, masks.length);
      return categoricalCrossentropy(tf, ys, x) as tf.Scalar;
    }, vars);
    return vars.map((v) => grads[v.name].dataSync() as Float32Array);
  });
}

/**
 * The fused step's gradients of `batch` (already computed by step.gradients) equal tfjs's, with
 * tfjs multiplying by the fused step's dropout masks, within float tolerance per weight.
 */
export function assertGradientsMatchTfjs(label: string, step: FusedTrainStep, model: tf.LayersModel, batch: Batch, grads: Float32Array[],
  inputShape: number[], classes: number): void {
  const ref = tfjsGradientsWithMasks(model, batch.images, batch.labels, batch.size, inputShape, classes, step.net.dropoutMasks(batch.size));
  assert.equal(grads.length, ref.length);
  grads.forEach((g, i) => {
    const scale = Math.max(maxAbs(ref[i]), 1e-3);
    const err = maxAbsDiff(g, ref[i]);
    assert.ok(err <= 2e-4 * scale, `${label}: ${model.trainableWeights[i].name} differs by ${err} (scale ${scale})`);
  });
}
