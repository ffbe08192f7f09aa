// Paging of a confusion cell's misclassified images: every image on exactly one page, and page
// requests outside the cell (what an untrusted webview could ask for) refused with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MISCLASSIFIED_PAGE_SIZE, misclassifiedPage, pageCount } from '../../src/shared/misclassifiedPages';
import type { MisclassifiedCell } from '../../src/shared/protocol';

const cellOf = (label: number, predicted: number, n: number, from = 0): MisclassifiedCell => ({
  label, predicted,
  indices: Array.from({ length: n }, (_, i) => from + 3 * i),
  probability: Array.from({ length: n }, (_, i) => 0.5 + i / (4 * n)),
  trueProbability: Array.from({ length: n }, () => 0.1),
});

test('pages cover a cell exactly once, 48 at a time, the last one partial', () => {
  assert.equal(MISCLASSIFIED_PAGE_SIZE, 48);
  const cells = [cellOf(3, 5, 212), cellOf(4, 9, 48, 1), cellOf(7, 1, 1, 2)];
  assert.equal(pageCount(212), 5);
  assert.equal(pageCount(48), 1);
  assert.equal(pageCount(0), 0);
  const seen: number[] = [];
  for (let p = 0; p < 5; p++) {
    const page = misclassifiedPage(cells, 3, 5, p);
    assert.ok(typeof page !== 'string', String(page));
    assert.equal(page.pages, 5);
    assert.equal(page.total, 212);
    assert.equal(page.start, 48 * p);
    assert.equal(page.indices.length, p < 4 ? 48 : 212 - 4 * 48);
    assert.deepEqual(page.probability, cells[0].probability.slice(48 * p, 48 * p + page.indices.length), 'each index keeps its probabilities');
    assert.equal(page.trueProbability.length, page.indices.length);
    seen.push(...page.indices);
  }
  assert.deepEqual(seen, cells[0].indices);
  const one = misclassifiedPage(cells, 7, 1, 0);
  assert.ok(typeof one !== 'string');
  assert.deepEqual([one.indices, one.pages, one.total], [[2], 1, 1]);
});

test('pages outside the cell, empty cells and the diagonal are refused with a reason', () => {
  const cells = [cellOf(3, 5, 212)];
  assert.match(misclassifiedPage(cells, 3, 5, 5) as string, /page 5 of true class 3 predicted as 5 does not exist \(pages 0\.\.4\)/);
  assert.match(misclassifiedPage(cells, 3, 5, -1) as string, /does not exist/);
  assert.match(misclassifiedPage(cells, 3, 5, 1.5) as string, /does not exist/);
  assert.match(misclassifiedPage(cells, 5, 3, 0) as string, /no test image of true class 5 was predicted as 3/);
  assert.match(misclassifiedPage(cells, 3, 3, 0) as string, /correct prediction/);
  assert.match(misclassifiedPage([], 0, 1, 0) as string, /no test image/);
});
