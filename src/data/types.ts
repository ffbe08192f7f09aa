// The in-memory form every loader returns. Images are float32 in 0..1, N x 28 x 28 x 1 laid out
// row-major (so N*784 values), ready for tf.tensor4d(images, [count, 28, 28, 1]).

export interface Split {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  /** The name it was loaded under (after `auto` resolved: e.g. "mnist-sample"). */
  name: string;
  /** Human-readable origin: which files or URLs, and for `auto` why this one was chosen. */
  source: string;
  classes: string[];
  train: Split;
  test: Split;
}

export type ProgressCallback = (file: string, bytes: number, total: number) => void;
