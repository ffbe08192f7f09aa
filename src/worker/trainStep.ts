// One SGD update on one batch. The training loop only sees this interface and receives the
// factory that makes it (the backend picks it: src/worker/backend.ts), so a faster step (e.g.
// data-parallel across two wasm instances) plugs in without touching the loop.
import type { LayersModel, Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { BackendName, TrainConfig } from '../shared/protocol';
import type { Tf } from './tf';
import type { Split } from '../data/types';

/** A batch as plain arrays: images is size * prod(inputShape) floats 0..1, labels are class ids. */
export interface Batch {
  images: Float32Array;
  labels: Uint8Array;
  size: number;
}

/** Batch means, computed before the update like Keras reports them. */
export interface StepResult {
  loss: number;
  acc: number;
}

export interface TrainStep {
  readonly name: string;
  /** Why the fused wasm step does not train this run, when this backend has it (see stepLabel). */
  readonly declined?: string;
  run(batch: Batch): StepResult | Promise<StepResult>;
  /** Makes `model` hold the latest weights (before validation and saving). */
  sync(): void | Promise<void>;
  /** Optional: validation probabilities for a whole split (e.g. shared across threads); else predictAll. */
  predictAll?(split: Split): Promise<Float32Array>;
  dispose(): void;
}

/** What a step's name means to a user: which engine runs the batches, on how many threads. */
export function stepLabel(name: string, backend: BackendName): string {
  switch (name) {
    case 'wasm-fused-2-threads': return 'fused wasm (2 threads)';
    case 'wasm-fused': return 'fused wasm (1 thread)';
    case 'wasm-2-threads': return 'tfjs (wasm, 2 threads)';
    case 'wasm-fast': return 'tfjs (wasm, 1 thread)';
    default: return `tfjs (${backend})`;
  }
}

export interface TrainStepContext {
  tf: Tf;
  model: LayersModel;
  optimizer: Optimizer;
  config: TrainConfig;
  backend: BackendName;
  inputShape: number[];
  numClasses: number;
  /** Tells the user something about the step (e.g. why a faster one could not start). */
  warn?: (message: string) => void;
}

/** Makes the step a run trains with; the training loop takes one as a parameter. */
export type TrainStepFactory = (ctx: TrainStepContext) => TrainStep | Promise<TrainStep>;

/** Keras's categorical cross-entropy on probabilities (normalised, clipped to [1e-7, 1-1e-7]). */
export function categoricalCrossentropy(tf: Tf, oneHot: Tensor, probs: Tensor): Tensor {
  return tf.mean(tf.metrics.categoricalCrossentropy(oneHot, probs));
}

/** The plain single-instance step: forward + backward with tf.variableGrads, then optimizer update. */
export function defaultTrainStep(ctx: TrainStepContext): TrainStep {
  const { tf, model, optimizer, inputShape, numClasses } = ctx;
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  return {
    name: 'default',
    run(batch: Batch): StepResult {
      let accT: Tensor | undefined;
      const lossT = tf.tidy(() => {
        const xs = tf.tensor(batch.images, [batch.size, ...inputShape], 'float32');
        const labels = tf.tensor1d(Int32Array.from(batch.labels), 'int32');
        const ys = tf.oneHot(labels, numClasses);
        const { value, grads } = tf.variableGrads(() => {
          const probs = model.apply(xs, { training: true }) as Tensor;
          // Kept out of the gradient scope's cleanup; disposed below after reading.
          accT = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(probs, -1), labels), 'float32')));
          return categoricalCrossentropy(tf, ys, probs) as import('@tensorflow/tfjs').Scalar;
        }, vars);
        optimizer.applyGradients(grads);
        return value;
      });
      try {
        return { loss: lossT.dataSync()[0], acc: accT ? accT.dataSync()[0] : NaN };
      } finally {
        lossT.dispose();
        accT?.dispose();
      }
    },
    sync() {},
    dispose() {},
  };
}
