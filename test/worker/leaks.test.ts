// No tensor leaks in the worker's inference and model I/O paths (in-process, cpu backend; the
// training loop's flat numTensors across epochs is checked through the real worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LENET5 } from '../../src/model/lenet';
import { buildModel } from '../../src/worker/buildModel';
import { evaluateModel, predictOne } from '../../src/worker/evaluate';
import { loadModel, saveModel, saveModelDirAtomic } from '../../src/worker/runDir';
import { defaultTrainStep } from '../../src/worker/trainStep';
import { tempDir } from './helpers';

tf.env().set('PROD', true);

test('evaluate, predict, save/load and the default train step leave numTensors unchanged', async (t) => {
  await tf.setBackend('cpu');
  const dir = tempDir(t);
  const n = 20;
  const images = new Float32Array(n * 784).map((_, i) => (i % 7) / 7);
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const model = buildModel(tf, LENET5, { seed: 3 });
  const optimizer = tf.train.sgd(0.01);
  const step = defaultTrainStep({ tf, model, optimizer, config: {} as never, backend: 'cpu', inputShape: [28, 28, 1], numClasses: 10 });
  step.run({ images: images.subarray(0, 8 * 784), labels: labels.subarray(0, 8), size: 8 }); // warm-up
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const r = await step.run({ images: images.subarray(0, 8 * 784), labels: labels.subarray(0, 8), size: 8 });
    assert.ok(Number.isFinite(r.loss) && r.acc >= 0 && r.acc <= 1);
  }
  const ev = await evaluateModel(tf, model, { images, labels, count: n }, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], { modelDir: dir, dataset: 'x' });
  assert.equal(ev.confusion.flat().reduce((a, b) => a + b, 0), n);
  const p = predictOne(tf, model, Array.from(images.subarray(0, 784)));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  await saveModel(tf, model, dir);
  await saveModelDirAtomic(tf, model, `${dir}/best`);
  await saveModelDirAtomic(tf, model, `${dir}/best`); // replaces the previous best/
  assert.equal(tf.memory().numTensors, before, 'no tensors left by steps, evaluation, prediction or saving');
  const loaded = await loadModel(tf, `${dir}/best`);
  const a = predictOne(tf, loaded, Array.from(images.subarray(784, 2 * 784)));
  const b = predictOne(tf, model, Array.from(images.subarray(784, 2 * 784)));
  assert.deepEqual(a, b, 'the saved model predicts exactly like the trained one');
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before, 'loading and disposing a model leaves nothing');
  model.dispose();
  optimizer.dispose();
});
