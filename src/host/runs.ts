// Past runs in the output folder, as the worker writes them (src/worker/runDir.ts):
// <outDir>/<YYYYMMDD-HHMMSS>[-n]/ with config.json, metrics.csv (Keras CSVLogger columns, 0-based
// epoch), times.csv (each epoch's seconds), summary.json (when the run ended), model.json +
// weights.bin, and the user's label and notes (runMeta.ts). Read-only; no vscode import.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inferModel } from '../model/infer';
import { toSummaryInfo } from '../model/summary';
import type { ModelSpec } from '../model/spec';
import type { BackendName, EpochMetrics, SummaryInfo } from '../shared/protocol';
import { initialPanelState } from '../shared/panelState';
import type { CallbackNote, PanelState, RunFolderStatus, RunInfo, RunModelInfo } from '../shared/webviewProtocol';
import { TIMES_FILE } from '../shared/runFiles';
import { readRunMeta } from './runMeta';
import { readSmallFile } from '../shared/smallFile';
import { defaultRunLabel } from '../shared/runLabel';

const RUN_NAME = /^(\d{8}-\d{6})(?:-(\d+))?$/;

/** Run folders newest first (name order is time order; -2, -3 suffixes after the plain name). */
function runNames(outDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return []; // no output folder yet
  }
  const key = (n: string): [string, number] => {
    const m = RUN_NAME.exec(n)!;
    return [m[1], Number(m[2] ?? 1)];
  };
  return names
    .filter((n) => RUN_NAME.test(n))
    .filter((n) => {
      try {
        return statSync(join(outDir, n)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort((a, b) => {
      const [ta, sa] = key(a);
      const [tb, sb] = key(b);
      return ta < tb ? 1 : ta > tb ? -1 : sb - sa;
    });
}

/** config.json, summary.json and metrics.csv of a run are a few KB; a run folder may be hostile. */
const MAX_RUN_FILE_BYTES = 16 << 20;

export function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readSmallFile(path, MAX_RUN_FILE_BYTES));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const num = (s: string | undefined): number => {
  if (s === undefined) return NaN;
  const t = s.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return t === '' ? NaN : Number(t);
};

/**
 * Parses a Keras CSVLogger file (columns by name, any order; accuracy or acc; 0-based epoch).
 * Rows without a valid epoch are skipped. `seconds` is 0 when the file has no such column.
 */
export function parseMetricsCsv(text: string): EpochMetrics[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const c = {
    epoch: col('epoch'), acc: col('accuracy', 'acc'), loss: col('loss'),
    valAcc: col('val_accuracy', 'val_acc'), valLoss: col('val_loss'), seconds: col('seconds', 'time'),
  };
  if (c.epoch < 0) return [];
  const out: EpochMetrics[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const e = num(f[c.epoch]);
    if (!Number.isInteger(e) || e < 0) continue;
    const get = (i: number) => (i >= 0 ? num(f[i]) : NaN);
    out.push({
      epoch: e + 1, loss: get(c.loss), acc: get(c.acc), val_loss: get(c.valLoss), val_acc: get(c.valAcc),
      seconds: c.seconds >= 0 ? get(c.seconds) : 0,
    });
  }
  return out;
}

export function readHistory(runDir: string): EpochMetrics[] {
  let history: EpochMetrics[];
  try {
    history = parseMetricsCsv(readSmallFile(join(runDir, 'metrics.csv'), MAX_RUN_FILE_BYTES));
  } catch {
    return [];
  }
  // Each epoch's seconds are this run's own (times.csv), never another run's; absent in older runs.
  let times: EpochMetrics[] = [];
  try {
    times = parseMetricsCsv(readSmallFile(join(runDir, TIMES_FILE), MAX_RUN_FILE_BYTES));
  } catch {
    // an older run folder: its epochs have no times
  }
  const seconds = new Map(times.map((t) => [t.epoch, t.seconds]));
  return history.map((h) => ({ ...h, seconds: seconds.get(h.epoch) ?? h.seconds }));
}

export function datasetName(config: Record<string, unknown> | undefined): string | undefined {
  const resolved = config?.resolvedDataset as { name?: unknown } | undefined;
  if (typeof resolved?.name === 'string') return resolved.name;
  return typeof config?.dataset === 'string' ? config.dataset : undefined;
}

/** config.json's model name, when its spec has one. */
export function modelName(config: Record<string, unknown> | undefined): string | undefined {
  const name = (config?.model as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The history with its last epoch's seconds from summary.json's final row (metrics.csv, Keras's columns, has no time). */
export function withSummarySeconds(history: EpochMetrics[], summary: Record<string, unknown> | undefined): EpochMetrics[] {
  const final = summary?.final as Partial<EpochMetrics> | null | undefined;
  const last = history[history.length - 1];
  if (!last || final?.epoch !== last.epoch || typeof final.seconds !== 'number' || !Number.isFinite(final.seconds)) return history;
  return [...history.slice(0, -1), { ...last, seconds: final.seconds }];
}

function modelInfo(config: Record<string, unknown> | undefined): RunModelInfo | undefined {
  const spec = config?.model as ModelSpec | undefined;
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.layers)) return undefined;
  const summary = summaryOf(config);
  const source = typeof config?.source === 'string' && config.source ? sourceName(config.source) : undefined;
  return {
    name: typeof spec.name === 'string' && spec.name ? spec.name : 'sequential',
    ...(source ? { source } : {}),
    layers: spec.layers.length,
    params: summary?.totalParams ?? 0,
    ...(typeof config?.optimizer === 'string' ? { optimizer: config.optimizer } : {}),
    ...(typeof config?.learningRate === 'number' ? { learningRate: config.learningRate } : {}),
  };
}

/** A path's or URI's last part. */
function sourceName(source: string): string {
  return source.split(/[\\/]/).filter(Boolean).pop() ?? source;
}

/**
 * One run folder's description, or undefined when it has neither config nor metrics.
 * `pidAlive` tells whether the process that wrote config.json still runs (then a folder without a
 * summary is a run in progress, else one a reload or crash left behind).
 */
export function readRun(runDir: string, pidAlive: (pid: number) => boolean = () => false): RunInfo | undefined {
  const config = readJson(join(runDir, 'config.json'));
  const history = readHistory(runDir);
  if (!config && history.length === 0) return undefined;
  const epochs = typeof config?.epochs === 'number' ? config.epochs : history.length;
  const summary = readJson(join(runDir, 'summary.json'));
  const last = history[history.length - 1];
  const best = history.reduce<EpochMetrics | undefined>((b, h) => (Number.isFinite(h.val_acc) && (!b || h.val_acc > b.val_acc) ? h : b), undefined);
  const meta = readRunMeta(runDir);
  const model = modelInfo(config);
  const name = basename(runDir);
  const { status, reason } = folderStatus(summary, config, history.length, epochs, pidAlive);
  return {
    runDir,
    name,
    label: meta.label ?? defaultRunLabel(model?.name, name),
    ...(meta.notes ? { notes: meta.notes } : {}),
    status,
    ...(reason ? { reason } : {}),
    dataset: datasetName(config),
    epochs,
    ...(last ? { final: last } : {}),
    ...(best ? { best: { epoch: best.epoch, val_acc: best.val_acc } } : {}),
    ...(model ? { model } : {}),
    hasModel: existsSync(join(runDir, 'model.json')),
    ...(typeof config?.startedAt === 'string' ? { startedAt: config.startedAt } : {}),
  };
}

/** The status a run folder records: summary.json's, else running (its writer lives) or interrupted. */
export function folderStatus(
  summary: Record<string, unknown> | undefined, config: Record<string, unknown> | undefined,
  epochsDone: number, epochs: number, pidAlive: (pid: number) => boolean,
): { status: RunFolderStatus; reason?: string } {
  const error = summary?.error as { message?: unknown } | undefined;
  const why = typeof error?.message === 'string' ? error.message : typeof summary?.reason === 'string' ? summary.reason : undefined;
  switch (summary?.status) {
    case 'completed': return { status: 'done' };
    case 'stopped': return { status: 'stopped', ...(why ? { reason: why } : {}) };
    case 'failed': return { status: 'failed', reason: why ?? 'the run failed (no reason was recorded)' };
    case 'interrupted': return { status: 'interrupted', reason: why ?? 'interrupted' };
    default: break;
  }
  if (typeof config?.pid === 'number' && pidAlive(config.pid)) return { status: 'running' };
  // Every epoch is in metrics.csv: whatever happened after, the run is complete.
  if (epochsDone >= epochs) return { status: 'done' };
  return { status: 'interrupted', reason: `ended without a summary (a window reload, crash or kill) after ${epochsDone} of ${epochs} epochs` };
}

/** Past runs under outDir, newest first (at most `max`). */
export function listRuns(outDir: string, max = 200, pidAlive?: (pid: number) => boolean): RunInfo[] {
  const base = resolve(outDir);
  const out: RunInfo[] = [];
  for (const n of runNames(base)) {
    const r = readRun(join(base, n), pidAlive);
    if (r) out.push(r);
    if (out.length >= max) break;
  }
  return out;
}

/** The newest run that has a saved model, for "Evaluate Model" without a pick. */
export function latestRunWithModel(runs: RunInfo[]): RunInfo | undefined {
  return runs.find((r) => r.hasModel);
}

function summaryOf(config: Record<string, unknown> | undefined): SummaryInfo | undefined {
  const model = config?.model as ModelSpec | undefined;
  if (!model || typeof model !== 'object' || !Array.isArray(model.layers)) return undefined;
  try {
    return toSummaryInfo(inferModel(model));
  } catch {
    return undefined; // a hand-edited or newer config: show the run without its table
  }
}

/** A past run as a panel state (its charts per epoch, its summary), marked with viewingRun. */
export function runPanelState(runDir: string, runs: RunInfo[]): PanelState {
  const config = readJson(join(runDir, 'config.json'));
  const history = readHistory(runDir);
  const resolved = config?.resolvedDataset as PanelState['dataset'] | undefined;
  const backend = config?.backend;
  const epochs = typeof config?.epochs === 'number' ? config.epochs : history.length;
  const run = runs.find((r) => r.runDir === runDir) ?? readRun(runDir);
  const status = run ? PANEL_STATUS[run.status] : history.length >= epochs ? 'done' : 'stopped';
  return {
    ...initialPanelState(),
    status,
    message: `Run ${basename(runDir)}: ${history.length} of ${epochs} epochs${run?.reason ? `; ${run.reason}` : ''}`,
    ...(run ? { run } : {}),
    ...(typeof backend === 'string' ? { backend: { name: backend as BackendName, reason: 'recorded in config.json' } } : {}),
    ...(resolved && typeof resolved.name === 'string'
      ? { dataset: {
          name: resolved.name, source: String(resolved.source ?? ''), train: Number(resolved.train) || 0,
          // resolvedDataset.train is what the run trained on; available (newer runs) the dataset's size.
          ...(Number.isInteger(resolved.available) ? { available: resolved.available } : {}),
          test: Number(resolved.test) || 0, classes: [],
        } }
      : {}),
    epoch: history.length,
    epochs,
    summary: summaryOf(config),
    history,
    runDir,
    runs,
    viewingRun: runDir,
    ...callbackNotesOf(readJson(join(runDir, 'summary.json'))),
  };
}

/** How the panel's status pill shows a run folder's status. */
export const PANEL_STATUS: Record<RunFolderStatus, PanelState['status']> = {
  running: 'training', done: 'done', stopped: 'stopped', interrupted: 'interrupted', failed: 'error',
};

/** summary.json's record of what the callbacks did (early stop, rate changes), checked field by field. */
function callbackNotesOf(summary: Record<string, unknown> | undefined): Pick<PanelState, 'callbacks'> {
  const raw = summary?.callbacks;
  if (!Array.isArray(raw)) return {};
  const names = ['EarlyStopping', 'ReduceLROnPlateau', 'LearningRateScheduler'];
  const notes = raw.filter((n): n is CallbackNote =>
    typeof n === 'object' && n !== null && Number.isInteger(n.epoch) && n.epoch >= 1 && typeof n.message === 'string' && names.includes(n.callback));
  return notes.length ? { callbacks: notes.map((n) => ({ epoch: n.epoch, callback: n.callback, message: n.message, ...(typeof n.learningRate === 'number' ? { learningRate: n.learningRate } : {}) })) } : {};
}
