// The fused training step: the whole forward, backward and optimizer update of a batch in wasm
// SIMD kernels, with the weights and the optimizer's slots kept in wasm memory. The tfjs model
// and optimizer are only written at sync() (before validation and saving), so evaluation, saving,
// export and the optimizer's saved state stay tfjs's.
import type { LayersModel, Optimizer, Variable } from '@tensorflow/tfjs';
import type { Split } from '../../data/types';
import type { Tf } from '../tf';
import type { Batch, StepResult, TrainStep, TrainStepContext } from '../trainStep';
import { dropoutKey, FusedNet } from './net';
import { FusedOptimizer, optimizerReason } from './optimizer';
import { planModel } from './plan';

/** Why the fused step cannot train this model with this optimizer, or null when it can. */
export function fusedUnsupported(ctx: Pick<TrainStepContext, 'model' | 'optimizer' | 'inputShape' | 'numClasses'>): string | null {
  const plan = planModel(ctx.model, ctx.inputShape, ctx.numClasses);
  return optimizerReason(ctx.optimizer) ?? ('reason' in plan ? plan.reason : null);
}

export class FusedTrainStep implements TrainStep {
  readonly name = 'wasm-fused';
  private readonly vars: Variable[];
  private dirty = false;
  readonly net: FusedNet;
  readonly optimizer: FusedOptimizer;

  /**
   * Throws with the reason when the model or optimizer is not served (see fusedUnsupported).
   * `seed` (the run's) and the optimizer's iteration count key the dropout masks.
   */
  constructor(private readonly tf: Tf, model: LayersModel, optimizer: Optimizer, inputShape: number[], numClasses: number, maxBatch: number,
    private readonly seed = 0) {
    const why = optimizerReason(optimizer);
    if (why) throw new Error(why);
    const plan = planModel(model, inputShape, numClasses);
    if ('reason' in plan) throw new Error(plan.reason);
    this.net = new FusedNet(plan.ops, plan.inputSize, plan.numClasses, maxBatch);
    this.vars = model.trainableWeights.map((w) => w.read() as Variable);
    this.net.setWeights(this.vars.map((v) => v.dataSync() as Float32Array));
    this.optimizer = new FusedOptimizer(tf, optimizer, this.vars, this.net.mem, this.net.sizes);
  }

  /** The dropout key of the next update: the run's seed and the optimizer's iteration count. */
  get stepKey(): number {
    return dropoutKey(this.seed, this.optimizer.iterations);
  }

  /** Gradients of the batch mean loss at the current weights, without updating (tests). */
  gradients(batch: Batch): { grads: Float32Array[]; loss: number; correct: number } {
    const r = this.net.compute(batch.images, batch.labels, batch.size, batch.size, { key: this.stepKey, first: 0 });
    return { grads: this.net.gradients(), ...r };
  }

  run(batch: Batch): StepResult {
    const r = this.net.compute(batch.images, batch.labels, batch.size, batch.size, { key: this.stepKey, first: 0 });
    this.update();
    return { loss: r.loss, acc: r.correct / batch.size };
  }

  /** One optimizer update from the gradients in net.grads (the learning rate as tfjs's optimizer has it now). */
  update(): void {
    this.optimizer.update(this.net.weights, this.net.grads);
    this.dirty = true;
  }

  /** Validation through the same fused forward, in chunks of the training batch size. */
  async predictAll(split: Split): Promise<Float32Array> {
    const { net } = this;
    const probs = new Float32Array(split.count * net.numClasses);
    // Chunks of 32 batches, letting the worker answer messages (e.g. stop) in between.
    const chunk = 32 * net.maxBatch;
    for (let start = 0; start < split.count; start += chunk) {
      net.predict(split.images, probs, start, Math.min(split.count, start + chunk));
      await new Promise((r) => setImmediate(r));
    }
    return probs;
  }

  sync(): void {
    if (!this.dirty) return;
    const { tf } = this;
    const values = this.net.getWeights();
    tf.tidy(() => this.vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape, 'float32'))));
    this.optimizer.writeBack();
    this.dirty = false;
  }

  dispose(): void {}
}
