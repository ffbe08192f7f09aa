// Inference over a whole split in batches, and the numbers computed from the probabilities:
// Keras-style loss/accuracy, confusion matrix, per-class precision/recall/F1 and their averages,
// and the misclassified images of every confusion cell.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { ClassAverages, ClassMetrics, MisclassifiedCell } from '../shared/protocol';
import type { Split } from '../data/types';
import type { Tf } from './tf';

export type { Split };

/**
 * Probabilities for every image, count * numClasses floats. Yields between batches so stop/predict get through.
 * Chunks of 128: a wasm heap never shrinks, and 500-image chunks grow it by ~40 MB for no speed gain.
 */
export async function predictAll(
  tf: Tf, model: LayersModel, split: Split, inputShape: number[], numClasses: number, batchSize = 128,
): Promise<Float32Array> {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(split.count * numClasses);
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    const probs = tf.tidy(() => {
      const xs = tf.tensor(split.images.subarray(start * per, (start + n) * per), [n, ...inputShape], 'float32');
      // One predict call per chunk: predict's default batchSize (32) would split it again and
      // double the validation time on wasm.
      return model.predict(xs, { batchSize: n }) as Tensor;
    });
    out.set(probs.dataSync() as Float32Array, start * numClasses);
    probs.dispose();
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

const EPS = 1e-7;

/** Keras categorical cross-entropy mean and categorical accuracy from probabilities. */
export function lossAndAccuracy(probs: Float32Array, labels: Uint8Array, count: number, numClasses: number) {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += row[k];
    const p = Math.min(Math.max(row[labels[i]] / sum, EPS), 1 - EPS);
    loss -= Math.log(p);
    if (argMax(row) === labels[i]) correct++;
  }
  return { loss: count ? loss / count : NaN, acc: count ? correct / count : NaN };
}

export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

/** confusion[label][predicted] counts. */
export function confusionMatrix(probs: Float32Array, labels: Uint8Array, count: number, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < count; i++) m[labels[i]][argMax(probs.subarray(i * numClasses, (i + 1) * numClasses))]++;
  return m;
}

/** Precision, recall, F1 and support per class; 0 where undefined (no predictions / no samples). */
export function perClassMetrics(confusion: number[][]): ClassMetrics[] {
  const n = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < n; r++) predicted += confusion[r][c];
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/**
 * scikit-learn's classification_report averages over the classes of perClassMetrics: macro is the
 * plain mean of each column (its F1 is the mean of the F1s, not the F1 of the mean precision and
 * recall), weighted the mean weighted by support; both have the total support.
 */
export function classAverages(perClass: ClassMetrics[]): ClassAverages {
  const support = perClass.reduce((a, m) => a + m.support, 0);
  const mean = (key: 'precision' | 'recall' | 'f1', weighted: boolean) => {
    const den = weighted ? support : perClass.length;
    return den ? perClass.reduce((a, m) => a + m[key] * (weighted ? m.support : 1), 0) / den : 0;
  };
  const avg = (weighted: boolean): ClassMetrics => ({
    precision: mean('precision', weighted), recall: mean('recall', weighted), f1: mean('f1', weighted), support,
  });
  return { macro: avg(false), weighted: avg(true) };
}

const round4 = (p: number) => Math.round(p * 1e4) / 1e4;

/**
 * Every misclassified image, grouped by confusion cell (the non-empty off-diagonal ones, by true
 * then predicted class), in test-set order, with the predicted and the true class's probability.
 * Indices only: the pixels stay in the worker and are sent a page at a time (testImages).
 */
export function misclassifiedCells(probs: Float32Array, labels: Uint8Array, count: number, numClasses: number): MisclassifiedCell[] {
  const cells = new Map<number, MisclassifiedCell>();
  for (let i = 0; i < count; i++) {
    const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
    const label = labels[i];
    const predicted = argMax(row);
    if (predicted === label) continue;
    const key = label * numClasses + predicted;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { label, predicted, indices: [], probability: [], trueProbability: [] }));
    cell.indices.push(i);
    cell.probability.push(round4(row[predicted]));
    cell.trueProbability.push(round4(row[label]));
  }
  return [...cells.keys()].sort((a, b) => a - b).map((k) => cells.get(k)!);
}
