// Data preparation for the charts, pure (unit-tested under node, timed in the browser bench).
// uPlot wants one shared x array with every series aligned to it; the per-batch training series
// and the per-epoch validation series are merged here with nulls where a series has no value.
import type { EpochMetrics } from '../src/shared/protocol';
import type { BatchSeries } from '../src/shared/webviewProtocol';

/**
 * TensorBoard's smoothing: an exponential moving average with debiasing (so the first points are
 * not pulled towards 0). weight 0 = raw values, 0.99 = very smooth. Non-finite inputs (a NaN loss)
 * are passed through as null and do not poison the average.
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new Error(`emaSmooth: weight must be in [0, 1), got ${weight}`);
  }
  const out = new Array<number | null>(values.length);
  let last = 0;
  let pow = 1; // weight^n, kept as a running product (no Math.pow per point)
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out[i] = null; continue; }
    last = last * weight + (1 - weight) * v;
    pow *= weight;
    out[i] = weight === 0 ? v : last / (1 - pow);
  }
  return out;
}

/** Aligned uPlot data: [x, training raw, training smoothed, validation]. */
export type AlignedData = [number[], (number | null)[], (number | null)[], (number | null)[]];

export type Metric = 'loss' | 'acc';

/**
 * Merges the batch series (x = fractional epoch) with the validation points (x = epoch number,
 * the end of that epoch) for both metrics at once: the merge order is computed a single time and
 * the two charts share one x array. Both inputs are sorted by x, so this is O(n).
 */
export function alignedCharts(
  batches: BatchSeries, history: EpochMetrics[], smoothing: number,
): { loss: AlignedData; acc: AlignedData } {
  const bx = batches.x;
  const n = Math.min(bx.length, batches.loss.length, batches.acc.length);
  const vx = history.map((h) => h.epoch);
  if (n === 0) {
    // A past run opened from disk has per-epoch metrics only: draw its training curve per epoch
    // (the epoch means Keras logs) in the "train" series, next to validation.
    const row = (train: number[], val: number[]): AlignedData =>
      [vx, vx.map(() => null), train.map(finiteOrNull), val.map(finiteOrNull)];
    return {
      loss: row(history.map((h) => h.loss), history.map((h) => h.val_loss)),
      acc: row(history.map((h) => h.acc), history.map((h) => h.val_acc)),
    };
  }
  // Row of every batch point and validation point in the merged table.
  const batchRow = new Int32Array(n);
  const valRow = new Int32Array(vx.length);
  let i = 0, j = 0, rows = 0;
  while (i < n || j < vx.length) {
    const xi = i < n ? bx[i] : Infinity;
    const xj = j < vx.length ? vx[j] : Infinity;
    if (xi < xj) batchRow[i++] = rows;
    else if (xj < xi) valRow[j++] = rows;
    else { batchRow[i++] = rows; valRow[j++] = rows; }
    rows++;
  }
  const x = new Array<number>(rows);
  for (let k = 0; k < n; k++) x[batchRow[k]] = bx[k];
  for (let k = 0; k < vx.length; k++) x[valRow[k]] = vx[k];
  const table = (by: number[], vy: number[]): AlignedData => {
    const src = by.length === n ? by : by.slice(0, n);
    const smooth = emaSmooth(src, smoothing);
    const raw = new Array<number | null>(rows).fill(null);
    const sm = new Array<number | null>(rows).fill(null);
    const val = new Array<number | null>(rows).fill(null);
    for (let k = 0; k < n; k++) {
      raw[batchRow[k]] = finiteOrNull(src[k]);
      sm[batchRow[k]] = smooth[k];
    }
    for (let k = 0; k < vy.length; k++) val[valRow[k]] = finiteOrNull(vy[k]);
    return [x, raw, sm, val];
  };
  return {
    loss: table(batches.loss, history.map((h) => h.val_loss)),
    acc: table(batches.acc, history.map((h) => h.val_acc)),
  };
}

/** One metric's aligned table (see alignedCharts). */
export function alignedSeries(
  batches: BatchSeries, history: EpochMetrics[], metric: Metric, smoothing: number,
): AlignedData {
  return alignedCharts(batches, history, smoothing)[metric];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
