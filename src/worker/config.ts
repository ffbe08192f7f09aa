// Checks a training config value by value, so a bad one is rejected before any work starts with a
// message that names the field, the value and what is allowed.
import type { EarlyStoppingConfig, OptimizerName, ReduceLrConfig, TrainConfig } from '../shared/protocol';
import { EARLY_STOPPING_DEFAULTS, MODES, MONITORS, parseLrSchedule, REDUCE_LR_DEFAULTS } from '../shared/callbacks';
import { BACKEND_CHOICES, LIMITS, OPTIMIZERS } from '../shared/trainOptions';
import { WorkerError } from './errors';
import { errorMessage } from '../shared/errors';

export { LIMITS };

const KEYS = [
  'dataset', 'epochs', 'batchSize', 'learningRate', 'optimizer', 'backend', 'seed', 'limit', 'outDir', 'cacheDir', 'model',
  'tensorboard', 'earlyStopping', 'reduceLrOnPlateau', 'lrSchedule', 'initialWeights', 'source', 'resumeFrom',
];

function bad(msg: string): never {
  throw new WorkerError('BAD_CONFIG', msg);
}
const show = (x: unknown) => (typeof x === 'string' ? JSON.stringify(x) : String(x));

function intAtLeast(x: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    bad(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got ${show(x)}`);
  }
  return x;
}

/** Validates every field; throws WorkerError('BAD_CONFIG') naming the first bad one. */
export function validateTrainConfig(raw: unknown): TrainConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('config must be an object');
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!KEYS.includes(k)) bad(`unknown config field ${show(k)} (known: ${KEYS.join(', ')})`);
  }
  const epochs = intAtLeast(c.epochs, 'epochs', LIMITS.epochs.min, LIMITS.epochs.max);
  const batchSize = intAtLeast(c.batchSize, 'batchSize', LIMITS.batchSize.min, LIMITS.batchSize.max);
  const lr = c.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0 || lr > LIMITS.learningRate.max) {
    bad(`learningRate must be a number > 0 and at most ${LIMITS.learningRate.max}, got ${show(lr)}`);
  }
  const optimizer = c.optimizer;
  if (typeof optimizer !== 'string' || !(OPTIMIZERS as readonly string[]).includes(optimizer)) {
    bad(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${show(optimizer)}`);
  }
  const backend = c.backend;
  if (typeof backend !== 'string' || !(BACKEND_CHOICES as readonly string[]).includes(backend)) {
    bad(`backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${show(backend)}`);
  }
  const seed = intAtLeast(c.seed, 'seed', LIMITS.seed.min, LIMITS.seed.max);
  const limit = intAtLeast(c.limit, 'limit (0 = all training images)', LIMITS.limit.min);
  const dataset = c.dataset;
  if (typeof dataset !== 'string' || dataset.trim() === '') bad(`dataset must be a non-empty name, got ${show(dataset)}`);
  const outDir = c.outDir;
  if (typeof outDir !== 'string' || outDir.trim() === '') bad(`outDir must be a folder path, got ${show(outDir)}`);
  const cacheDir = c.cacheDir ?? '';
  if (typeof cacheDir !== 'string') bad(`cacheDir must be a folder path, got ${show(cacheDir)}`);
  if (c.model !== undefined && (typeof c.model !== 'object' || c.model === null || Array.isArray(c.model))) {
    bad('model must be a model spec object ({inputShape, layers})');
  }
  if (c.source !== undefined && (typeof c.source !== 'string' || c.source.length > 4096)) bad(`source must be the model file's URI or path, got ${show(c.source)}`);
  if (c.resumeFrom !== undefined && (typeof c.resumeFrom !== 'string' || c.resumeFrom.trim() === '')) bad(`resumeFrom must be a run folder's path, got ${show(c.resumeFrom)}`);
  return {
    dataset, epochs, batchSize, learningRate: lr, optimizer: optimizer as OptimizerName,
    backend: backend as TrainConfig['backend'], seed, limit, outDir, cacheDir,
    ...(c.model !== undefined ? { model: c.model as TrainConfig['model'] } : {}),
    ...validateCallbackFields(c, epochs),
    ...(c.source !== undefined ? { source: c.source as string } : {}),
    ...(c.resumeFrom !== undefined ? { resumeFrom: c.resumeFrom as string } : {}),
  };
}

function num(x: unknown, name: string, ok: (n: number) => boolean, allowed: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) bad(`${name} must be ${allowed}, got ${show(x)}`);
  return x;
}

function oneOf<T extends string>(x: unknown, name: string, allowed: readonly T[]): T {
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) bad(`${name} must be one of ${allowed.join(', ')}, got ${show(x)}`);
  return x as T;
}

/** An options object: absent fields take Keras's defaults, unknown ones are refused. */
function options<T extends object>(x: unknown, name: string, defaults: T): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) bad(`${name} must be an object`);
  for (const k of Object.keys(x)) {
    if (!(k in defaults)) bad(`unknown ${name} field ${show(k)} (known: ${Object.keys(defaults).join(', ')})`);
  }
  return { ...defaults, ...(x as Record<string, unknown>) };
}

/** tensorboard, earlyStopping, reduceLrOnPlateau, lrSchedule: only the fields that are set. */
function validateCallbackFields(c: Record<string, unknown>, epochs: number): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  if (c.initialWeights !== undefined) {
    if (typeof c.initialWeights !== 'string' || !c.initialWeights.trim()) bad(`initialWeights must be the path of a Keras .h5 file, got ${show(c.initialWeights)}`);
    out.initialWeights = c.initialWeights;
  }
  if (c.tensorboard !== undefined) {
    if (typeof c.tensorboard !== 'boolean') bad(`tensorboard must be true or false, got ${show(c.tensorboard)}`);
    out.tensorboard = c.tensorboard;
  }
  if (c.earlyStopping !== undefined) {
    const o = options(c.earlyStopping, 'earlyStopping', EARLY_STOPPING_DEFAULTS);
    if (typeof o.restoreBestWeights !== 'boolean') bad(`earlyStopping.restoreBestWeights must be true or false, got ${show(o.restoreBestWeights)}`);
    out.earlyStopping = {
      monitor: oneOf(o.monitor, 'earlyStopping.monitor', MONITORS),
      minDelta: num(o.minDelta, 'earlyStopping.minDelta', (n) => n >= 0, 'a number >= 0'),
      patience: intAtLeast(o.patience, 'earlyStopping.patience', 0),
      mode: oneOf(o.mode, 'earlyStopping.mode', MODES),
      restoreBestWeights: o.restoreBestWeights,
    } satisfies EarlyStoppingConfig;
  }
  if (c.reduceLrOnPlateau !== undefined) {
    const o = options(c.reduceLrOnPlateau, 'reduceLrOnPlateau', REDUCE_LR_DEFAULTS);
    out.reduceLrOnPlateau = {
      monitor: oneOf(o.monitor, 'reduceLrOnPlateau.monitor', MONITORS),
      factor: num(o.factor, 'reduceLrOnPlateau.factor', (n) => n > 0 && n < 1, 'a number > 0 and < 1'),
      patience: intAtLeast(o.patience, 'reduceLrOnPlateau.patience', 0),
      minLr: num(o.minLr, 'reduceLrOnPlateau.minLr', (n) => n >= 0, 'a number >= 0'),
      minDelta: num(o.minDelta, 'reduceLrOnPlateau.minDelta', (n) => n >= 0, 'a number >= 0'),
      cooldown: intAtLeast(o.cooldown, 'reduceLrOnPlateau.cooldown', 0),
      mode: oneOf(o.mode, 'reduceLrOnPlateau.mode', MODES),
    } satisfies ReduceLrConfig;
  }
  if (c.lrSchedule !== undefined) {
    if (typeof c.lrSchedule !== 'string') bad(`lrSchedule must be a string, got ${show(c.lrSchedule)}`);
    try {
      parseLrSchedule(c.lrSchedule, epochs);
    } catch (err) {
      bad(errorMessage(err));
    }
    if (out.reduceLrOnPlateau) bad('use either lrSchedule or reduceLrOnPlateau, not both (the schedule would undo every reduction)');
    out.lrSchedule = c.lrSchedule;
  }
  return out;
}
