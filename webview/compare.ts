// Compare runs: the runs ticked in the Runs table, overlaid (loss and accuracy per epoch, one
// colour per run, training solid and validation dashed, one shared cursor) with a table of their
// differences. The host reads the runs from their folders on request (compareRuns).
import uPlot from 'uplot';
import type { ComparedRun, WebviewMessage } from '../src/shared/webviewProtocol';
import { themeKind } from './chartColours';
import { epochAxes, fmt, followWidth, readTheme } from './charts';
import { cssVar } from './colour';
import { differenceRows, lastEpoch, overlaySeries, runColours, valuesAt, type CompareMetric } from './compareData';
import { h, replace, setText } from './dom';

const HEIGHT = 240;
/** Whole epochs only on the x axis: every point is the end of an epoch. */
const EPOCH_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
const VAL_DASH = [6, 4];

export interface CompareView {
  el: HTMLElement;
  /** The ticked runs changed (in tick order): ask for two or more, else say what to do. */
  setRuns(runDirs: string[]): void;
  onComparison(id: number, runs: ComparedRun[]): void;
  onComparisonError(id: number, message: string): void;
  refreshTheme(): void;
}

class OverlayChart {
  readonly el: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | null = null;
  private width = 0;
  private runs: ComparedRun[] = [];
  private colours: string[] = [];

  /** onEpoch: the epoch under the cursor (synced between the charts), undefined when it leaves. */
  constructor(private readonly metric: CompareMetric, title: string, testid: string, private readonly onEpoch: (epoch: number | undefined) => void) {
    this.plotHost = h('div', { class: 'plot' });
    this.el = h('figure', { class: 'chart', 'data-testid': testid, 'data-series': 0 }, h('figcaption', {}, title), this.plotHost);
    followWidth(this.plotHost, (w) => {
      this.width = w;
      if (this.plot) this.plot.setSize({ width: w, height: HEIGHT });
      else this.create();
    });
  }

  show(runs: ComparedRun[], colours: string[]): void {
    this.runs = runs;
    this.colours = colours;
    this.create();
  }

  /** Builds the plot: its series (two per run) change with the runs, so it is rebuilt each time. */
  create(): void {
    this.plot?.destroy();
    this.plot = null;
    this.el.setAttribute('data-series', String(this.runs.length * 2));
    if (this.width <= 0 || this.runs.length === 0) return;
    const t = readTheme();
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    this.runs.forEach((r, i) => {
      const stroke = this.colours[i];
      series.push(
        { label: `${r.label} train`, stroke, width: 2, spanGaps: true, points: { show: true, size: 5, fill: stroke }, value: (_u, v) => fmt(v, 4) },
        { label: `${r.label} validation`, stroke, width: 2, dash: VAL_DASH, spanGaps: true, points: { show: true, size: 5, fill: stroke }, value: (_u, v) => fmt(v, 4) },
      );
    });
    this.plot = new uPlot({
      width: this.width,
      height: HEIGHT,
      pxAlign: false,
      scales: { x: { time: false } },
      // One cursor for both overlays; the legend is the view's own (one entry per run).
      cursor: { drag: { x: true, y: false }, points: { size: 7 }, sync: { key: 'lenet-compare' } },
      legend: { show: false },
      hooks: {
        setCursor: [(u) => {
          const i = u.cursor.idx;
          this.onEpoch(i === null || i === undefined ? undefined : u.data[0][i]);
        }],
      },
      axes: epochAxes(t).map((a, i) => (i === 0 ? { ...a, incrs: EPOCH_STEPS } : a)),
      series,
    }, overlaySeries(this.runs, this.metric) as uPlot.AlignedData, this.plotHost);
  }
}

export function createCompareView(post: (m: WebviewMessage) => void): CompareView {
  const status = h('p', { class: 'empty', 'data-testid': 'compare-status', 'aria-live': 'polite' });
  const legend = h('ul', { class: 'compare-legend', 'data-testid': 'compare-legend', 'aria-label': 'Compared runs' });
  const key = h('p', { class: 'compare-key meta' },
    h('span', { class: 'line-key solid', 'aria-hidden': 'true' }), ' training ',
    h('span', { class: 'line-key dashed', 'aria-hidden': 'true' }), ' validation · per epoch; drag to zoom, double-click to reset');
  const loss = new OverlayChart('loss', 'Loss', 'compare-loss', (e) => readout(e));
  const acc = new OverlayChart('acc', 'Accuracy', 'compare-acc', (e) => readout(e));
  let readoutEpoch: number | undefined;
  const table = h('table', { class: 'data compare-diff', 'data-testid': 'compare-diff' });
  const body = h('div', { class: 'compare-body hidden' }, legend, key, h('div', { class: 'charts' }, loss.el, acc.el),
    h('div', { class: 'table-scroll' }, table));
  const el = h('div', { class: 'compare-block', 'data-testid': 'compare' }, status, body);
  let wanted: string[] = [];
  let nextId = 1;
  let latest = 0;
  let shown: ComparedRun[] = [];

  function colours(): string[] {
    const bg = cssVar('--vscode-editorWidget-background', cssVar('--vscode-editor-background', '#1f1f1f'));
    const fg = cssVar('--vscode-foreground', '#cccccc');
    return runColours(themeKind(document.body.classList), (n, f) => cssVar(n, f), bg, fg);
  }

  function swatch(colour: string): HTMLElement {
    const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    s.style.setProperty('--run-colour', colour); // CSSOM, allowed by the CSP
    return s;
  }

  /** The table's "at epoch N" rows: the epoch under the cursor, else the last one. */
  function readout(epoch: number | undefined): void {
    const e = epoch ?? lastEpoch(shown);
    if (e === readoutEpoch) return;
    readoutEpoch = e;
    const v = e === undefined ? { loss: [], acc: [] } : valuesAt(shown, e);
    for (const [metric, values] of [['loss', v.loss], ['acc', v.acc]] as const) {
      const row = table.querySelector(`tr[data-field=${metric}-at]`);
      if (!row) continue;
      setText(row.querySelector('th')!, `${metric === 'loss' ? 'Loss' : 'Accuracy'} at epoch ${e ?? '–'} (train / val)`);
      row.querySelectorAll('td').forEach((td, i) => setText(td, values[i] ?? '–'));
    }
  }

  function render(): void {
    const c = colours();
    replace(legend, ...shown.map((r, i) => h('li', { 'data-testid': 'compare-legend-item', 'data-run': r.runDir, title: r.runDir }, swatch(c[i]), r.label)));
    loss.show(shown, c);
    acc.show(shown, c);
    const rows = differenceRows(shown);
    replace(table,
      h('caption', { class: 'visually-hidden' }, 'Differences between the compared runs; rows that differ are marked'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Setting'), ...shown.map((r, i) => h('th', { scope: 'col' }, swatch(c[i]), r.label)))),
      h('tbody', {}, ...rows.map((row) => h('tr', { class: row.differs ? 'differs' : '', 'data-field': row.field, 'data-differs': String(row.differs) },
        h('th', { scope: 'row' }, row.label, row.differs ? h('span', { class: 'differs-mark', title: 'differs between the runs' }, ' ≠') : null,
          row.differs ? h('span', { class: 'visually-hidden' }, ' (differs)') : null),
        ...row.values.map((v) => h('td', { class: 'mono' }, v)))),
      ...(['loss', 'acc'] as const).map((metric) => h('tr', { class: 'readout', 'data-field': `${metric}-at` },
        h('th', { scope: 'row' }), ...shown.map(() => h('td', { class: 'mono' }))))));
    readoutEpoch = undefined;
    readout(undefined);
    body.classList.remove('hidden');
  }

  function request(): void {
    if (wanted.length < 2) {
      latest = nextId++; // an answer still in flight is for an older choice
      shown = [];
      body.classList.add('hidden');
      setText(status, wanted.length === 1 ? 'Tick one more run to compare.' : '');
      el.classList.toggle('hidden', wanted.length === 0);
      return;
    }
    el.classList.remove('hidden');
    latest = nextId++;
    setText(status, `Reading ${wanted.length} runs…`);
    post({ type: 'compareRuns', id: latest, runDirs: wanted.slice() });
  }

  el.classList.add('hidden');
  return {
    el,
    setRuns(runDirs) {
      wanted = runDirs.slice();
      request();
    },
    onComparison(id, runs) {
      if (id !== latest) return;
      shown = runs;
      setText(status, '');
      render();
    },
    onComparisonError(id, message) {
      if (id !== latest) return;
      shown = [];
      body.classList.add('hidden');
      setText(status, `Could not compare the runs: ${message}`);
    },
    refreshTheme() {
      if (shown.length) render();
    },
  };
}
