// Checks a training config value by value, so a bad one is rejected before any work starts with a
// message that names the field, the value and what is allowed.
import type { OptimizerName, TrainConfig } from '../shared/protocol';
import { WorkerError } from './errors';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam', 'rmsprop'];
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** The seed's fit(): 50 epochs, batch 64, Keras 'SGD' (lr 0.01). */
export const SEED_DEFAULTS = {
  dataset: 'auto', epochs: 50, batchSize: 64, learningRate: 0.01, optimizer: 'sgd' as OptimizerName,
  backend: 'auto' as const, seed: 42, limit: 0,
};

const KEYS = [
  'dataset', 'epochs', 'batchSize', 'learningRate', 'optimizer', 'backend', 'seed', 'limit', 'outDir', 'cacheDir', 'model', 'source',
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
  const epochs = intAtLeast(c.epochs, 'epochs', 1, 100000);
  const batchSize = intAtLeast(c.batchSize, 'batchSize', 1, 65536);
  const lr = c.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    bad(`learningRate must be a finite number > 0, got ${show(lr)}`);
  }
  const optimizer = c.optimizer;
  if (typeof optimizer !== 'string' || !(OPTIMIZERS as readonly string[]).includes(optimizer)) {
    bad(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${show(optimizer)}`);
  }
  const backend = c.backend;
  if (typeof backend !== 'string' || !(BACKEND_CHOICES as readonly string[]).includes(backend)) {
    bad(`backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${show(backend)}`);
  }
  const seed = intAtLeast(c.seed, 'seed', 0, 2 ** 32 - 1);
  const limit = intAtLeast(c.limit, 'limit (0 = all training images)', 0);
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
  return {
    dataset, epochs, batchSize, learningRate: lr, optimizer: optimizer as OptimizerName,
    backend: backend as TrainConfig['backend'], seed, limit, outDir, cacheDir,
    ...(c.model !== undefined ? { model: c.model as TrainConfig['model'] } : {}),
    ...(c.source !== undefined ? { source: c.source as string } : {}),
  };
}
