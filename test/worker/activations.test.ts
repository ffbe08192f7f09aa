// Activations and kernels for one input, in process on the cpu backend: each layer's output equals
// that of a tfjs model cut at that layer, kernels equal the weights, answers stay within their
// bounds, and nothing leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import type { LayerActivation } from '../../src/shared/protocol';
import {
  boundedShape, computeActivations, MAX_ANSWER_VALUES, MAX_TENSOR_VALUES, modelToInspect,
} from '../../src/worker/activations';
import { buildModel } from '../../src/worker/buildModel';
import { saveModel, WEIGHTS_FILE } from '../../src/worker/runDir';
import { randomSpec, rng } from '../model/randomSpec';
import { tempDir } from './helpers';

tf.env().set('PROD', true);

/** What Keras would return from the model cut at `layer`: tf.model({inputs, outputs: layer.output}). */
function cutAt(model: tf.LayersModel, layerName: string, x: tf.Tensor): { shape: number[]; values: Float32Array } {
  const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output as tf.SymbolicTensor });
  const y = cut.predict(x) as tf.Tensor;
  const r = { shape: y.shape.slice(1), values: y.dataSync() as Float32Array };
  y.dispose();
  return r;
}

function assertLayerEqualsCut(model: tf.LayersModel, got: LayerActivation, input: Float32Array, inputShape: number[]): void {
  const x = tf.tensor(input, [1, ...inputShape]);
  const want = cutAt(model, got.name, x);
  x.dispose();
  assert.deepEqual(got.shape, want.shape, `${got.name}: shape`);
  assert.equal(got.values.length, want.values.length, `${got.name}: every value is there`);
  for (let i = 0; i < want.values.length; i++) {
    assert.ok(Math.abs(got.values[i] - want.values[i]) <= 1e-6 * (1 + Math.abs(want.values[i])), `${got.name}[${i}]: ${got.values[i]} vs ${want.values[i]}`);
  }
  const finite = Array.from(want.values).filter(Number.isFinite);
  assert.equal(got.min, Math.min(...finite), `${got.name}: min`);
  assert.equal(got.max, Math.max(...finite), `${got.name}: max`);
}

function image(seed: number, n: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.round(r() * 255) / 255);
}

test('LeNet-5: every layer equals the model cut at it, in Keras order (H x W x C); kernels equal the weights', async () => {
  await tf.setBackend('cpu');
  const model = buildModel(tf, LENET5, { seed: 7 });
  const input = image(1, 784);
  const a = computeActivations(tf, model, input);
  assert.deepEqual(a.layers.map((l) => `${l.name}:${l.type}:${l.shape.join('x')}`), [
    'C1:Conv2D:28x28x6', 'S2:AveragePooling2D:14x14x6', 'C3:Conv2D:10x10x16', 'S4:AveragePooling2D:5x5x16',
    'C5:Conv2D:1x1x120', 'flatten:Flatten:120', 'FC6:Dense:84', 'OUTPUT:Dense:10',
  ]);
  for (const l of a.layers) assertLayerEqualsCut(model, l, input, [28, 28, 1]);
  // Keras order, checked by hand for one value: C1's channel 3 at row 12, column 5 is the
  // convolution of the 5x5 window around it ('same' padding) with filter 3, plus its bias, tanh.
  const [kernel, bias] = model.getLayer('C1').getWeights().map((w) => w.dataSync());
  let s = bias[3];
  for (let dy = 0; dy < 5; dy++) {
    for (let dx = 0; dx < 5; dx++) {
      const y = 12 + dy - 2, x = 5 + dx - 2;
      if (y >= 0 && y < 28 && x >= 0 && x < 28) s += input[y * 28 + x] * kernel[(dy * 5 + dx) * 6 + 3];
    }
  }
  assert.ok(Math.abs(a.layers[0].values[(12 * 28 + 5) * 6 + 3] - Math.tanh(s)) < 1e-5, 'value [12, 5, 3] of C1 is filter 3 at that pixel');
  const probs = a.layers[a.layers.length - 1].values;
  assert.ok(Math.abs(probs.reduce((x, y) => x + y, 0) - 1) < 1e-5, 'the last layer is the softmax');

  assert.deepEqual(a.kernels.map((k) => `${k.name}:${k.shape.join('x')}`), [
    'C1/kernel:5x5x1x6', 'C3/kernel:5x5x6x16', 'C5/kernel:5x5x16x120', 'FC6/kernel:120x84', 'OUTPUT/kernel:84x10',
  ]);
  for (const k of a.kernels) {
    const w = model.getLayer(k.layer).getWeights()[0];
    assert.deepEqual(k.values, Array.from(w.dataSync()), `${k.name}: the weights, in their order`);
    assert.equal(k.min, w.min().dataSync()[0]);
    assert.equal(k.max, w.max().dataSync()[0]);
    assert.equal(k.shown, undefined);
  }
  assert.deepEqual(a.notes, [], 'LeNet-5 fits in one answer uncut');
  // The sliding windows the panel traces receptive fields with; other layers carry none.
  const win = (k: number, padding: string, s = k) => ({ kernel: [k, k], strides: [s, s], padding, dilation: [1, 1] });
  assert.deepEqual(a.layers.map((l) => l.window), [win(5, 'same', 1), win(2, 'valid'), win(5, 'valid', 1), win(2, 'valid'), win(5, 'valid', 1), undefined, undefined, undefined]);

  const one = computeActivations(tf, model, input, { layer: 'C3' });
  assert.deepEqual(one.layers.map((l) => l.name), ['C3']);
  assert.deepEqual(one.layers[0].values, a.layers[2].values);
  assert.deepEqual(one.kernels.map((k) => k.name), ['C3/kernel']);
  assert.throws(() => computeActivations(tf, model, input, { layer: 'C9' }), /no layer 'C9' \(its layers: C1, S2, C3, S4, C5, flatten, FC6, OUTPUT\)/);
  assert.throws(() => computeActivations(tf, model, input.subarray(0, 700)), /700 values but the model expects \[28, 28, 1\] = 784/);
  model.dispose();
});

test('windows: strides, dilation and pooling strides and padding come from each layer\'s config', async () => {
  await tf.setBackend('cpu');
  const spec: ModelSpec = {
    name: 'w', inputShape: [20, 20, 1], layers: [
      { type: 'Conv2D', name: 'a', filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: 'same' },
      { type: 'Conv2D', name: 'b', filters: 2, kernelSize: [3, 3], dilationRate: [2, 2] },
      { type: 'ReLU', name: 'r' },
      { type: 'MaxPooling2D', name: 'c', poolSize: [3, 3], strides: [2, 2], padding: 'same' },
      { type: 'Flatten', name: 'f' },
    ],
  };
  const model = buildModel(tf, spec, { seed: 1 });
  const a = computeActivations(tf, model, image(2, 400), { kernels: false });
  assert.deepEqual(a.layers.map((l) => l.window), [
    { kernel: [3, 2], strides: [2, 1], padding: 'same', dilation: [1, 1] },
    { kernel: [3, 3], strides: [1, 1], padding: 'valid', dilation: [2, 2] },
    undefined,
    { kernel: [3, 3], strides: [2, 2], padding: 'same', dilation: [1, 1] },
    undefined,
  ]);
  model.dispose();
});

test('random specs: every layer equals the model cut at it; kernels of every convolution and Dense equal the weights', async () => {
  await tf.setBackend('cpu');
  const rand = rng(2024);
  let checked = 0, layers = 0, kernels = 0;
  for (let tries = 0; checked < 8 && tries < 100; tries++) {
    const spec: ModelSpec = randomSpec(rand);
    let model: tf.LayersModel;
    try {
      model = buildModel(tf, spec, { seed: tries });
    } catch (e) {
      if ((e as Error).name === 'UntrainableModelError') continue; // e.g. an augmentation layer tfjs lacks
      throw e;
    }
    const inputShape = (model.inputs[0].shape as number[]).slice(1);
    const input = image(tries, inputShape.reduce((p, d) => p * d, 1));
    const a = computeActivations(tf, model, input);
    assert.deepEqual(a.layers.map((l) => l.name), model.layers.map((l) => l.name));
    for (const l of a.layers) assertLayerEqualsCut(model, l, input, inputShape);
    const want = model.layers.flatMap((l) => l.weights.filter((w) => /kernel$/.test(w.originalName)).map((w) => ({ name: w.originalName, values: Array.from(w.read().dataSync()) })));
    assert.deepEqual(a.kernels.map((k) => ({ name: k.name, values: k.values })), want);
    checked++;
    layers += a.layers.length;
    kernels += a.kernels.length;
    model.dispose();
  }
  assert.equal(checked, 8, 'eight random models checked');
  assert.ok(layers >= 16 && kernels >= 4, `a fair share of layers (${layers}) and kernels (${kernels})`);
});

test('bounds: a tensor over the limit sends its first channels with a note; an answer stops at its total', async () => {
  await tf.setBackend('cpu');
  assert.deepEqual(boundedShape([28, 28, 6], MAX_TENSOR_VALUES), [28, 28, 6]);
  assert.deepEqual(boundedShape([64, 64, 32], 65_536), [64, 64, 16]);
  assert.deepEqual(boundedShape([300, 300, 3], 65_536), [300, 218, 1]);
  assert.deepEqual(boundedShape([100_000], 65_536), [65_536]);
  assert.deepEqual(boundedShape([4, 4], 0), [0, 0]);

  const wide: ModelSpec = { inputShape: [64, 64, 1], layers: [{ type: 'Conv2D', name: 'wide', filters: 32, kernelSize: [3, 3], padding: 'same' }] };
  const model = buildModel(tf, wide, { seed: 1 });
  const input = image(3, 64 * 64);
  const a = computeActivations(tf, model, input);
  const l = a.layers[0];
  assert.deepEqual(l.shape, [64, 64, 32]);
  assert.deepEqual(l.shown, [64, 64, 16]);
  assert.equal(l.values.length, 64 * 64 * 16);
  const x = tf.tensor(input, [1, 64, 64, 1]);
  const full = cutAt(model, 'wide', x);
  x.dispose();
  for (const i of [0, 15, 16 * 100 + 7, 64 * 64 * 16 - 1]) {
    const pixel = Math.floor(i / 16), ch = i % 16;
    assert.equal(l.values[i], full.values[pixel * 32 + ch], `value ${i} is pixel ${pixel}, channel ${ch}`);
  }
  assert.equal(l.max, full.values.reduce((m, v) => Math.max(m, v), -Infinity), 'statistics cover the whole tensor, not only what is sent');
  assert.match(a.notes.join('\n'), /wide: showing the first \[64, 64, 16\] of \[64, 64, 32\] \(at most 65,536 values per tensor\)/);
  model.dispose();

  // Twenty 256x256 Dense kernels: 1.3 M values, more than one answer holds.
  const deep: ModelSpec = { inputShape: [256], layers: Array.from({ length: 20 }, (_, i) => ({ type: 'Dense' as const, name: `d${i}`, units: 256 })) };
  const big = buildModel(tf, deep, { seed: 2 });
  const b = computeActivations(tf, big, image(4, 256));
  const sent = [...b.layers, ...b.kernels].reduce((n, t) => n + t.values.length, 0);
  assert.ok(sent <= MAX_ANSWER_VALUES, `${sent} values sent`);
  const cut = b.kernels.filter((k) => k.values.length === 0);
  assert.ok(cut.length >= 4, 'the last kernels are left out');
  assert.deepEqual(cut[0].shown, [0, 0]);
  assert.ok(Number.isFinite(cut[0].min) && Number.isFinite(cut[0].max), 'a left-out tensor still has its range');
  assert.match(b.notes.join('\n'), new RegExp(`${cut[0].name}: values left out \\(this answer already holds 1,048,576 values\\); ask for this layer alone`));
  const alone = computeActivations(tf, big, image(4, 256), { layer: cut[0].layer });
  assert.equal(alone.kernels[0].values.length, 256 * 256, 'asked alone, it comes whole');
  big.dispose();
});

test('no tensors left: activations (all layers, one layer, failures) and reloading a changed run folder', async (t) => {
  await tf.setBackend('cpu');
  const dir = tempDir(t);
  const trained = buildModel(tf, LENET5, { seed: 5 });
  await saveModel(tf, trained, dir);
  const model = await modelToInspect(tf, dir);
  assert.equal(await modelToInspect(tf, dir), model, 'an unchanged folder is not loaded again');
  const input = image(9, 784);
  computeActivations(tf, model, input); // warm-up
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    computeActivations(tf, model, input);
    computeActivations(tf, model, input, { layer: 'FC6' });
    assert.throws(() => computeActivations(tf, model, input, { layer: 'nope' }));
    assert.throws(() => computeActivations(tf, model, input.subarray(1)));
  }
  assert.equal(tf.memory().numTensors, before, 'computing activations leaves nothing');
  // The run trains on: new weights on disk are picked up, the old copy is freed.
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, WEIGHTS_FILE), later, later);
  const reloaded = await modelToInspect(tf, dir);
  assert.notEqual(reloaded, model);
  assert.equal(tf.memory().numTensors, before, 'the previous copy was disposed when the new one loaded');
  const a = computeActivations(tf, reloaded, input);
  const b = computeActivations(tf, trained, input);
  assert.deepEqual(a.layers.map((l) => l.values), b.layers.map((l) => l.values), 'the saved model answers like the trained one');
  trained.dispose();
});
