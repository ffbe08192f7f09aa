// The single-instance wasm step: the same update as the default step, minus the unused
// gradient of the input images (see forward.ts).
import type { LayersModel, NamedTensorMap, Optimizer, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../tf';
import type { Batch, StepResult, TrainStep } from '../trainStep';
import { PartGrads } from './part_grads';

export function fastTrainStep(tf: Tf, model: LayersModel, optimizer: Optimizer, inputShape: number[], numClasses: number): TrainStep {
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const part = new PartGrads(tf, model, vars, inputShape, numClasses);
  return {
    name: 'wasm-fast',
    run(batch: Batch): StepResult {
      const r = part.compute({ ...batch, batchSize: batch.size });
      const named: NamedTensorMap = {};
      vars.forEach((v, i) => (named[v.name] = r.grads[i]));
      optimizer.applyGradients(named);
      tf.dispose(r.grads);
      return { loss: r.loss, acc: r.correct / batch.size };
    },
    sync() {},
    dispose() {},
  };
}
