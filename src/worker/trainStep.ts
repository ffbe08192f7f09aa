// One SGD update on one batch. The training loop only sees this interface, so a faster
// implementation (e.g. data-parallel across two wasm instances) can plug in through
// registerTrainStep() without touching the loop.
import type { LayersModel, Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { BackendName, TrainConfig } from '../shared/protocol';
import type { Tf } from './backend';
import type { Split } from './metrics';

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
  run(batch: Batch): StepResult | Promise<StepResult>;
  /** Makes `model` hold the latest weights (before validation and saving). */
  sync(): void | Promise<void>;
  /** Optional: validation probabilities for a whole split (e.g. shared across threads); else predictAll. */
  predictAll?(split: Split): Promise<Float32Array>;
  dispose(): void;
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

/** Returns a TrainStep for this context, or null to let the next factory (finally the default) handle it. */
export type TrainStepFactory = (ctx: TrainStepContext) => TrainStep | null | Promise<TrainStep | null>;

const factories: TrainStepFactory[] = [];

/** Later registrations are tried first. */
export function registerTrainStep(factory: TrainStepFactory): void {
  factories.unshift(factory);
}

export async function createTrainStep(ctx: TrainStepContext): Promise<TrainStep> {
  for (const f of factories) {
    const s = await f(ctx);
    if (s) return s;
  }
  return defaultTrainStep(ctx);
}

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
