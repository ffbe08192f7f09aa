// One epoch of LeNet-5 on 8,000 images of the bundled MNIST sample through the worker's training
// loop, once with the current wasm step and once with the fused step, same seed: the curves must
// agree (val accuracy within 0.01), the run folder must name the fused step, and the saved model
// must hold the fused step's weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { maxAbsDiff, wasmTf } from './wasm_env';
import { loadDataset } from '../../src/data/datasets';
import { LENET5 } from '../../src/model/lenet';
import { inferModel } from '../../src/model/infer';
import { toSummaryInfo } from '../../src/model/summary';
import { runTraining } from '../../src/worker/train';
import { loadModel } from '../../src/worker/runDir';
import { createWasmTrainStep } from '../../src/worker/parallel';
import { wasmDir } from '../../src/worker/backend';
import type { TrainConfig } from '../../src/shared/protocol';
import type { TrainStepFactory } from '../../src/worker/trainStep';
import { tempDir } from '../worker/helpers';

test('one epoch on 8,000 sample images: the fused step ends within 0.01 val_acc of the current wasm step', async (t) => {
  await wasmTf();
  const out = tempDir(t, 'lenet-fused-');
  const data = await loadDataset('mnist-sample', { cacheDir: out });
  assert.ok(data.train.count >= 8000, `the sample has ${data.train.count} training images`);
  const config: TrainConfig = {
    dataset: 'mnist-sample', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'wasm',
    seed: 11, limit: 8000, outDir: out, cacheDir: out,
  };
  const run = async (fused: boolean) => {
    const createStep: TrainStepFactory = async (ctx) => (await createWasmTrainStep(ctx, { wasmDir: wasmDir(), fused }))!;
    const before = tf.memory().numTensors;
    const r = await runTraining({ tf, backend: 'wasm', versions: {}, createStep, emit: () => {}, stopRequested: () => false },
      config, data, LENET5, toSummaryInfo(inferModel(LENET5)));
    const saved = await loadModel(tf, r.runDir);
    const weights = r.model.getWeights().map((w) => w.dataSync() as Float32Array);
    saved.getWeights().forEach((w, i) => assert.ok(maxAbsDiff(w.dataSync() as Float32Array, weights[i]) === 0, `saved weight ${i} is not the trained one`));
    saved.dispose();
    r.model.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    return { r, step: JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')).trainStep as string, weights };
  };
  const current = await run(false);
  const fused = await run(true);
  assert.match(fused.step, /^wasm-fused/);
  assert.doesNotMatch(current.step, /fused/);
  const [a, b] = [current.r.history[0], fused.r.history[0]];
  t.diagnostic(`val_acc ${current.step} ${a.val_acc.toFixed(4)}, wasm-fused ${b.val_acc.toFixed(4)}; loss ${a.loss.toFixed(4)} vs ${b.loss.toFixed(4)}`);
  assert.ok(a.val_acc > 0.5, `the current step learned (val_acc ${a.val_acc})`);
  assert.ok(Math.abs(a.val_acc - b.val_acc) <= 0.01, `val_acc ${a.val_acc} vs ${b.val_acc}`);
  assert.ok(Math.abs(a.loss - b.loss) <= 0.01, `loss ${a.loss} vs ${b.loss}`);
  assert.ok(fused.weights.some((w, i) => maxAbsDiff(w, current.weights[i]) > 0), 'two different steps ran');
});
