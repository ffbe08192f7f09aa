// "Compare runs", the pure part (unit-tested under node): the differences table's rows, the
// overlay's aligned series (uPlot wants one x array) and one colour per run.
import type { ComparedRun } from '../src/shared/webviewProtocol';
import { MAX_COMPARED_RUNS } from '../src/shared/webviewProtocol';
import type { ThemeKind } from './chartColours';
import { withContrast } from './colour';
import { fixed, thousands } from './format';

export interface DiffRow {
  field: keyof ComparedRun;
  label: string;
  values: string[];
  /** Some runs show another value in this row. */
  differs: boolean;
}

/** "0.42 s", "3.1 s", "95 s": seconds per epoch with about two significant digits. */
export function secondsText(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  return `${s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : Math.round(s)} s`;
}

const text = (v: string | number | undefined): string => (v === undefined ? '–' : String(v));

/** The differences table: one row per field, one value per run, in the runs' order. */
export function differenceRows(runs: ComparedRun[]): DiffRow[] {
  const rows: [keyof ComparedRun, string, (r: ComparedRun) => string][] = [
    ['model', 'Model', (r) => r.model],
    ['dataset', 'Dataset', (r) => (r.dataset === undefined ? '–' : r.trainImages === undefined ? r.dataset : `${r.dataset} (${thousands(r.trainImages)} train)`)],
    ['optimizer', 'Optimizer', (r) => text(r.optimizer)],
    ['learningRate', 'Learning rate', (r) => text(r.learningRate)],
    ['batchSize', 'Batch size', (r) => text(r.batchSize)],
    ['epochs', 'Epochs', (r) => (r.epochsDone === r.epochs ? String(r.epochs) : `${r.epochsDone} of ${r.epochs}`)],
    ['bestEpoch', 'Best epoch', (r) => text(r.bestEpoch)],
    ['bestValAcc', 'Best val_acc', (r) => fixed(r.bestValAcc, 4)],
    ['secondsPerEpoch', 'Time / epoch', (r) => secondsText(r.secondsPerEpoch)],
  ];
  return rows.map(([field, label, show]) => {
    const values = runs.map(show);
    return { field, label, values, differs: values.some((v) => v !== values[0]) };
  });
}

export type CompareMetric = 'loss' | 'acc';

/**
 * The overlay of one metric: x = the epochs of any run (1-based, ascending), then for each run its
 * training series and its validation series, null where that run has no such epoch or a
 * non-finite value.
 */
export function overlaySeries(runs: ComparedRun[], metric: CompareMetric): [number[], ...(number | null)[][]] {
  const x = [...new Set(runs.flatMap((r) => r.history.map((m) => m.epoch)))].sort((a, b) => a - b);
  const row = new Map(x.map((e, i) => [e, i]));
  const out: [number[], ...(number | null)[][]] = [x];
  for (const r of runs) {
    const train = new Array<number | null>(x.length).fill(null);
    const val = new Array<number | null>(x.length).fill(null);
    for (const m of r.history) {
      const i = row.get(m.epoch)!;
      const t = metric === 'loss' ? m.loss : m.acc;
      const v = metric === 'loss' ? m.val_loss : m.val_acc;
      train[i] = Number.isFinite(t) ? t : null;
      val[i] = Number.isFinite(v) ? v : null;
    }
    out.push(train, val);
  }
  return out;
}

/**
 * VS Code's chart colours in an order that keeps them apart in each kind of theme: High
 * Contrast's orange is dull on black, High Contrast Light's orange is a navy next to its blue, and
 * in the default themes yellow is too close to orange, so the sixth run takes the foreground.
 */
const ORDER: Record<ThemeKind, string[]> = {
  dark: ['blue', 'orange', 'green', 'purple', 'red', 'foreground'],
  light: ['blue', 'orange', 'green', 'purple', 'red', 'foreground'],
  'hc-dark': ['blue', 'yellow', 'green', 'purple', 'red', 'orange'],
  'hc-light': ['blue', 'red', 'green', 'purple', 'yellow', 'orange'],
};

/** VS Code's registered defaults of charts.*, for a theme that does not define one. */
const DEFAULTS: Record<ThemeKind, Record<string, string>> = {
  dark: { blue: '#3794ff', orange: '#d18616', green: '#89d185', purple: '#b180d7', red: '#f14c4c', yellow: '#cca700' },
  light: { blue: '#1a85ff', orange: '#d18616', green: '#388a34', purple: '#652d90', red: '#e51400', yellow: '#bf8803' },
  'hc-dark': { blue: '#3794ff', orange: '#ab5a00', green: '#89d185', purple: '#b180d7', red: '#f48771', yellow: '#ffd370' },
  'hc-light': { blue: '#1a85ff', orange: '#0f4a85', green: '#374e06', purple: '#652d90', red: '#b5200d', yellow: '#895503' },
};

/** WCAG's contrast for graphics: every run's line stands out from the chart's background. */
export const RUN_LINE_CONTRAST = 3;

/**
 * One colour per run (MAX_COMPARED_RUNS of them), from the theme's charts.* variables, each
 * darkened or lightened towards the foreground just enough for RUN_LINE_CONTRAST over `background`.
 */
export function runColours(kind: ThemeKind, read: (name: string, fallback: string) => string, background: string, foreground: string): string[] {
  return ORDER[kind].slice(0, MAX_COMPARED_RUNS)
    .map((name) => name === 'foreground' ? foreground
    : withContrast(read(`--vscode-charts-${name}`, DEFAULTS[kind][name]), [background], RUN_LINE_CONTRAST, foreground));
}

/** Each run's "training / validation" loss and accuracy at one epoch ("–" where it has none). */
export function valuesAt(runs: ComparedRun[], epoch: number): { loss: string[]; acc: string[] } {
  const pair = (a: number | undefined, b: number | undefined) => `${fixed(a, 4)} / ${fixed(b, 4)}`;
  const rows = runs.map((r) => r.history.find((m) => m.epoch === epoch));
  return {
    loss: rows.map((m) => pair(m?.loss, m?.val_loss)),
    acc: rows.map((m) => pair(m?.acc, m?.val_acc)),
  };
}

/** The last epoch any of the runs reached (the readout's epoch when the cursor is not on a chart). */
export function lastEpoch(runs: ComparedRun[]): number | undefined {
  const all = runs.flatMap((r) => r.history.map((m) => m.epoch));
  return all.length ? Math.max(...all) : undefined;
}
