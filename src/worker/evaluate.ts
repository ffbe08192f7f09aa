// Evaluation of a trained model on a test split: loss, accuracy, confusion matrix, per-class
// metrics with their averages, and every misclassified image by confusion cell (indices and
// probabilities only; the images themselves are asked for a page at a time).
import type { LayersModel } from '@tensorflow/tfjs';
import type { WorkerEvent } from '../shared/protocol';
import { WorkerError } from './errors';
import type { Tf } from './tf';
import { classAverages, confusionMatrix, lossAndAccuracy, misclassifiedCells, perClassMetrics, predictAll, type Split } from './metrics';

type Evaluation = Omit<Extract<WorkerEvent, { type: 'evaluation' }>, 'v'>;

export async function evaluateModel(
  tf: Tf, model: LayersModel, test: Split, classes: string[], meta: { modelDir: string; dataset: string },
): Promise<Evaluation> {
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1).map((d) => d ?? 1);
  const n = classes.length;
  const probs = await predictAll(tf, model, test, inputShape, n);
  assertProbabilities(probs, n, meta.modelDir);
  const { loss, acc } = lossAndAccuracy(probs, test.labels, test.count, n);
  const confusion = confusionMatrix(probs, test.labels, test.count, n);
  const perClass = perClassMetrics(confusion);
  return {
    type: 'evaluation', modelDir: meta.modelDir, dataset: meta.dataset, classes,
    loss, acc, confusion, perClass, averages: classAverages(perClass),
    misclassified: misclassifiedCells(probs, test.labels, test.count, n),
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
