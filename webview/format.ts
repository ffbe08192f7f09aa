// Text formatting for the panel, pure (unit-tested under node). Numbers are formatted the
// same way whatever the browser locale, so screenshots and tests are stable and the summary
// matches Keras's "Total params: 61,706".
import type { EpochMetrics, LayerSummaryRow, SummaryInfo } from '../src/shared/protocol';

/** 61706 -> "61,706" (Keras style, locale independent). */
export function thousands(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const sign = n < 0 ? '-' : '';
  const s = String(Math.round(Math.abs(n)));
  return sign + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** [null, 28, 28, 6] -> "(None, 28, 28, 6)" as Keras prints it. */
export function kerasShape(shape: (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/** "C1 (Conv2D)" like Keras's "Layer (type)" column. */
export function layerLabel(row: LayerSummaryRow): string {
  return `${row.name} (${row.type})`;
}

export interface SummaryView {
  rows: { layer: string; shape: string; params: string }[];
  total: string;
  trainable: string;
  nonTrainable: string;
}

export function summaryView(s: SummaryInfo): SummaryView {
  return {
    rows: s.layers.map((l) => ({ layer: layerLabel(l), shape: kerasShape(l.outputShape), params: thousands(l.params) })),
    total: thousands(s.totalParams),
    trainable: thousands(s.trainableParams),
    nonTrainable: thousands(s.nonTrainableParams),
  };
}

/** Fixed decimals, or an en dash for a missing/non-finite value (NaN loss must not print "NaN"). */
export function fixed(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function percent(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
}

/** Seconds -> "42 s", "3 min 05 s", "1 h 02 min". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function rate(samplesPerSecond: number | undefined): string {
  return samplesPerSecond === undefined || !Number.isFinite(samplesPerSecond)
    ? '–'
    : `${thousands(samplesPerSecond)} samples/s`;
}

/** What the aria-live region says when an epoch ends. */
export function epochAnnouncement(m: EpochMetrics, epochs: number | undefined): string {
  const of = epochs ? ` of ${epochs}` : '';
  return `Epoch ${m.epoch}${of}: accuracy ${fixed(m.acc)}, validation accuracy ${fixed(m.val_acc)}`;
}

/** "Epoch 2/50" for the header; the e2e suite reads this exact shape. */
export function epochText(epoch: number | undefined, epochs: number | undefined): string {
  if (!epochs) return 'Epoch –';
  return `Epoch ${epoch ?? 0}/${epochs}`;
}
