// The closed lists and ranges of a training config, in one place: the worker's check, the CLI's
// options, the extension's settings (and, through a test, package.json's enums) all read these.

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** TF.js backends in the order 'auto' tries them. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/**
 * The allowed ranges, one definition for the worker's check and the CLI's (which refuses a bad
 * value before any worker starts). The learning rate is used as a float32: above its largest
 * value (3.4e38) it would be Infinity.
 */
export const LIMITS = {
  epochs: { min: 1, max: 100_000 },
  // The largest training set of the datasets it knows (MNIST's 60,000); a batch larger than the
  // training images a run uses is refused when the data is loaded.
  batchSize: { min: 1, max: 60_000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  limit: { min: 0, max: Number.MAX_SAFE_INTEGER },
  learningRate: { max: 3.4e38 },
} as const;
