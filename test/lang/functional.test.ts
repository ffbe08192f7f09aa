// The Keras functional API as a linear chain: keras.Input -> Layer(...)(x) ... -> keras.Model.
// Branches and merges are "not analyzed" (the shapes after them stay unknown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShape } from '../../src/model/infer';
import { analyzeSource } from '../../src/lang/index';
import { hoverMarkdown, modelHoverMarkdown } from '../../src/lang/hover';
import { findAt } from '../../src/lang/lookup';

const rows = (src: string, i = 0) =>
  analyzeSource(src, 'python').models[i].layers.map((l) => (l.info ? `${l.name}:${formatShape(l.info.outputShape)}:${l.info.params}` : `${l.name}:${l.status}`));

// keras.io/examples/vision/autoencoder (the convolutional autoencoder), as published there; its
// printed summary lists these rows (after the InputLayer row) and "Total params: 28,353".
const AUTOENCODER = `
import numpy as np
from tensorflow.keras import layers
from tensorflow.keras.models import Model

input = layers.Input(shape=(28, 28, 1))

# Encoder
x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(input)
x = layers.MaxPooling2D((2, 2), padding="same")(x)
x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(x)
x = layers.MaxPooling2D((2, 2), padding="same")(x)

# Decoder
x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
x = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)

# Autoencoder
autoencoder = Model(input, x)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.summary()
`;

test('the published convolutional autoencoder (functional API) reads as its summary: 28,353 params', () => {
  assert.deepEqual(rows(AUTOENCODER), [
    'conv2d:(None, 28, 28, 32):320',
    'max_pooling2d:(None, 14, 14, 32):0',
    'conv2d_1:(None, 14, 14, 32):9248',
    'max_pooling2d_1:(None, 7, 7, 32):0',
    'conv2d_transpose:(None, 14, 14, 32):9248',
    'conv2d_transpose_1:(None, 28, 28, 32):9248',
    'conv2d_2:(None, 28, 28, 1):289',
  ]);
  const a = analyzeSource(AUTOENCODER, 'python');
  const m = a.models[0];
  assert.deepEqual(a.diagnostics, []);
  assert.equal(m.result.totalParams, 28353);
  assert.equal(m.source.varName, 'autoencoder');
  assert.equal(m.trainBlocker, undefined);
  assert.match(modelHoverMarkdown(m), /\*\*autoencoder\*\*: Functional model \(a linear chain\), 7 layers, 28,353 params/);
  assert.match(modelHoverMarkdown(m), /also lists the Input as a first row/);
  // Hovering anywhere in `layers.Conv2DTranspose(...)(x)` shows that layer.
  const at = AUTOENCODER.indexOf('Conv2DTranspose');
  const hit = findAt(a, at);
  assert.ok(hit && 'layer' in hit && hit.layer, 'no layer at Conv2DTranspose');
  assert.match(hoverMarkdown(m, hit.layer), /conv2d\\_transpose.*\(None, 7, 7, 32\) -> \(None, 14, 14, 32\)/s);
});

test('functional MNIST classifier: keyword inputs/outputs, nested calls, name=, seed-like comments', () => {
  const src = `
inputs = keras.Input(shape=(28, 28, 1), name="digits")  # entrada
x = layers.Conv2D(6, 5, padding="same", activation="tanh")(inputs)
x = layers.AveragePooling2D()(x)
x = layers.Conv2D(16, kernel_size=(5, 5), activation="tanh")(x)
x = layers.AveragePooling2D(pool_size=2)(x)
outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(x))
model = keras.Model(inputs=inputs, outputs=outputs, name="lenet_fn")
`;
  assert.deepEqual(rows(src), [
    'conv2d:(None, 28, 28, 6):156',
    'average_pooling2d:(None, 14, 14, 6):0',
    'conv2d_1:(None, 10, 10, 16):2416',
    'average_pooling2d_1:(None, 5, 5, 16):0',
    'flatten:(None, 400):0',
    'dense:(None, 10):4010',
  ]);
  const m = analyzeSource(src, 'python').models[0];
  assert.equal(m.name, 'lenet_fn');
  assert.equal(m.spec?.layers.length, 6);
});

test('branches and merges are not analyzed; later shapes stay unknown', () => {
  const src = `
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3)(inputs)
a = layers.Conv2D(8, 3, padding="same")(x)
b = layers.Conv2D(8, 1)(x)
y = layers.add([a, b])
y = layers.Flatten()(y)
model = keras.Model(inputs, y)
`;
  assert.deepEqual(rows(src), ['conv2d:(None, 26, 26, 8):80', 'conv2d_1:(None, 26, 26, 8):584', 'conv2d_2:not-analyzed', 'add:unknown', 'flatten:unknown']);
  const a = analyzeSource(src, 'python');
  assert.match(a.diagnostics[0].message, /also feeds another layer \(a branch\)/);
  assert.equal(a.diagnostics[0].severity, 'information');
  assert.ok(a.models[0].trainBlocker);
  const merge = analyzeSource(`
i = keras.Input((8,))
u = layers.Dense(4)(i)
out = layers.Concatenate()([u, u])
m = keras.Model(i, out)
`, 'python');
  assert.match(merge.diagnostics[0].message, /Concatenate merges several tensors/);
});

test('no model without keras.Model; a chain can make two models (encoder and autoencoder)', () => {
  assert.equal(analyzeSource('x = keras.Input((4,))\ny = layers.Dense(2)(x)\n', 'python').models.length, 0);
  const src = `
inp = keras.Input(shape=(784,))
code = layers.Dense(32, activation="relu")(inp)
out = layers.Dense(784, activation="sigmoid")(code)
autoencoder = keras.Model(inp, out)
encoder = keras.Model(inp, code)
`;
  assert.deepEqual(rows(src, 0), ['dense:(None, 32):25120', 'dense_1:(None, 784):25872']);
  assert.deepEqual(rows(src, 1), ['dense:(None, 32):25120']);
});

test('TF.js: tf.input -> layer.apply(x) -> tf.model({inputs, outputs}), casts and nesting', () => {
  const src = `
import * as tf from '@tensorflow/tfjs';
export function build(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'fn' });
  return model;
}
`;
  const a = analyzeSource(src, 'tfjs');
  const m = a.models[0];
  assert.deepEqual(m.layers.map((l) => `${l.name}:${formatShape(l.info!.outputShape)}:${l.info!.params}`), [
    'conv2d:(None, 28, 28, 6):156',
    'average_pooling2d:(None, 14, 14, 6):0',
    'flatten:(None, 1176):0',
    'dense:(None, 10):11770',
  ]);
  assert.deepEqual(a.diagnostics, []);
  assert.equal(m.name, 'fn');
  assert.equal(m.source.varName, 'model');
  assert.equal(m.trainBlocker, undefined);
  const branch = analyzeSource(`
const i = tf.input({ shape: [8] });
const a = tf.layers.dense({ units: 4 }).apply(i);
const b = tf.layers.dense({ units: 4 }).apply(i);
const c = tf.layers.concatenate().apply([a, b]);
const m = tf.model({ inputs: i, outputs: c });
`, 'tfjs');
  assert.deepEqual(branch.models[0].layers.map((l) => l.status), ['ok', 'not-analyzed', 'unknown']);
  assert.match(branch.diagnostics[0].message, /also feeds another layer \(a branch\)/);
});

test('a Model over two different chains is no model, and its layers are not added twice', () => {
  const src = `
a = keras.Input(shape=(4,))
b = keras.Input(shape=(6,))
y = layers.Dense(3)(b)
bad = keras.Model(a, layers.Dense(2)(y))
good = keras.Model(b, y)
`;
  const ms = analyzeSource(src, 'python').models;
  assert.equal(ms.length, 1);
  assert.equal(ms[0].source.varName, 'good');
  assert.deepEqual(ms[0].layers.map((l) => `${l.name}:${formatShape(l.info!.outputShape)}`), ['dense:(None, 3)']);
});
