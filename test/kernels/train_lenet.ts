// Trains LeNet-5 or another 28x28x1 model (seed 3) with a step on a list of batches and returns each step's result and the
// final weights, disposing everything: the shared harness of the step comparison tests.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/worker/buildModel';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import type { TrainConfig } from '../../src/shared/protocol';
import type { Batch, StepResult, TrainStep, TrainStepContext } from '../../src/worker/trainStep';

export const LENET_CONFIG: TrainConfig = {
  dataset: 'test', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'wasm',
  seed: 3, limit: 0, outDir: '', cacheDir: '',
};

export interface Trained {
  name: string;
  results: StepResult[];
  weights: Float32Array[];
}

export async function trainLeNet(
  make: (ctx: TrainStepContext) => Promise<TrainStep | null> | TrainStep, data: Batch[],
  optimizer: TrainConfig['optimizer'] = 'sgd', makeOptimizer: () => tf.Optimizer = () => (optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001)),
  spec: ModelSpec = LENET5,
): Promise<Trained> {
  const model = buildModel(tf, spec, { seed: 3 });
  const opt = makeOptimizer();
  const ctx: TrainStepContext = { tf, model, optimizer: opt, config: { ...LENET_CONFIG, optimizer }, backend: 'wasm', inputShape: [28, 28, 1], numClasses: 10 };
  const step = await make(ctx);
  assert.ok(step);
  const results = [];
  for (const b of data) results.push(await step.run(b));
  await step.sync();
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  step.dispose();
  model.dispose();
  opt.dispose();
  return { name: step.name, results, weights };
}
