// How big a run's dataset is, in one wording for the panel, the status/output channel and the CLI:
// the images the run trains on first, and the dataset's own size when a limit uses fewer.
export interface DatasetSizes {
  /** Training images the run uses (after the limit). */
  train: number;
  /** Training images in the dataset; absent from older workers and run folders. */
  available?: number;
  test: number;
}

const int = (n: number) => n.toLocaleString('en-US');

/** "2,000 of 8,000 train / 2,000 test", or "8,000 train / 2,000 test" when all are used. */
export function datasetSizeText(d: DatasetSizes): string {
  const of = d.available !== undefined && d.available > d.train ? ` of ${int(d.available)}` : '';
  return `${int(d.train)}${of} train / ${int(d.test)} test`;
}
