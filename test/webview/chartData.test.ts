// Chart data preparation (webview/chartData.ts): TensorBoard-style smoothing and the merge of
// per-batch and per-epoch series into uPlot's aligned arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedSeries, emaSmooth } from '../../webview/chartData';
import type { EpochMetrics } from '../../src/shared/protocol';

const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} != ${b}`);

test('weight 0 is the raw series; the debiased EMA starts at the first value, not at 0', () => {
  assert.deepEqual(emaSmooth([3, 1, 2], 0), [3, 1, 2]);
  const s = emaSmooth([2, 2, 2, 2], 0.9);
  for (const v of s) close(v, 2); // a constant stays constant thanks to debiasing
  const t = emaSmooth([0, 10], 0.5);
  close(t[0], 0);
  // last = 0.5*0 + 0.5*0 = 0; then 0.5*0 + 0.5*10 = 5; debias 1 - 0.25 = 0.75 -> 6.667
  close(t[1], 5 / 0.75);
});

test('smoothing reduces noise but follows the trend', () => {
  const noisy = Array.from({ length: 2000 }, (_, i) => 1 - i / 2000 + (i % 2 ? 0.2 : -0.2));
  const s = emaSmooth(noisy, 0.95) as number[];
  const wiggle = (a: number[]) => a.slice(1).reduce((m, v, i) => m + Math.abs(v - a[i]), 0);
  assert.ok(wiggle(s) < wiggle(noisy) / 20, 'smoothed series should be much less jagged');
  assert.ok(Math.abs(s[1999] - noisy.slice(1900).reduce((a, b) => a + b, 0) / 100) < 0.05, 'tracks the recent mean');
});

test('NaN losses become gaps and do not poison the average', () => {
  const s = emaSmooth([1, NaN, 1], 0.5);
  close(s[0], 1);
  assert.equal(s[1], null);
  close(s[2], 1);
});

test('an out-of-range weight is a clear error', () => {
  assert.throws(() => emaSmooth([1], 1), /weight must be in \[0, 1\), got 1/);
  assert.throws(() => emaSmooth([1], -0.1), /got -0.1/);
});

test('batch and validation points are merged on one sorted x axis with nulls', () => {
  const series = { x: [0.5, 1, 1.5, 2], loss: [2, 1, 0.8, 0.6], acc: [0.5, 0.7, 0.8, 0.85] };
  const h = (epoch: number, val_loss: number, val_acc: number): EpochMetrics => ({ epoch, loss: 0, acc: 0, val_loss, val_acc, seconds: 1 });
  const [x, raw, sm, val] = alignedSeries(series, [h(1, 1.1, 0.71), h(2, 0.7, 0.84)], 'loss', 0);
  assert.deepEqual(x, [0.5, 1, 1.5, 2]); // epoch ends coincide with the last batch of each epoch
  assert.deepEqual(raw, [2, 1, 0.8, 0.6]);
  assert.deepEqual(sm, [2, 1, 0.8, 0.6]);
  assert.deepEqual(val, [null, 1.1, null, 0.7]);
  // Decimated series whose points do not land on epoch ends: validation gets rows of its own.
  const d = { x: [0.4, 1.3], loss: [2, 1], acc: [0.5, 0.9] };
  const [x2, raw2, , val2] = alignedSeries(d, [h(1, 1.1, 0.71)], 'acc', 0.6);
  assert.deepEqual(x2, [0.4, 1, 1.3]);
  assert.deepEqual(raw2, [0.5, null, 0.9]);
  assert.deepEqual(val2, [null, 0.71, null]);
});

test('history alone (a past run without batch points) charts training and validation per epoch', () => {
  const hist = [
    { epoch: 1, loss: 0.5, acc: 0.8, val_loss: 0.4, val_acc: 0.85, seconds: 1 },
    { epoch: 2, loss: 0.3, acc: 0.9, val_loss: NaN, val_acc: 0.88, seconds: 1 },
  ];
  const [x, raw, train, val] = alignedSeries({ x: [], loss: [], acc: [] }, hist, 'acc', 0.6);
  assert.deepEqual(x, [1, 2]);
  assert.deepEqual(raw, [null, null]);
  assert.deepEqual(train, [0.8, 0.9]);
  assert.deepEqual(val, [0.85, 0.88]);
  assert.deepEqual(alignedSeries({ x: [], loss: [], acc: [] }, hist, 'loss', 0.6)[3], [0.4, null]);
});

// Its speed (a frame, 16 ms, for 47,000 points) is checked by bench/latency.ts.
test('47,000 points are all prepared for the chart', () => {
  const n = 47_000;
  const x = Array.from({ length: n }, (_, i) => (i + 1) / 938);
  const loss = x.map((v) => 2 * Math.exp(-v) + 0.05);
  const hist = Array.from({ length: 50 }, (_, i) => ({ epoch: i + 1, loss: 0, acc: 0, val_loss: 0.1, val_acc: 0.9, seconds: 1 }));
  const [ax, raw] = alignedSeries({ x, loss, acc: loss }, hist, 'loss', 0.6);
  assert.ok(ax.length >= n);
  assert.equal(raw.filter((v) => v !== null).length, n, 'every batch point is drawn');
});

test('both charts come from one merge and share the x array', async () => {
  const { alignedCharts } = await import('../../webview/chartData');
  const series = { x: [0.4, 1.3, 2], loss: [2, 1, 0.5], acc: [0.5, 0.9, 0.95] };
  const hist = [1, 2].map((e) => ({ epoch: e, loss: 0, acc: 0, val_loss: 1 / e, val_acc: [0, 0.81, 0.82][e], seconds: 1 }));
  const { loss, acc } = alignedCharts(series, hist, 0);
  assert.equal(loss[0], acc[0], 'same x array object');
  assert.deepEqual(loss[0], [0.4, 1, 1.3, 2]);
  assert.deepEqual(loss[3], [null, 1, null, 0.5]);
  assert.deepEqual(acc[1], [0.5, null, 0.9, 0.95]);
  assert.deepEqual(acc[3], [null, 0.81, null, 0.82]);
});
