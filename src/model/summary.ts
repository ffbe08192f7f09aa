// Keras-style model summary: the text table (Keras 2 layout as printed in the seed notebook, with
// Keras 3's thousands separators and memory sizes) and the JSON form shared by the CLI and the
// worker protocol.
import type { SummaryInfo } from '../shared/protocol';
import { formatCount, formatShape, type InferResult } from './infer';

export { formatCount, formatShape };

/** Keras assumes float32 weights: 4 bytes per parameter. */
const BYTES_PER_PARAM = 4;

/** Keras 3's readable_memory_size: 246824 -> "241.04 KB", 0 -> "0.00 B" (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  for (const u of units) {
    if (v / 1024 < 1) return `${v.toFixed(2)} ${u}`;
    v /= 1024;
  }
  return `${v.toFixed(2)} PB`;
}

/** "61,706 (241.04 KB)" */
export function formatParamsWithSize(n: number): string {
  return `${formatCount(n)} (${formatBytes(n * BYTES_PER_PARAM)})`;
}

/**
 * The summary table. Columns are Keras's defaults for Sequential models (29/26/10 characters,
 * 65 wide) and grow when a name or shape is longer, instead of Keras's silent truncation.
 */
export function formatSummary(r: InferResult): string {
  const rows = r.layers.map((l) => [`${l.name} (${l.type})`, formatShape(l.outputShape), formatCount(l.params)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [29, 26, 10];
  for (const row of [header, ...rows]) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length + 1)));
  }
  const total = widths.reduce((a, b) => a + b, 0);
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('');
  const out = [`Model: "${r.name}"`, '_'.repeat(total), line(header), '='.repeat(total)];
  rows.forEach((row, i) => {
    out.push(line(row));
    out.push((i === rows.length - 1 ? '=' : '_').repeat(total));
  });
  if (rows.length === 0) out.push('='.repeat(total));
  out.push(
    `Total params: ${formatParamsWithSize(r.totalParams)}`,
    `Trainable params: ${formatParamsWithSize(r.trainableParams)}`,
    `Non-trainable params: ${formatParamsWithSize(r.nonTrainableParams)}`,
    '_'.repeat(total),
  );
  return out.join('\n') + '\n';
}

/** The JSON form: {"layers":[{"name","type","outputShape","params"}],"totalParams",...}. */
export function toSummaryInfo(r: InferResult): SummaryInfo {
  return {
    layers: r.layers.map((l) => ({ name: l.name, type: l.type, outputShape: l.outputShape.slice(), params: l.params })),
    totalParams: r.totalParams,
    trainableParams: r.trainableParams,
    nonTrainableParams: r.nonTrainableParams,
  };
}
