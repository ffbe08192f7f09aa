// Whether a run folder can be resumed, read from its files alone (no tfjs): the CLI checks it
// before a worker starts, the extension lists the runs it offers, and the worker checks it again
// before it touches the folder. A refusal says what, where and what to do, and changes nothing.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './errors';
import type { BackendChoice, TrainConfig } from './protocol';
import { readSmallFile } from './smallFile';

/** The resume point inside a run folder, replaced as a whole at the end of every epoch. */
export const CHECKPOINT_DIR = 'checkpoint';
export const CHECKPOINT_STATE_FILE = 'state.json';
export const CHECKPOINT_FORMAT = 'lenet-lab-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** completed / stopped / failed from summary.json; interrupted: no summary.json (killed, or still running). */
export type ResumableStatus = 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface Resumable {
  runDir: string;
  /** The total of epochs the run was asked for (config.json). */
  epochs: number;
  /** Epochs completed and checkpointed: training continues after this one. */
  done: number;
  status: ResumableStatus;
  /** config.json's model spec (absent: the seed's LeNet-5), unchecked. */
  model?: unknown;
}

export class ResumeError extends UserError<'RESUME'> {
  /** damaged: a file of the run is broken (a runtime error); else the request was wrong (a usage error). */
  constructor(message: string, readonly damaged = false) {
    super('RESUME', message);
    this.name = 'ResumeError';
  }
}

const MAX_JSON_BYTES = 16 << 20;

function readJsonObject(path: string): Record<string, unknown> | 'missing' | string {
  let text: string;
  try {
    text = readSmallFile(path, MAX_JSON_BYTES);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
  }
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : 'it is not a JSON object';
  } catch (err) {
    return `it is not valid JSON (${(err as Error).message})`;
  }
}

/** Epochs of metrics.csv (its data rows), 0 when it is missing. */
function csvRows(runDir: string): number {
  try {
    return readSmallFile(join(runDir, 'metrics.csv'), MAX_JSON_BYTES).split('\n').slice(1).filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

/** Reads what resuming runDir needs to know; throws ResumeError when it is no run folder or is damaged. */
export function readResumable(dir: string): Resumable {
  const runDir = resolve(dir);
  let isDir: boolean;
  try {
    isDir = statSync(runDir).isDirectory();
  } catch {
    throw new ResumeError(`cannot resume ${runDir}: no such folder; pass a run folder (e.g. .lenet/runs/20260101-120000)`);
  }
  if (!isDir) throw new ResumeError(`cannot resume ${runDir}: it is a file; pass a run folder (e.g. .lenet/runs/20260101-120000)`);
  const config = readJsonObject(join(runDir, 'config.json'));
  if (config === 'missing') {
    throw new ResumeError(`cannot resume ${runDir}: it is not a run folder (no config.json); pass a folder made by lenet-lab train or LeNet: Start Training`);
  }
  if (typeof config === 'string') throw new ResumeError(`cannot resume ${runDir}: its config.json is damaged (${config}); start a new run`, true);
  const epochs = config.epochs;
  if (!Number.isInteger(epochs) || (epochs as number) < 1) {
    throw new ResumeError(`cannot resume ${runDir}: its config.json has no valid epochs (${JSON.stringify(epochs)}); start a new run`, true);
  }
  const summary = readJsonObject(join(runDir, 'summary.json'));
  const status: ResumableStatus = typeof summary === 'object' && ['completed', 'stopped', 'failed'].includes(summary.status as string)
    ? (summary.status as ResumableStatus) : 'interrupted';
  if (status === 'completed' && typeof summary === 'object' && summary.stoppedEarly) {
    throw new ResumeError(`cannot resume ${runDir}: EarlyStopping ended it at epoch ${summary.stoppedEarly} (nothing improved); start a new run to train further`);
  }
  const statePath = join(runDir, CHECKPOINT_DIR, CHECKPOINT_STATE_FILE);
  const state = readJsonObject(statePath);
  let done = 0;
  if (state === 'missing') {
    const rows = csvRows(runDir);
    if (rows > 0) {
      throw new ResumeError(`cannot resume ${runDir}: it has ${rows} finished epoch${rows === 1 ? '' : 's'} but no ${CHECKPOINT_DIR}/${CHECKPOINT_STATE_FILE} (made before runs could be resumed, or the checkpoint was deleted); its model can still be evaluated and exported; start a new run to train further`);
    }
  } else if (typeof state === 'string') {
    throw new ResumeError(`cannot resume ${runDir}: ${statePath} is damaged (${state}); the run's files are untouched; start a new run`, true);
  } else {
    if (state.format !== CHECKPOINT_FORMAT || state.version !== CHECKPOINT_VERSION || !Number.isInteger(state.epoch) || (state.epoch as number) < 1) {
      throw new ResumeError(`cannot resume ${runDir}: ${statePath} is not a ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} file with a completed epoch; the run's files are untouched; start a new run`, true);
    }
    done = state.epoch as number;
  }
  return { runDir, epochs: epochs as number, done, status, ...(config.model !== undefined ? { model: config.model } : {}) };
}

/**
 * The total of epochs a resume trains to: `requested` (default: the run's own total), which must be
 * more than the epochs already done.
 */
export function resumeTotal(r: Resumable, requested?: number): number {
  const total = requested ?? r.epochs;
  if (total > r.done) return total;
  const how = `give a total larger than ${r.done} (--epochs, or the Resume command's epochs)`;
  if (r.status === 'completed' && requested === undefined) {
    throw new ResumeError(`cannot resume ${r.runDir}: it is complete (${r.done} of ${r.epochs} epochs); to train it further, ${how}`);
  }
  throw new ResumeError(`cannot resume ${r.runDir} to ${total} epochs: it already has ${r.done}; ${how}`);
}

/**
 * The train request of a resume. The worker takes only epochs, backend, cacheDir and resumeFrom
 * from it and every training setting from the run's config.json; the others are placeholders.
 */
export function resumeRequest(r: Resumable, epochs: number, backend: BackendChoice, cacheDir: string): TrainConfig {
  return {
    dataset: 'auto', epochs, batchSize: 1, learningRate: 0.01, optimizer: 'sgd', backend, seed: 0, limit: 0,
    outDir: dirname(r.runDir), cacheDir, resumeFrom: r.runDir,
  };
}
