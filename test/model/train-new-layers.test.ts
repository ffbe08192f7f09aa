// The layer types added in round 2 really train on the wasm backend the worker uses (one step of
// tfjs's own step and of the fast wasm step, loss finite, no tensor leak), and the two that cannot
// (no depthwise-convolution gradient in tfjs 4.22's wasm) are refused before training starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { wasmTf } from '../kernels/wasm_env';
import { buildModel } from '../../src/worker/buildModel';
import { UntrainableModelError } from '../../src/model/trainable';
import { defaultTrainStep, type TrainStepContext } from '../../src/worker/trainStep';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { wasmDir } from '../../src/worker/backend';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';
import type { TrainConfig } from '../../src/shared/protocol';

const config: TrainConfig = {
  dataset: 'test', epochs: 1, batchSize: 8, learningRate: 0.01, optimizer: 'sgd', backend: 'wasm',
  seed: 3, limit: 0, outDir: '', cacheDir: '',
};

const model = (l: LayerSpec): ModelSpec => ({
  inputShape: [28, 28, 1],
  layers: [{ type: 'Conv2D', filters: 2, kernelSize: [3, 3] }, l, { type: 'Flatten' }, { type: 'Dense', units: 10, activation: 'softmax' }],
});

const TRAINABLE: LayerSpec[] = [
  { type: 'ReLU', maxValue: 6 }, { type: 'LeakyReLU', alpha: 0.1 }, { type: 'ELU' }, { type: 'Softmax' },
  { type: 'SpatialDropout2D', rate: 0.3 }, { type: 'GaussianNoise', stddev: 0.1 }, { type: 'GaussianDropout', rate: 0.2 },
  { type: 'Rescaling', scale: 0.5, offset: 0.1 }, { type: 'UpSampling2D' }, { type: 'Cropping2D', cropping: [[1, 1], [2, 2]] },
  { type: 'Permute', dims: [2, 1, 3] }, { type: 'Conv2DTranspose', filters: 2, kernelSize: [3, 3], strides: [2, 2] },
];

test('each new trainable layer type takes a training step on wasm (tfjs step and fast wasm step)', async () => {
  await wasmTf();
  const before = tf.memory().numTensors;
  const batch = { images: Float32Array.from({ length: 8 * 784 }, (_, i) => (i % 7) / 7), labels: Uint8Array.from({ length: 8 }, (_, i) => i), size: 8 };
  for (const l of TRAINABLE) {
    for (const fast of [false, true]) {
      const m = buildModel(tf, model(l), { seed: 1 });
      const optimizer = tf.train.sgd(0.01);
      const ctx: TrainStepContext = { tf, model: m, optimizer, config, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
      const step = fast ? await createWasmTrainStep(ctx, { threads: 1, wasmDir: wasmDir() }) : defaultTrainStep(ctx);
      assert.ok(step, `${l.type}: no step`);
      try {
        const r = await step.run(batch);
        await step.sync();
        assert.ok(Number.isFinite(r.loss) && r.loss > 0, `${l.type} (${step.name}): loss ${r.loss}`);
      } finally {
        step.dispose();
        m.dispose();
        optimizer.dispose();
      }
    }
  }
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('DepthwiseConv2D and SeparableConv2D are refused on wasm before training, with what to do', async () => {
  await wasmTf();
  for (const l of [{ type: 'DepthwiseConv2D', kernelSize: [3, 3] }, { type: 'SeparableConv2D', filters: 2, kernelSize: [3, 3] }] as LayerSpec[]) {
    assert.throws(() => buildModel(tf, model(l)), (e: Error) => {
      assert.ok(e instanceof UntrainableModelError);
      assert.match(e.message, new RegExp(`layer 2 \\(${l.type}\\): the wasm backend of TensorFlow\\.js cannot train ${l.type} layers \\(it has no DepthwiseConv2dNativeBackprop\\w+ kernel\\); choose the cpu backend`));
      return true;
    });
  }
  assert.equal(tf.memory().numTensors, 0);
});
