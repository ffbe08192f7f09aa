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
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) { out[i] = null; continue; }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = weight === 0 ? v : last / (1 - Math.pow(weight, n));
  }
  return out;
}

/** Aligned uPlot data: [x, training raw, training smoothed, validation]. */
export type AlignedData = [number[], (number | null)[], (number | null)[], (number | null)[]];

export type Metric = 'loss' | 'acc';

/**
 * Merges the batch series (x = fractional epoch) with the validation points (x = epoch number,
 * the end of that epoch). Both inputs are sorted by x, so this is one O(n) pass.
 */
export function alignedSeries(
  batches: BatchSeries, history: EpochMetrics[], metric: Metric, smoothing: number,
): AlignedData {
  const bx = batches.x;
  const by = metric === 'loss' ? batches.loss : batches.acc;
  const n = Math.min(bx.length, by.length);
  const smooth = emaSmooth(n === by.length ? by : by.slice(0, n), smoothing);
  const vx = history.map((h) => h.epoch);
  const vy = history.map((h) => (metric === 'loss' ? h.val_loss : h.val_acc));
  const x: number[] = [];
  const raw: (number | null)[] = [];
  const sm: (number | null)[] = [];
  const val: (number | null)[] = [];
  let i = 0, j = 0;
  while (i < n || j < vx.length) {
    const xi = i < n ? bx[i] : Infinity;
    const xj = j < vx.length ? vx[j] : Infinity;
    if (xi < xj) {
      x.push(xi); raw.push(finiteOrNull(by[i])); sm.push(smooth[i]); val.push(null); i++;
    } else if (xj < xi) {
      x.push(xj); raw.push(null); sm.push(null); val.push(finiteOrNull(vy[j])); j++;
    } else {
      x.push(xi); raw.push(finiteOrNull(by[i])); sm.push(smooth[i]); val.push(finiteOrNull(vy[j])); i++; j++;
    }
  }
  return [x, raw, sm, val];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
