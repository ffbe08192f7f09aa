// model_config <-> ModelSpec: the Keras 2.x form we write reads back to the same model, the forms
// other Keras versions write (Keras 3's batch_shape, ints for pairs, 2.0's bare layer list) read
// too, and what we cannot build is refused with the layer and the reason. Plus an .h5 round trip
// of every layer type the export handles, through h5wasm in this process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inferModel } from '../../src/model/infer';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import { fromKerasModelConfig, KERAS_H5_TYPES, toKerasModelConfig } from '../../src/keras/modelConfig';
import { readKerasH5, writeKerasH5, type NamedWeight } from '../../src/keras/h5';
import { tempDir } from '../worker/helpers';

const MIXED: ModelSpec = {
  name: 'mixed', inputShape: [28, 28, 1],
  layers: [
    { type: 'ZeroPadding2D', name: 'pad', padding: [[1, 1], [2, 2]] },
    { type: 'Conv2D', name: 'conv', filters: 4, kernelSize: [3, 3], strides: [2, 2], activation: 'relu', useBias: false },
    { type: 'BatchNormalization', name: 'bn' },
    { type: 'MaxPooling2D', name: 'pool', poolSize: [2, 2], strides: [1, 1], padding: 'same' },
    { type: 'Dropout', name: 'drop', rate: 0.25 },
    { type: 'GlobalAveragePooling2D', name: 'gap' },
    { type: 'Reshape', name: 'reshape', targetShape: [2, 2] },
    { type: 'Flatten', name: 'flat' },
    { type: 'Dense', name: 'out', units: 10 },
    { type: 'Activation', name: 'act', activation: 'softmax' },
  ],
};

const MORE: ModelSpec = {
  name: 'more', inputShape: [28, 28, 1],
  layers: [
    { type: 'Conv2D', name: 'c', filters: 2, kernelSize: [3, 3] },
    { type: 'AveragePooling2D', name: 'avg', poolSize: [2, 2] },
    { type: 'GlobalMaxPooling2D', name: 'gmp' },
    { type: 'Dense', name: 'out', units: 10, activation: 'softmax' },
  ],
};

const summary = (s: ModelSpec) => JSON.stringify(inferModel(s));

test('the Keras 2.x config of LeNet-5 and of a model with every exported layer type reads back to the same model', () => {
  const covered = new Set([...MIXED.layers, ...MORE.layers].map((l) => l.type));
  assert.deepEqual(KERAS_H5_TYPES.filter((t) => !covered.has(t)), [], 'every layer type with a Keras .h5 mapping is in a round-trip model');
  for (const spec of [LENET5, MIXED, MORE]) {
    const back = fromKerasModelConfig(JSON.parse(JSON.stringify(toKerasModelConfig(spec))));
    assert.equal(summary(back), summary(spec), spec.name);
  }
  const bn = toKerasModelConfig(MIXED).config.layers.find((l) => l.class_name === 'BatchNormalization')!;
  assert.deepEqual(bn.config.axis, [3], 'Keras 2 writes the built axis as a list');
});

test('configs as other Keras versions write them', () => {
  const keras3 = {
    class_name: 'Sequential',
    config: {
      name: 'k3', layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1], dtype: 'float32', name: 'input_layer' } },
        { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3, strides: 1, padding: 'valid', activation: 'tanh', dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } } } },
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Dense', config: { name: 'd', units: 10, activation: 'softmax' } },
      ],
    },
  };
  const s = fromKerasModelConfig(keras3);
  assert.deepEqual(s.inputShape, [28, 28, 1]);
  assert.equal(inferModel(s).totalParams, 2 * 9 + 2 + 26 * 26 * 2 * 10 + 10);
  const keras20 = { class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 10, batch_input_shape: [null, 784] } }] };
  assert.deepEqual(fromKerasModelConfig(keras20).inputShape, [784]);
});

test('what cannot be read is refused with the layer and the reason', () => {
  assert.throws(() => fromKerasModelConfig({ class_name: 'Functional', config: {} }), /only Sequential models can be read, this file holds a "Functional" model/);
  const lstm = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28] } }, { class_name: 'LSTM', config: { name: 'rnn' } }] } };
  assert.throws(() => fromKerasModelConfig(lstm), /layer 2 \(rnn\): LSTM layers cannot be read \(supported: [A-Za-z0-9, ]*\bConv2D, AveragePooling2D\b/);
  const cf = { class_name: 'Sequential', config: { layers: [{ class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: [3, 3], data_format: 'channels_first', batch_input_shape: [null, 1, 28, 28] } }] } };
  assert.throws(() => fromKerasModelConfig(cf), /layer 1 \(c\): only data_format 'channels_last' is supported/);
  assert.throws(() => fromKerasModelConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'Flatten', config: {} }] } }), /no input shape/);
  const noUnits = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'fc', units: 'ten', batch_input_shape: [null, 784] } }] } };
  assert.throws(() => fromKerasModelConfig(noUnits), /layer 1 \(fc\): units must be a positive integer, got "ten"/);
  assert.throws(() => toKerasModelConfig({ inputShape: [28, 28, 1], layers: [{ type: 'UpSampling2D', name: 'up' }, { type: 'Flatten' }] }),
    /up: the Keras \.h5 export does not handle UpSampling2D layers yet/);
});

test('.h5 round trip of every exported layer type: same model, same weights bit for bit', async (t) => {
  const dir = tempDir(t, 'lenet-h5-');
  const weights: NamedWeight[] = [];
  let x = 0.5;
  const fill = (layer: string, name: string, shape: number[]) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => (x = (x * 9301 + 49297) % 233280) / 233280 - 0.5);
    weights.push({ layer, name, shape, data });
  };
  fill('conv', 'kernel', [3, 3, 1, 4]);
  for (const n of ['gamma', 'beta', 'moving_mean', 'moving_variance']) fill('bn', n, [4]);
  fill('out', 'kernel', [4, 10]);
  fill('out', 'bias', [10]);
  const file = join(dir, 'mixed.h5');
  await writeKerasH5(file, MIXED, weights);
  const back = await readKerasH5(file);
  assert.equal(summary(back.spec), summary(MIXED));
  assert.equal(back.kerasVersion, '2.13.1');
  assert.equal(back.backend, 'tensorflow');
  assert.deepEqual(back.weights.map((w) => [w.layer, w.name, w.shape]), weights.map((w) => [w.layer, w.name, w.shape]));
  back.weights.forEach((w, i) => assert.deepEqual(w.data, weights[i].data));
  await assert.rejects(writeKerasH5(join(dir, 'bad.h5'), MIXED, weights.slice(1)), /no kernel weights for layer conv/);
  assert.deepEqual(readdirSync(dir), ['mixed.h5'], 'a failed write leaves nothing behind');
});
