// Evaluation view data, pure (unit-tested under node).

export interface ConfusionCell {
  row: number; // true label
  col: number; // predicted label
  count: number;
  /** 0..1 colour intensity: diagonal = recall of the row; off-diagonal = share of the worst confusion. */
  heat: number;
  correct: boolean;
}

/**
 * Cells of a confusion matrix (rows = true class, columns = predicted). The diagonal and the errors
 * get separate scales: with 98% accuracy one shared scale would paint every error cell blank.
 */
export function confusionCells(confusion: number[][]): ConfusionCell[] {
  const k = confusion.length;
  for (const [r, row] of confusion.entries()) {
    if (!Array.isArray(row) || row.length !== k) {
      throw new Error(`confusion matrix row ${r} has ${Array.isArray(row) ? row.length : 'no'} columns, expected ${k}`);
    }
  }
  let maxOff = 0;
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) if (r !== c) maxOff = Math.max(maxOff, confusion[r][c]);
  const cells: ConfusionCell[] = [];
  for (let r = 0; r < k; r++) {
    const rowTotal = confusion[r].reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) {
      const count = confusion[r][c];
      const correct = r === c;
      const heat = correct ? (rowTotal > 0 ? count / rowTotal : 0) : (maxOff > 0 ? count / maxOff : 0);
      cells.push({ row: r, col: c, count, heat, correct });
    }
  }
  return cells;
}

export function confusionTotal(confusion: number[][]): number {
  return confusion.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
}

/** 784 values 0..255 -> RGBA bytes (white ink on black, like the dataset renders). */
export function pixelsToRgba(pixels: ArrayLike<number>, scale255 = true): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) {
    const v = scale255 ? pixels[i] : pixels[i] * 255;
    rgba[i * 4] = v; rgba[i * 4 + 1] = v; rgba[i * 4 + 2] = v; rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** Class names for display: the dataset's, or the digits 0..9. */
export function classNames(classes: string[] | undefined, k = 10): string[] {
  return classes && classes.length === k ? classes : Array.from({ length: k }, (_, i) => String(i));
}
