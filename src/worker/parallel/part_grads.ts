// Gradients of one part of a batch (all of it, or one thread's share) for a list of variables.
import type { LayersModel, NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../tf';
import { isPlainChain, partLoss, trainingForward } from './forward';

export interface PartInput {
  images: Float32Array;
  labels: Uint8Array;
  /** Images in this part. */
  size: number;
  /** Images in the whole batch the part belongs to (the loss is the batch mean). */
  batchSize: number;
}

export interface PartResult {
  /** Gradients in the order of `vars`. The caller disposes them. */
  grads: Tensor[];
  /** Loss summed over the part / batchSize, and correct predictions in the part. */
  loss: number;
  correct: number;
}

export class PartGrads {
  private readonly forward: (xs: Tensor) => Tensor;

  constructor(
    private readonly tf: Tf,
    model: LayersModel,
    readonly vars: Variable[],
    private readonly inputShape: number[],
    private readonly numClasses: number,
  ) {
    this.forward = isPlainChain(model)
      ? (xs) => trainingForward(tf, model, xs)
      : (xs) => model.apply(xs, { training: true }) as Tensor;
  }

  compute(p: PartInput): PartResult {
    const { tf } = this;
    let correctT: Scalar | undefined;
    const { value, grads } = tf.tidy(() => {
      const xs = tf.tensor(p.images.subarray(0, p.size * this.inputShape.reduce((a, b) => a * b, 1)), [p.size, ...this.inputShape], 'float32');
      const labels = tf.tensor1d(Int32Array.from(p.labels.subarray(0, p.size)), 'int32');
      return tf.variableGrads(() => {
        const { loss, correct } = partLoss(tf, this.forward(xs), labels, this.numClasses, p.batchSize);
        correctT = tf.keep(correct);
        return loss;
      }, this.vars);
    });
    const loss = value.dataSync()[0];
    const correct = correctT ? correctT.dataSync()[0] : NaN;
    value.dispose();
    correctT?.dispose();
    return { grads: this.vars.map((v) => (grads as NamedTensorMap)[v.name]), loss, correct };
  }
}
