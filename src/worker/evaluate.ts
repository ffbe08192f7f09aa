// Evaluation of a trained model on a test split: loss, accuracy, confusion matrix, per-class
// metrics and the first misclassified images (pixels 0..255 to keep the message small).
import type { LayersModel } from '@tensorflow/tfjs';
import { IMAGE_PIXELS } from '../shared/geometry';
import type { Misclassified, WorkerEvent } from '../shared/protocol';
import { WorkerError } from './errors';
import type { Tf } from './tf';
import { argMax, confusionMatrix, lossAndAccuracy, perClassMetrics, predictAll, type Split } from './metrics';

export const MISCLASSIFIED_LIMIT = 100;

type Evaluation = Omit<Extract<WorkerEvent, { type: 'evaluation' }>, 'v'>;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function evaluateModel(
  tf: Tf, model: LayersModel, test: Split, classes: string[], meta: { modelDir: string; dataset: string },
): Promise<Evaluation> {
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1).map((d) => d ?? 1);
  const n = classes.length;
  const probs = await predictAll(tf, model, test, inputShape, n);
  assertProbabilities(probs, n, meta.modelDir);
  const { loss, acc } = lossAndAccuracy(probs, test.labels, test.count, n);
  const confusion = confusionMatrix(probs, test.labels, test.count, n);
  const per = test.count ? test.images.length / test.count : IMAGE_PIXELS;
  const misclassified: Misclassified[] = [];
  for (let i = 0; i < test.count && misclassified.length < MISCLASSIFIED_LIMIT; i++) {
    const row = probs.subarray(i * n, (i + 1) * n);
    const predicted = argMax(row);
    if (predicted === test.labels[i]) continue;
    misclassified.push({
      index: i, label: test.labels[i], predicted,
      probabilities: Array.from(row, (p) => round(p, 6)),
      pixels: Array.from(test.images.subarray(i * per, (i + 1) * per), (x) => Math.round(x * 255)),
    });
  }
  return {
    type: 'evaluation', modelDir: meta.modelDir, dataset: meta.dataset, classes,
    loss, acc, confusion, perClass: perClassMetrics(confusion), misclassified,
  };
}

/** Probabilities for one image (values 0..1, row-major). */
export function predictOne(tf: Tf, model: LayersModel, pixels: number[]): number[] {
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1).map((d) => d ?? 1);
  const out = tf.tidy(() => model.predict(tf.tensor(pixels, [1, ...inputShape], 'float32')) as import('@tensorflow/tfjs').Tensor);
  try {
    const probs = out.dataSync() as Float32Array;
    assertProbabilities(probs, probs.length, 'the current model');
    return Array.from(probs);
  } finally {
    out.dispose();
  }
}

/**
 * Refuses outputs that are not probabilities (NaN, Infinity, outside 0..1 beyond rounding): they
 * come from weights that diverged, and passing them on would produce a report of nonsense.
 */
export function assertProbabilities(probs: Float32Array, classes: number, model: string): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (p >= -1e-6 && p <= 1 + 1e-6) continue;
    throw new WorkerError(
      'MODEL',
      `${model} outputs ${p} as a class probability (image ${Math.floor(i / classes)}): its weights hold NaN or Infinity, so the training that made it diverged; train again with a lower learning rate`,
    );
  }
  // Rounding can leave 1.0000001 or -0: clamp only those, after the check above.
  for (let i = 0; i < probs.length; i++) probs[i] = Math.min(1, Math.max(0, probs[i]));
}
