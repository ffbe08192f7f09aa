// tfjs as the oracle for our inference: the seed's LeNet-5 and 1000 random valid specs are built
// with buildModel on tfjs's cpu backend; every layer's output shape, parameter counts (total,
// trainable, non-trainable) and the output of a real forward pass must equal what inferModel says.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { inferModel } from '../../src/model/infer';
import { LENET5 } from '../../src/model/lenet';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';
import { buildModel } from '../../src/worker/buildModel';
import { assertTrainable, TRAINABLE_LAYER_TYPES, UntrainableModelError } from '../../src/model/trainable';
import { LAYER_TYPES } from '../../src/model/vocab';
import { randomSpec, rng, type Rejection } from './randomSpec';

const SPECS = 1000;

before(async () => {
  await tf.setBackend('cpu');
});

const size = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);

/** Compares one built model with our inference; returns nothing, asserts everything. */
function checkAgainstTfjs(spec: ModelSpec, label: string): void {
  const ours = inferModel(spec);
  const before = tf.memory().numTensors;
  const model = buildModel(tf, spec, { seed: 7 });
  try {
    assert.equal(model.layers.length, ours.layers.length, `${label}: layer count`);
    model.layers.forEach((layer, i) => {
      const o = ours.layers[i];
      const where = `${label}, layer ${i} ${o.name} (${o.type})`;
      assert.equal(layer.name, o.name, where);
      assert.deepEqual(layer.outputShape, o.outputShape, `${where}: output shape`);
      assert.equal(layer.countParams(), o.params, `${where}: params`);
      assert.equal(size(layer.trainableWeights), o.trainableParams, `${where}: trainable`);
      assert.equal(size(layer.nonTrainableWeights), o.nonTrainableParams, `${where}: non-trainable`);
    });
    assert.equal(model.countParams(), ours.totalParams, `${label}: total params`);
    // A real forward pass: the runtime shape must agree too, not only tfjs's static shapes.
    const outShape = tf.tidy(() => {
      const y = model.predict(tf.zeros([2, ...(ours.inputShape.slice(1) as number[])])) as tf.Tensor;
      return y.shape;
    });
    assert.deepEqual(outShape, [2, ...ours.layers[ours.layers.length - 1].outputShape.slice(1)], `${label}: predict shape`);
  } finally {
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, before, `${label}: tensors leaked`);
}

test("the seed's LeNet-5 built in tfjs matches our inference (61,706 params)", () => {
  checkAgainstTfjs(LENET5, 'LeNet-5');
  const model = buildModel(tf, LENET5);
  try {
    assert.equal(model.countParams(), 61706);
    assert.deepEqual(model.layers.map((l) => l.name), ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT']);
    assert.equal(model.name, 'sequential');
  } finally {
    model.dispose();
  }
});

test(`${SPECS} random valid specs: shapes and params equal tfjs's; rejections are real`, () => {
  const rand = rng(20261128);
  const rejections: Rejection[] = [];
  const seenTypes = new Map<string, number>();
  const started = Date.now();
  for (let n = 0; n < SPECS; n++) {
    const spec = randomSpec(rand, (r) => rejections.push(r));
    spec.layers.forEach((l) => seenTypes.set(l.type, (seenTypes.get(l.type) ?? 0) + 1));
    checkAgainstTfjs(spec, `spec #${n} ${JSON.stringify(spec)}`);
  }
  // The generator really mixes every layer type the trainer can build (augmentation layers are
  // Keras-only: tfjs cannot be their oracle).
  assert.deepEqual([...seenTypes.keys()].sort(), [...TRAINABLE_LAYER_TYPES].sort());
  console.log(`layers per type: ${[...seenTypes].sort().map(([t, n]) => `${t} ${n}`).join(', ')}`);

  // When we reject a layer because the window does not fit or a reshape cannot work, tfjs must
  // also fail: it throws while building or running, or the layer's shape has a dimension <= 0.
  const tensorsBefore = tf.memory().numTensors;
  const geometric = rejections.filter((r) => /larger than its|cannot reshape|leaves nothing/.test(r.error.reason));
  assert.ok(geometric.length >= 20, `only ${geometric.length} geometric rejections to check`);
  for (const r of geometric) {
    const spec: ModelSpec = { ...r.prefix, layers: [...r.prefix.layers, r.candidate] };
    let failed = false;
    let model: tf.Sequential | undefined;
    try {
      model = buildUnchecked(spec);
      const last = model.layers[model.layers.length - 1];
      failed = (last.outputShape as number[]).slice(1).some((d) => d <= 0);
      if (!failed) {
        // tfjs does not check every shape statically (reshape sizes): run it.
        const m = model;
        const input = spec.inputShape.length ? spec.inputShape : (spec.layers[0] as { shape: number[] }).shape;
        const outSize = tf.tidy(() => (m.predict(tf.zeros([1, ...input])) as tf.Tensor).size);
        failed = outSize === 0;
      }
    } catch {
      failed = true;
    } finally {
      model?.dispose();
    }
    assert.ok(failed, `we reject "${r.error.message}" but tfjs builds it: ${JSON.stringify(spec)}`);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked while checking rejections');
  console.log(`${SPECS} specs + ${geometric.length} rejections checked in ${Date.now() - started} ms`);
});

/** The same layers built straight in tfjs, bypassing our checks (for the rejection cross-check). */
function buildUnchecked(spec: ModelSpec): tf.Sequential {
  const model = tf.sequential();
  const layers = spec.layers.filter((l) => l.type !== 'InputLayer');
  const input = spec.inputShape.length ? spec.inputShape : (spec.layers[0] as { shape: number[] }).shape;
  try {
    layers.forEach((l, i) => {
      const base = i === 0 ? { inputShape: input } : {};
      const layer = rawLayer(l, base);
      try {
        model.add(layer);
      } catch (e) {
        // A layer that failed to join still owns the weights it built.
        try { layer.dispose(); } catch { /* never built */ }
        throw e;
      }
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

function rawLayer(l: LayerSpec, base: { inputShape?: number[] }): tf.layers.Layer {
  switch (l.type) {
    case 'Conv2D':
      return tf.layers.conv2d({ ...base, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, dilationRate: l.dilationRate });
    case 'MaxPooling2D':
      return tf.layers.maxPooling2d({ ...base, poolSize: l.poolSize, strides: l.strides ?? undefined, padding: l.padding });
    case 'AveragePooling2D':
      return tf.layers.averagePooling2d({ ...base, poolSize: l.poolSize, strides: l.strides ?? undefined, padding: l.padding });
    case 'Reshape':
      return tf.layers.reshape({ ...base, targetShape: l.targetShape });
    case 'ZeroPadding2D':
      return tf.layers.zeroPadding2d({ ...base, padding: l.padding });
    case 'Dense':
      return tf.layers.dense({ ...base, units: l.units });
    case 'Flatten':
      return tf.layers.flatten(base);
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d(base);
    case 'GlobalMaxPooling2D':
      return tf.layers.globalMaxPooling2d(base);
    case 'BatchNormalization':
      return tf.layers.batchNormalization(base);
    case 'Dropout':
      return tf.layers.dropout({ ...base, rate: l.rate });
    case 'Activation':
      return tf.layers.activation({ ...base, activation: 'linear' });
    case 'DepthwiseConv2D':
      return tf.layers.depthwiseConv2d({ ...base, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, dilationRate: l.dilationRate, depthMultiplier: l.depthMultiplier });
    case 'SeparableConv2D':
      return tf.layers.separableConv2d({
        ...base, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, dilationRate: l.dilationRate, depthMultiplier: l.depthMultiplier,
      });
    case 'Cropping2D':
      return tf.layers.cropping2D({ ...base, cropping: l.cropping });
    default:
      // Only layers with geometric rejections come here; anything else is a test bug.
      throw new Error(`rawLayer: no raw tfjs layer for ${l.type}`);
  }
}

test('Keras defaults: glorot-uniform kernels within their limit, zero biases, seeded determinism', () => {
  const a = buildModel(tf, LENET5, { seed: 42 });
  const b = buildModel(tf, LENET5, { seed: 42 });
  const c = buildModel(tf, LENET5, { seed: 43 });
  try {
    for (const layer of a.layers) {
      const [kernel, bias] = layer.getWeights();
      if (!kernel) continue;
      const shape = kernel.shape;
      // glorot_uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)); receptive field for convs.
      const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1);
      const fanIn = receptive * shape[shape.length - 2];
      const fanOut = receptive * shape[shape.length - 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = kernel.dataSync();
      let max = 0;
      let sq = 0;
      for (const v of w) {
        max = Math.max(max, Math.abs(v));
        sq += v * v;
      }
      assert.ok(max <= limit + 1e-6, `${layer.name}: |w| ${max} > ${limit}`);
      // The uniform's standard deviation is limit / sqrt(3); with >= 150 samples it lands close.
      const std = Math.sqrt(sq / w.length);
      assert.ok(Math.abs(std - limit / Math.sqrt(3)) < 0.2 * limit, `${layer.name}: std ${std} vs ${limit / Math.sqrt(3)}`);
      assert.ok(bias.dataSync().every((v) => v === 0), `${layer.name}: bias not zero`);
    }
    const flat = (m: tf.LayersModel) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
    assert.deepEqual(flat(a), flat(b));
    assert.notDeepEqual(flat(a).slice(0, 150), flat(c).slice(0, 150));
    // Different layers of the same model get different seeds (not the same first values).
    assert.notDeepEqual(Array.from(a.layers[2].getWeights()[0].dataSync().slice(0, 5)), Array.from(a.layers[0].getWeights()[0].dataSync().slice(0, 5)));
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test('assertTrainable explains specs the trainer cannot use', () => {
  assert.deepEqual([...TRAINABLE_LAYER_TYPES].sort(), LAYER_TYPES.filter((t) => !t.startsWith('Random')).sort());
  assert.equal(assertTrainable(LENET5, { inputShape: [28, 28, 1], classes: 10 }).totalParams, 61706);
  const cases: [ModelSpec, object, RegExp][] = [
    [{ inputShape: [28, 28, 1], layers: [{ type: 'InputLayer', shape: [28, 28, 1] }] }, {}, /no layers to train/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten', name: 'my layer' }] }, {}, /layer name 'my layer' cannot be used by TensorFlow\.js/],
    [LENET5, { inputShape: [32, 32, 3] }, /expects input \(None, 28, 28, 1\) but the dataset's images are \(None, 32, 32, 3\)/],
    [{ ...LENET5, layers: LENET5.layers.slice(0, -1) }, { classes: 10 }, /the last layer FC6 outputs \(None, 84\) but the labels have 10 classes/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'Dense', units: 100_000 }] }, {}, /78,500,000 parameters, more than the 50,000,000/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'SimpleRNN' } as never] }, {}, /the trainer cannot build SimpleRNN layers/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'ELU', alpha: 0.5 }] }, {}, /layer 1 \(ELU\): TensorFlow\.js's ELU supports only alpha 1, got 0\.5/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'DepthwiseConv2D', kernelSize: [3, 3], dilationRate: [2, 2] }] }, {}, /cannot build a DepthwiseConv2D with dilation 2x2/],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'RandomFlip' }, { type: 'Flatten' }] }, {}, /layer 1 \(RandomFlip\): RandomFlip is a Keras training-time augmentation that TensorFlow\.js does not have/],
  ];
  for (const [spec, check, re] of cases) {
    assert.throws(() => assertTrainable(spec, check), (e: Error) => {
      assert.ok(e instanceof UntrainableModelError, `${e.name}: ${e.message}`);
      assert.match(e.message, re);
      return true;
    });
  }
  // Shape errors come through as they are, naming the layer.
  assert.throws(() => buildModel(tf, { ...LENET5, inputShape: [8, 8, 1] }), { name: 'ShapeError', message: /^C3: 5x5 kernel/ });
  assert.equal(tf.memory().numTensors, 0);
});
