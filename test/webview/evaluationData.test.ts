// Evaluation view data (webview/evaluationData.ts) and theme colour conversion (webview/colour.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classNames, confusionCells, confusionTotal, pixelsToRgba } from '../../webview/evaluationData';
import { withAlpha } from '../../webview/colour';

test('confusion cells: diagonal heat is the row recall, errors are scaled to the worst confusion', () => {
  const m = [
    [90, 10, 0],
    [5, 95, 0],
    [0, 20, 80],
  ];
  const cells = confusionCells(m);
  assert.equal(cells.length, 9);
  const at = (r: number, c: number) => cells.find((x) => x.row === r && x.col === c)!;
  assert.equal(at(0, 0).heat, 0.9);
  assert.equal(at(2, 2).heat, 0.8);
  assert.equal(at(2, 1).heat, 1); // worst confusion
  assert.equal(at(0, 1).heat, 0.5);
  assert.equal(at(0, 2).heat, 0);
  assert.equal(at(1, 1).correct, true);
  assert.equal(at(1, 0).correct, false);
  assert.equal(confusionTotal(m), 300);
});

test('a ragged confusion matrix is rejected with the row number', () => {
  assert.throws(() => confusionCells([[1, 2], [3]]), /row 1 has 1 columns, expected 2/);
});

test('pixels 0..255 become opaque grey RGBA', () => {
  const rgba = pixelsToRgba([0, 128, 255]);
  assert.deepEqual([...rgba], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  assert.deepEqual([...pixelsToRgba([0.5], false)].slice(0, 4), [128, 128, 128, 255]);
});

test('class names: the dataset\'s when they fit, else digits', () => {
  assert.deepEqual(classNames(undefined), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const fashion = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  assert.deepEqual(classNames(fashion), fashion);
  assert.equal(classNames(['a', 'b']).length, 10);
});

test('theme colours with alpha for canvas strokes', () => {
  assert.equal(withAlpha('#3794ff', 0.5), 'rgba(55, 148, 255, 0.5)');
  assert.equal(withAlpha('#fff', 0.25), 'rgba(255, 255, 255, 0.25)');
  assert.equal(withAlpha('#ffffff80', 0.5), 'rgba(255, 255, 255, 0.251)');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.3), 'rgba(1, 2, 3, 0.3)');
  assert.equal(withAlpha('rgba(1, 2, 3, 0.5)', 0.5), 'rgba(1, 2, 3, 0.25)');
  assert.equal(withAlpha('red', 0.5), 'red');
});

test('the persisted state drops the lists of misclassified images and nothing else', async () => {
  const { persistableState } = await import('../../webview/persist');
  const base = { status: 'done' as const, history: [], batchSeries: { x: [1], loss: [2], acc: [0.5] }, runs: [] };
  assert.equal(persistableState(base), base, 'unchanged without an evaluation');
  const evaluation = {
    modelDir: 'm', dataset: 'mnist', classes: [], loss: 0.1, acc: 0.9, confusion: [[1]], perClass: [],
    averages: { macro: { precision: 1, recall: 1, f1: 1, support: 1 }, weighted: { precision: 1, recall: 1, f1: 1, support: 1 } },
    misclassified: [{ label: 4, predicted: 9, indices: [1], probability: [0.5], trueProbability: [0.25] }],
  };
  const p = persistableState({ ...base, evaluation });
  assert.deepEqual(p.evaluation?.misclassified, []);
  assert.equal(p.evaluation?.acc, 0.9);
  assert.deepEqual(p.evaluation?.averages, evaluation.averages);
  assert.deepEqual(p.batchSeries, base.batchSeries);
  assert.equal(evaluation.misclassified.length, 1, 'the live state is not mutated');
});
