// Runtime checks for every message crossing the worker boundary. Both sides call these on receipt:
// a message that fails is dropped with the returned reason, never half-trusted. Table-driven: one
// field table per message type; no dependencies so the webview/extension can share it.
import { IMAGE_PIXELS, NUM_CLASSES } from './geometry';
import { MAX_TEST_IMAGES, PROTOCOL_VERSION } from './protocol';
import type { WorkerCommand, WorkerEvent } from './protocol';

/** Returns an error string (what is wrong, at which path) or null when the value is fine. */
type Check = (x: unknown, path: string) => string | null;

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const str: Check = (x, p) => (typeof x === 'string' ? null : `${p} must be a string`);
const bool: Check = (x, p) => (typeof x === 'boolean' ? null : `${p} must be a boolean`);
const num: Check = (x, p) => (typeof x === 'number' && Number.isFinite(x) ? null : `${p} must be a finite number`);
/** Losses may legitimately diverge to NaN/Infinity; they must still be numbers. */
const metric: Check = (x, p) => (typeof x === 'number' ? null : `${p} must be a number`);
const int: Check = (x, p) => (Number.isInteger(x) ? null : `${p} must be an integer`);
const nat: Check = (x, p) => (Number.isInteger(x) && (x as number) >= 0 ? null : `${p} must be an integer >= 0`);
const pos: Check = (x, p) => (Number.isInteger(x) && (x as number) >= 1 ? null : `${p} must be an integer >= 1`);
const oneOf = (...vals: string[]): Check => (x, p) =>
  typeof x === 'string' && vals.includes(x) ? null : `${p} must be one of ${vals.join(', ')}`;
const optional = (c: Check): Check => (x, p) => (x === undefined ? null : c(x, p));
const nullable = (c: Check): Check => (x, p) => (x === null ? null : c(x, p));
const arrayOf = (c: Check, len?: number): Check => (x, p) => {
  if (!Array.isArray(x)) return `${p} must be an array`;
  if (len !== undefined && x.length !== len) return `${p} must have ${len} items, got ${x.length}`;
  for (let i = 0; i < x.length; i++) {
    const e = c(x[i], `${p}[${i}]`);
    if (e) return e;
  }
  return null;
};
const record = (c: Check): Check => (x, p) => {
  if (!isObj(x)) return `${p} must be an object`;
  for (const [k, v] of Object.entries(x)) {
    const e = c(v, `${p}.${k}`);
    if (e) return e;
  }
  return null;
};
/** An array of at most `max` items. */
const listOf = (c: Check, max: number): Check => (x, p) =>
  Array.isArray(x) && x.length > max ? `${p} must have at most ${max} items, got ${x.length}` : arrayOf(c)(x, p);
type Fields = Record<string, Check>;
const object = (fields: Fields): Check => (x, p) => {
  if (!isObj(x)) return `${p} must be an object`;
  for (const [k, c] of Object.entries(fields)) {
    const e = c(x[k], `${p}.${k}`);
    if (e) return e;
  }
  return null;
};
const pixel: Check = (x, p) => (typeof x === 'number' && x >= 0 && x <= 255 ? null : `${p} must be a number 0..255`);
const prob: Check = (x, p) => (typeof x === 'number' && x >= 0 && x <= 1 ? null : `${p} must be a probability 0..1`);

const BACKENDS = ['tensorflow', 'wasm', 'cpu'];
const ERROR_CODES = [
  'BAD_CONFIG', 'BAD_MESSAGE', 'DATA', 'DOWNLOAD', 'OFFLINE', 'BACKEND', 'MODEL',
  'NO_MODEL', 'BUSY', 'WORKER_EXITED', 'DISK', 'DIVERGED', 'TIMEOUT', 'INTERNAL', 'RESUME',
];

/** A long array of numbers (tensor values), checked without building a path string per item. */
const numbers = (finite: boolean): Check => (x, p) => {
  if (!Array.isArray(x)) return `${p} must be an array`;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || (finite && !Number.isFinite(v))) return `${p}[${i}] must be a ${finite ? 'finite ' : ''}number`;
  }
  return null;
};

// Activations may be NaN or infinite in a diverged model: numbers, not necessarily finite.
const tensorValues: Fields = {
  shape: arrayOf(nat), min: metric, max: metric, mean: metric, values: numbers(false), shown: optional(arrayOf(nat)),
};

const epochMetrics: Fields = {
  epoch: pos, loss: metric, acc: metric, val_loss: metric, val_acc: metric, seconds: num,
  learning_rate: optional(num),
};

const classMetrics: Fields = { precision: num, recall: num, f1: num, support: nat };

/** One cell's lists: indices of images the matrix counts there, each with its two probabilities. */
const misclassifiedCell: Check = (x, p) => {
  const e = object({ label: nat, predicted: nat, indices: numbers(true), probability: numbers(true), trueProbability: numbers(true) })(x, p);
  if (e) return e;
  const c = x as { label: number; predicted: number; indices: number[]; probability: number[]; trueProbability: number[] };
  if (c.label >= NUM_CLASSES || c.predicted >= NUM_CLASSES || c.label === c.predicted) return `${p} must be an off-diagonal cell of the ${NUM_CLASSES}x${NUM_CLASSES} matrix`;
  const n = c.indices.length;
  if (c.probability.length !== n || c.trueProbability.length !== n) return `${p}: indices, probability and trueProbability must have the same length`;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(c.indices[i]) || c.indices[i] < 0) return `${p}.indices[${i}] must be an integer >= 0`;
    if (prob(c.probability[i], '') || prob(c.trueProbability[i], '')) return `${p}: probabilities at ${i} must be 0..1`;
  }
  return null;
};

const EVENTS: Record<WorkerEvent['type'], Fields> = {
  ready: { backend: oneOf(...BACKENDS), reason: str, versions: record(str) },
  downloadProgress: { file: str, bytes: nat, total: nat },
  dataset: { name: str, source: str, train: nat, available: optional(nat), test: nat, classes: arrayOf(str) },
  summary: {
    layers: arrayOf(object({ name: str, type: str, outputShape: arrayOf(nullable(nat)), params: nat })),
    totalParams: nat, trainableParams: nat, nonTrainableParams: nat,
  },
  epochBegin: { epoch: pos, epochs: pos, batches: nat, numTensors: optional(nat), runDir: optional(str) },
  batchEnd: { epoch: pos, batch: pos, batches: pos, loss: metric, acc: metric },
  epochEnd: { ...epochMetrics, epochs: pos, samplesPerSecond: num, numTensors: optional(nat) },
  stopped: { epoch: nat, batch: nat },
  callback: {
    epoch: pos, callback: oneOf('EarlyStopping', 'ReduceLROnPlateau', 'LearningRateScheduler'), message: str,
    learningRate: optional(num),
  },
  done: { history: arrayOf(object(epochMetrics)), runDir: str, stopped: bool },
  evaluation: {
    modelDir: str, dataset: str, classes: arrayOf(str), loss: metric, acc: num,
    confusion: arrayOf(arrayOf(nat, NUM_CLASSES), NUM_CLASSES),
    perClass: arrayOf(object(classMetrics), NUM_CLASSES),
    averages: object({ macro: object(classMetrics), weighted: object(classMetrics) }),
    misclassified: arrayOf(misclassifiedCell),
  },
  testImages: { id: int, dataset: str, images: listOf(object({ index: nat, label: nat, pixels: arrayOf(pixel, IMAGE_PIXELS) }), MAX_TEST_IMAGES) },
  prediction: { id: int, probabilities: arrayOf(prob, NUM_CLASSES) },
  activations: {
    id: int, model: str,
    input: object({
      kind: oneOf('pixels', 'test'), index: optional(nat), label: optional(nat), dataset: optional(str),
      shape: arrayOf(nat), values: numbers(true),
    }),
    layers: arrayOf(object({
      name: str, type: str, ...tensorValues,
      window: optional(object({ kernel: arrayOf(pos, 2), strides: arrayOf(pos, 2), padding: oneOf('valid', 'same'), dilation: arrayOf(pos, 2) })),
    })),
    kernels: arrayOf(object({ layer: str, name: str, ...tensorValues })),
    notes: arrayOf(str),
  },
  log: { level: oneOf('info', 'warn'), message: str },
  trainStep: { name: str, label: str, reason: optional(str) },
  error: { code: oneOf(...ERROR_CODES), message: str, id: optional(int) },
};

const trainConfig = object({
  dataset: str, epochs: num, batchSize: num, learningRate: num,
  optimizer: str, backend: str, seed: num, limit: num, outDir: str, cacheDir: str,
  // The model spec is checked in depth by the model core's parser in the worker.
  model: optional((x, p) => (isObj(x) ? null : `${p} must be an object`)),
  tensorboard: optional(bool),
  initialWeights: optional(str),
  earlyStopping: optional((x, p) => (isObj(x) ? null : `${p} must be an object`)),
  reduceLrOnPlateau: optional((x, p) => (isObj(x) ? null : `${p} must be an object`)),
  lrSchedule: optional(str),
  resumeFrom: optional(str),
  source: optional(str),
});
// Command fields are checked for type only; the worker validates values (ranges, names) itself so
// that it can answer with a precise BAD_CONFIG error instead of a dropped message.
const COMMANDS: Record<WorkerCommand['type'], Fields> = {
  train: { config: trainConfig },
  stop: {},
  evaluate: {
    modelDir: optional(str), dataset: optional(str), outDir: optional(str), cacheDir: optional(str),
    backend: optional(oneOf('auto', ...BACKENDS)),
  },
  predict: { id: int, pixels: arrayOf(num, IMAGE_PIXELS), modelDir: optional(str), outDir: optional(str) },
  testImages: { id: int, dataset: str, cacheDir: optional(str), indices: listOf(nat, MAX_TEST_IMAGES) },
  activations: {
    id: int, modelDir: optional(str), outDir: optional(str), cacheDir: optional(str),
    pixels: optional(numbers(true)), testIndex: optional(int), layer: optional(str),
  },
  shutdown: {},
};

function parse<T>(x: unknown, table: Record<string, Fields>, what: string): T | string {
  if (!isObj(x)) return `${what} must be an object`;
  if (x.v !== PROTOCOL_VERSION) {
    return `${what} has protocol version ${JSON.stringify(x.v)}, expected ${PROTOCOL_VERSION} (rebuild both sides)`;
  }
  const type = x.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(table, type)) {
    return `${what} has unknown type ${JSON.stringify(type)}`;
  }
  const err = object(table[type])(x, type);
  return err ? `invalid ${what}: ${err}` : (x as T);
}

/** The event, or a string saying what is wrong with it. */
export function parseWorkerEvent(x: unknown): WorkerEvent | string {
  return parse<WorkerEvent>(x, EVENTS, 'worker event');
}

/** The command, or a string saying what is wrong with it. */
export function parseWorkerCommand(x: unknown): WorkerCommand | string {
  return parse<WorkerCommand>(x, COMMANDS, 'worker command');
}
