// The data of "Compare runs": each ticked run read from its folder (config.json, metrics.csv and
// summary.json) into what the panel overlays and tabulates. No vscode import; the pure parts
// (best epoch, time per epoch, one run from its files' contents) are unit-tested.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inferModel } from '../model/infer';
import type { ModelSpec } from '../model/spec';
import { formatCount } from '../model/shapeCheck';
import type { EpochMetrics } from '../shared/protocol';
import { errorMessage } from '../shared/errors';
import { defaultRunLabel } from '../shared/runLabel';
import { readRunMeta } from './runMeta';
import type { ComparedRun, HostMessage } from '../shared/webviewProtocol';
import { datasetName, modelName, readHistory, readJson, withSummarySeconds } from './runs';

/** The epoch with the highest finite val_accuracy; the first of equals (best/ is replaced only on a strict improvement). */
export function bestEpoch(history: EpochMetrics[]): { epoch: number; valAcc: number } | undefined {
  let best: EpochMetrics | undefined;
  for (const m of history) if (Number.isFinite(m.val_acc) && (!best || m.val_acc > best.val_acc)) best = m;
  return best && { epoch: best.epoch, valAcc: best.val_acc };
}

/**
 * Seconds per epoch: the mean of the epochs whose time is known (metrics.csv has no time column;
 * summary.json gives the last epoch's), else the wall-clock span from the run's start to its last
 * saved epoch over the epochs done. Undefined when neither is known.
 */
export function secondsPerEpoch(history: EpochMetrics[], spanSeconds?: number): number | undefined {
  const known = history.map((m) => m.seconds).filter((s) => Number.isFinite(s) && s > 0);
  if (known.length) return known.reduce((a, b) => a + b, 0) / known.length;
  return history.length && spanSeconds !== undefined && spanSeconds > 0 ? spanSeconds / history.length : undefined;
}

/** What a run folder holds, already read (any part may be missing). */
export interface RunFiles {
  config?: Record<string, unknown>;
  history: EpochMetrics[];
  summary?: Record<string, unknown>;
  /** When metrics.csv was last written (ms since the epoch): the end of the last saved epoch. */
  metricsWrittenMs?: number;
  /** The label the user gave the run (label.json), if any. */
  label?: string;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "sequential · 61,706 params · lenet_seed.py": name, size and the file it came from, when known. */
function modelText(config: Record<string, unknown> | undefined): string {
  const parts = [modelName(config) ?? 'sequential'];
  const spec = config?.model as ModelSpec | undefined;
  if (spec && typeof spec === 'object' && Array.isArray(spec.layers)) {
    try {
      parts.push(`${formatCount(inferModel(spec).totalParams)} params`);
    } catch {
      // a hand-edited or newer config: compare it without its size
    }
  }
  if (typeof config?.source === 'string' && config.source) parts.push(basename(config.source));
  return parts.join(' · ');
}

/** One run of a comparison from its files. */
export function comparedRun(runDir: string, files: RunFiles): ComparedRun {
  const { config, summary } = files;
  const history = withSummarySeconds(files.history, summary);
  const started = typeof config?.startedAt === 'string' ? Date.parse(config.startedAt) : NaN;
  const span = Number.isFinite(started) && files.metricsWrittenMs !== undefined ? (files.metricsWrittenMs - started) / 1000 : undefined;
  const best = bestEpoch(history);
  const resolved = config?.resolvedDataset as { train?: unknown } | undefined;
  const perEpoch = secondsPerEpoch(history, span);
  return {
    runDir,
    label: files.label ?? defaultRunLabel(modelName(config), basename(runDir)),
    model: modelText(config),
    ...defined({
      dataset: datasetName(config),
      trainImages: finite(resolved?.train),
      optimizer: typeof config?.optimizer === 'string' ? config.optimizer : undefined,
      learningRate: finite(config?.learningRate),
      batchSize: finite(config?.batchSize),
      bestEpoch: best?.epoch,
      bestValAcc: best?.valAcc,
      secondsPerEpoch: perEpoch,
    }),
    epochs: finite(config?.epochs) ?? history.length,
    epochsDone: history.length,
    history,
  };
}

/** The object without its undefined fields (the message validators want exact shapes). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Reads one run folder; a missing or unreadable file leaves its fields out. */
export function readComparedRun(runDir: string): ComparedRun {
  let metricsWrittenMs: number | undefined;
  try {
    metricsWrittenMs = statSync(join(runDir, 'metrics.csv')).mtimeMs;
  } catch {
    // no epoch saved yet
  }
  return comparedRun(runDir, {
    config: readJson(join(runDir, 'config.json')),
    history: readHistory(runDir),
    summary: readJson(join(runDir, 'summary.json')),
    metricsWrittenMs,
    label: readRunMeta(runDir).label,
  });
}

/** The panel's answer to a checked compareRuns request (its run folders are listed ones). */
export function compareAnswer(id: number, runDirs: string[]): HostMessage {
  try {
    return { type: 'comparison', id, runs: runDirs.map(readComparedRun) };
  } catch (err) {
    return { type: 'comparisonError', id, message: `could not read the runs to compare: ${errorMessage(err)}` };
  }
}
