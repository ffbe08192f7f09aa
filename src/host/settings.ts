// Reads the lenet.* settings into a TrainConfig, or says exactly which setting is wrong and why.
// Pure (no vscode import): the extension passes a getter over its WorkspaceConfiguration, so the
// rules are unit-tested without VS Code. The worker validates the config again on its side.
import { isAbsolute, join, resolve } from 'node:path';
import type { TrainConfig } from '../shared/protocol';
import { BACKEND_CHOICES, LIMITS, OPTIMIZERS } from '../shared/trainOptions';
import { readCallbackSettings } from './callbackSettings';

export { OPTIMIZERS, BACKEND_CHOICES as BACKENDS };
export const NAMED_DATASETS = ['auto', 'mnist-sample', 'mnist', 'fashion-mnist'] as const;
export const MAX_BATCH_SIZE = LIMITS.batchSize.max;
export const MAX_EPOCHS = LIMITS.epochs.max;
export const MAX_SEED = LIMITS.seed.max;

/** Where settings-relative paths and the default output folder live. */
export interface SettingsContext {
  /** First workspace folder, when one is open. */
  workspaceFolder?: string;
  /** The extension's global storage folder (used when no folder is open). */
  globalStorage: string;
}

export type SettingsResult =
  | { ok: true; config: TrainConfig }
  | { ok: false; errors: string[] };

/** `get('epochs')` returns the effective value of lenet.epochs (undefined = not set). */
export type SettingGetter = (key: string) => unknown;

const show = (x: unknown): string =>
  x === undefined ? 'nothing' : typeof x === 'string' ? JSON.stringify(x) : Array.isArray(x) ? 'a list' : typeof x === 'object' && x !== null ? 'an object' : String(x);

/** The default output folder: .lenet/runs in the workspace, else the extension's global storage. */
export function defaultOutputDirectory(ctx: SettingsContext): string {
  return ctx.workspaceFolder ? join(ctx.workspaceFolder, '.lenet', 'runs') : join(ctx.globalStorage, 'runs');
}

/** Dataset cache: downloads are shared by every workspace. */
export function datasetCacheDir(globalStorage: string): string {
  return join(globalStorage, 'datasets');
}

/**
 * A path from a setting: ${workspaceFolder} and a leading ~ expanded; a relative path is taken
 * relative to the workspace folder (or, without one, to `fallbackBase`).
 */
export function resolveSettingPath(p: string, ctx: SettingsContext, fallbackBase: string, home = process.env.HOME ?? ''): string {
  let s = p.trim();
  if (ctx.workspaceFolder) s = s.split('${workspaceFolder}').join(ctx.workspaceFolder);
  if ((s === '~' || s.startsWith('~/')) && home) s = join(home, s.slice(1));
  if (isAbsolute(s)) return resolve(s);
  return resolve(ctx.workspaceFolder ?? fallbackBase, s);
}

/**
 * Validates every lenet.* setting and builds the worker's TrainConfig. All problems are
 * reported at once (one line each, naming the setting, the value and what is allowed).
 */
export function readTrainSettings(get: SettingGetter, ctx: SettingsContext): SettingsResult {
  const errors: string[] = [];
  const fail = (key: string, rule: string, value: unknown) =>
    errors.push(`"lenet.${key}" ${rule}, but it is ${show(value)}.`);

  const int = (key: string, min: number, max: number, fallback: number): number => {
    const v = get(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(key, max >= Number.MAX_SAFE_INTEGER ? `must be a whole number >= ${min}` : `must be a whole number from ${min} to ${max.toLocaleString('en-US')}`, v);
      return fallback;
    }
    return v;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = get(key) ?? fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      fail(key, `must be one of ${allowed.join(', ')}`, v);
      return fallback;
    }
    return v as T;
  };

  const epochs = int('epochs', 1, MAX_EPOCHS, 50);
  const batchSize = int('batchSize', 1, MAX_BATCH_SIZE, 64);
  const lrRaw = get('learningRate') ?? 0.01;
  let learningRate = 0.01;
  if (typeof lrRaw !== 'number' || !Number.isFinite(lrRaw) || lrRaw <= 0) {
    fail('learningRate', 'must be a number greater than 0 (for example 0.01)', lrRaw);
  } else {
    learningRate = lrRaw;
  }
  const optimizer = oneOf('optimizer', OPTIMIZERS, 'sgd');
  const backend = oneOf('backend', BACKEND_CHOICES, 'auto');
  const seed = int('seed', 0, MAX_SEED, 42);
  const limit = int('dataLimit', 0, Number.MAX_SAFE_INTEGER, 0);

  const fallbackBase = join(ctx.globalStorage, 'runs');
  let dataset = 'auto';
  const ds = get('dataset') ?? 'auto';
  const dsRule = `must be ${NAMED_DATASETS.join(', ')}, idx:<folder with the 4 IDX files> or npz:<mnist.npz file>`;
  if (typeof ds !== 'string' || ds.trim() === '') {
    fail('dataset', dsRule, ds);
  } else if ((NAMED_DATASETS as readonly string[]).includes(ds.trim())) {
    dataset = ds.trim();
  } else {
    const m = /^(idx|npz):(.*)$/.exec(ds.trim());
    if (!m) {
      fail('dataset', dsRule, ds);
    } else if (m[2].trim() === '') {
      fail('dataset', `needs a path after "${m[1]}:"`, ds);
    } else if (!ctx.workspaceFolder && !isAbsolute(m[2].trim()) && !m[2].trim().startsWith('~') ) {
      fail('dataset', 'needs an absolute path when no folder is open', ds);
    } else {
      dataset = `${m[1]}:${resolveSettingPath(m[2], ctx, fallbackBase)}`;
    }
  }

  const od = get('outputDirectory') ?? '';
  if (typeof od !== 'string') fail('outputDirectory', 'must be a folder path, or empty for .lenet/runs in the workspace', od);
  const outDir = readOutputDirectory(get, ctx);
  const callbacks = readCallbackSettings(get, fail);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      dataset, epochs, batchSize, learningRate, optimizer, backend, seed, limit, outDir,
      cacheDir: datasetCacheDir(ctx.globalStorage),
      ...callbacks,
    },
  };
}

/** The output folder alone (to list runs without starting one); a bad value gives the default. */
export function readOutputDirectory(get: SettingGetter, ctx: SettingsContext): string {
  const od = get('outputDirectory');
  if (typeof od !== 'string' || od.trim() === '') return defaultOutputDirectory(ctx);
  return resolveSettingPath(od, ctx, join(ctx.globalStorage, 'runs'));
}

/** One message for a notification: the problems, then where to fix them. */
export function settingsErrorMessage(errors: string[]): string {
  const head = errors.length === 1 ? 'LeNet: invalid setting, training not started. ' : `LeNet: ${errors.length} invalid settings, training not started. `;
  return `${head}${errors.join(' ')} Fix it in Settings (search "lenet").`;
}
