// The evaluation's numbers computed from probabilities, by hand: scikit-learn's macro and weighted
// averages of precision, recall and F1, and every misclassified image listed by confusion cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classAverages, confusionMatrix, misclassifiedCells, perClassMetrics } from '../../src/worker/metrics';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);

/** One-hot-ish probabilities for predictions `pred` over `k` classes (the predicted class gets `p`). */
function probsFor(pred: number[], k: number, p = 0.7): Float32Array {
  const out = new Float32Array(pred.length * k).fill((1 - p) / (k - 1));
  pred.forEach((c, i) => (out[i * k + c] = p));
  return out;
}

test('macro and weighted averages: scikit-learn\'s classification_report example, computed by hand', () => {
  // y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1] (the example in scikit-learn's docs).
  const labels = Uint8Array.from([0, 1, 2, 2, 2]);
  const confusion = confusionMatrix(probsFor([0, 0, 2, 2, 1], 3), labels, 5, 3);
  assert.deepEqual(confusion, [[1, 0, 0], [1, 0, 0], [0, 1, 2]]);
  const per = perClassMetrics(confusion);
  // class 0: P 1/2, R 1, F1 2/3; class 1: 0, 0, 0; class 2: P 1, R 2/3, F1 4/5.
  const { macro, weighted } = classAverages(per);
  close(macro.precision, (1 / 2 + 0 + 1) / 3, 'macro precision'); // 0.50
  close(macro.recall, (1 + 0 + 2 / 3) / 3, 'macro recall'); // 0.56
  close(macro.f1, (2 / 3 + 0 + 4 / 5) / 3, 'macro f1 (the mean of the F1s)'); // 0.49
  assert.notEqual(macro.f1.toFixed(4), (2 * macro.precision * macro.recall / (macro.precision + macro.recall)).toFixed(4));
  close(weighted.precision, (1 * 1 / 2 + 1 * 0 + 3 * 1) / 5, 'weighted precision'); // 0.70
  close(weighted.recall, (1 * 1 + 1 * 0 + 3 * 2 / 3) / 5, 'weighted recall'); // 0.60 = accuracy
  close(weighted.f1, (1 * 2 / 3 + 1 * 0 + 3 * 4 / 5) / 5, 'weighted f1'); // 0.61
  assert.equal(macro.support, 5);
  assert.equal(weighted.support, 5);
  // scikit-learn prints 0.50 0.56 0.49 and 0.70 0.60 0.61.
  assert.deepEqual([macro.precision, macro.recall, macro.f1].map((x) => x.toFixed(2)), ['0.50', '0.56', '0.49']);
  assert.deepEqual([weighted.precision, weighted.recall, weighted.f1].map((x) => x.toFixed(2)), ['0.70', '0.60', '0.61']);
});

test('averages weight by support: a class with no test images counts in macro, not in weighted', () => {
  // Class 2 has no test images and is never predicted: 0 everywhere (scikit-learn's zero_division=0).
  const per = perClassMetrics([[3, 1, 0], [0, 4, 0], [0, 0, 0]]);
  assert.deepEqual(per[2], { precision: 0, recall: 0, f1: 0, support: 0 });
  const { macro, weighted } = classAverages(per);
  close(macro.precision, (1 + 0.8 + 0) / 3, 'macro precision');
  close(macro.recall, (0.75 + 1 + 0) / 3, 'macro recall');
  // Supports 4, 4, 0.
  close(weighted.precision, (4 * 1 + 4 * 0.8 + 0 * 0) / 8, 'weighted precision');
  close(weighted.recall, (4 * 0.75 + 4 * 1 + 0 * 0) / 8, 'weighted recall');
  assert.equal(weighted.support, 8);
  assert.deepEqual(classAverages([]), { macro: { precision: 0, recall: 0, f1: 0, support: 0 }, weighted: { precision: 0, recall: 0, f1: 0, support: 0 } });
});

test('every misclassified image is listed in its cell, in test-set order, with both probabilities', () => {
  const k = 10;
  const n = 10_000;
  // 10,000 images, 1,234 of them wrong, far more than any earlier cap: label i % 10, wrong ones
  // predicted as (label + 1 + i % 3) % 10.
  const labels = new Uint8Array(n);
  const pred: number[] = [];
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    const miss = i % 8 === 3 && wrong < 1234;
    if (miss) wrong++;
    pred.push(miss ? (labels[i] + 1 + (i % 3)) % k : labels[i]);
  }
  const probs = probsFor(pred, k, 0.61237);
  const cells = misclassifiedCells(probs, labels, n, k);
  const confusion = confusionMatrix(probs, labels, n, k);
  assert.equal(cells.reduce((a, c) => a + c.indices.length, 0), 1234, 'all of them');
  const keys = cells.map((c) => c.label * k + c.predicted);
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'cells by true, then predicted class');
  for (const c of cells) {
    assert.notEqual(c.label, c.predicted);
    assert.equal(c.indices.length, confusion[c.label][c.predicted], `cell ${c.label}->${c.predicted} holds its count`);
    assert.deepEqual(c.indices, [...c.indices].sort((a, b) => a - b), 'test-set order');
    for (const i of c.indices) {
      assert.equal(labels[i], c.label);
      assert.equal(pred[i], c.predicted);
    }
    assert.ok(c.probability.every((p) => p === 0.6124), 'the predicted class\'s probability, 4 decimals');
    assert.ok(c.trueProbability.every((p) => p === Math.round(((1 - 0.61237) / 9) * 1e4) / 1e4), 'the true class\'s');
  }
  // Every off-diagonal count of the matrix has its cell.
  let nonEmpty = 0;
  confusion.forEach((row, r) => row.forEach((v, col) => { if (r !== col && v > 0) nonEmpty++; }));
  assert.equal(cells.length, nonEmpty);
  assert.deepEqual(misclassifiedCells(probsFor([1, 2], k), Uint8Array.from([1, 2]), 2, k), [], 'none wrong: no cells');
});
