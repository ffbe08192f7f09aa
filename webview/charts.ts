// Loss and accuracy charts with uPlot: training per batch (raw, faint, and EMA-smoothed) and
// validation per epoch, with uPlot's cursor crosshair and live legend values. Redraws are driven
// by main.ts once per animation frame at most, and only when the data or smoothing changed.
import uPlot from 'uplot';
import type { PanelState } from '../src/shared/webviewProtocol';
import { alignedCharts, type AlignedData, type Metric } from './chartData';
import { chartColours, themeKind, type ChartColours } from './chartColours';
import { cssVar, withAlpha } from './colour';
import { h, setText } from './dom';
import { callbackNotes, noteX } from './callbackNotes';

const HEIGHT = 240;

export interface Theme extends ChartColours { font: string }

/** The charts' colours and font from the current theme's variables. */
export function readTheme(): Theme {
  const family = cssVar('--vscode-font-family', 'system-ui, sans-serif');
  const size = parseFloat(cssVar('--vscode-font-size', '13px')) || 13;
  return {
    ...chartColours(themeKind(document.body.classList), (n, f) => cssVar(n, f), withAlpha),
    font: `${Math.max(10, size - 2)}px ${family}`,
  };
}

/** Tick labels share one number of decimals, enough for the tick spacing (0.5 -> 1, 0.25 -> 2). */
export function decimalsFor(increment: number): number {
  if (!(increment > 0)) return 2;
  let d = 0;
  while (d < 6 && Math.abs(Math.round(increment * 10 ** d) - increment * 10 ** d) > 1e-9) d++;
  return d;
}

/** A chart follows its container's width (panel resizes, side-by-side layout): calls onWidth on each change. */
export function followWidth(host: HTMLElement, onWidth: (width: number) => void): void {
  let width = 0;
  new ResizeObserver((entries) => {
    const w = Math.floor(entries[0].contentRect.width);
    if (w > 0 && w !== width) {
      width = w;
      onWidth(w);
    }
  }).observe(host);
}

/** The x axis (epoch) and y axis of every chart, in the theme's colours. */
export function epochAxes(t: Theme): uPlot.Axis[] {
  const axis = { stroke: t.fg, font: t.font, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } };
  return [
    { ...axis, label: 'epoch', labelFont: t.font, values: (_u, ticks, _a, _s, incr) => ticks.map((v) => fmt(v, decimalsFor(incr))) },
    { ...axis, size: 52, values: (_u, ticks, _a, _s, incr) => ticks.map((v) => fmt(v, decimalsFor(incr))) },
  ];
}

function lastValueAtOrBefore(values: ArrayLike<number | null | undefined>, i: number | null): number | null {
  for (let j = i ?? -1; j >= 0; j--) {
    const v = values[j];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

export function fmt(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

class MetricChart {
  readonly el: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly empty: HTMLElement;
  private plot: uPlot | null = null;
  private data: AlignedData = [[], [], [], []];
  private zoomed = false;
  private width = 0;
  /** Epochs where a callback acted (early stop, learning-rate change): dashed vertical lines. */
  private markers: number[] = [];

  constructor(private readonly metric: Metric, title: string, testid: string) {
    this.plotHost = h('div', { class: 'plot' });
    this.empty = h('p', { class: 'chart-empty' }, 'No training data yet. Start training to see the curves.');
    this.el = h('figure', { class: 'chart', 'data-testid': testid, 'data-points': 0 },
      h('figcaption', {}, title), this.plotHost, this.empty);
    followWidth(this.plotHost, (w) => {
      this.width = w;
      if (this.plot) this.plot.setSize({ width: w, height: HEIGHT });
      else this.create();
    });
  }

  /** Builds (or rebuilds after a theme change) the uPlot instance with the current colours. */
  create(): void {
    if (this.width <= 0) return;
    this.plot?.destroy();
    const t = readTheme();
    const digits = 4;
    const opts: uPlot.Options = {
      width: this.width,
      height: HEIGHT,
      pxAlign: false,
      scales: { x: { time: false } },
      // The loss and accuracy charts share one cursor: hovering an epoch on one shows it on both.
      cursor: { drag: { x: true, y: false }, points: { size: 6 }, sync: { key: 'lenet-training' } },
      legend: { live: true },
      axes: epochAxes(t),
      series: [
        { label: 'epoch', value: (_u, v) => fmt(v, 2) },
        { label: 'train (raw)', stroke: t.raw, width: 1, spanGaps: true, points: { show: false }, value: (_u, v) => fmt(v, digits) },
        { label: 'train', stroke: t.train, width: 1.5, spanGaps: true, points: { show: false }, value: (_u, v) => fmt(v, digits) },
        // Validation exists once per epoch: under the cursor show the latest epoch's value so far.
        { label: 'validation', stroke: t.val, width: 2, spanGaps: true, points: { show: true, size: 6, fill: t.val }, value: (u, v, si, i) => fmt(v ?? lastValueAtOrBefore(u.data[si], i), digits) },
      ],
      hooks: {
        setSelect: [(u) => { if (u.select.width > 0) this.zoomed = true; }],
        draw: [(u) => this.drawMarkers(u, t)],
      },
    };
    this.plot = new uPlot(opts, this.data as uPlot.AlignedData, this.plotHost);
    // Double-click resets uPlot's zoom; after that, follow the stream again.
    this.plot.over.addEventListener('dblclick', () => { this.zoomed = false; });
  }

  setData(data: AlignedData, trainingPoints: number): void {
    this.data = data;
    this.el.setAttribute('data-points', String(trainingPoints));
    this.empty.classList.toggle('hidden', data[0].length > 0);
    // While the user is zoomed in, keep their x range instead of jumping back to the full run.
    this.plot?.setData(data as uPlot.AlignedData, !this.zoomed);
  }

  redrawTheme(): void {
    this.create();
  }

  setMarkers(xs: number[]): void {
    this.markers = xs;
    this.el.setAttribute('data-markers', xs.join(' '));
    this.plot?.redraw(false);
  }

  private drawMarkers(u: uPlot, t: Theme): void {
    if (!this.markers.length) return;
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = t.fg;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 4]);
    for (const m of this.markers) {
      const x = u.valToPos(m, 'x', true);
      if (!(x >= bbox.left && x <= bbox.left + bbox.width)) continue;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}

export interface Charts {
  el: HTMLElement;
  /** Recomputes and redraws only if the series, history or smoothing changed; returns true if it did. */
  update(s: PanelState): boolean;
  setSmoothing(w: number): void;
  smoothing(): number;
  refreshTheme(): void;
}

export function createCharts(initialSmoothing: number, onSmoothing: (w: number) => void): Charts {
  const loss = new MetricChart('loss', 'Loss', 'chart-loss');
  const acc = new MetricChart('acc', 'Accuracy', 'chart-acc');
  let smoothing = clampSmoothing(initialSmoothing);
  let last: { series: unknown; history: unknown; smoothing: number; viewing?: string } | null = null;
  let lastNotes: unknown = null;

  const slider = h('input', {
    type: 'range', min: 0, max: 0.99, step: 0.01, value: smoothing,
    'data-testid': 'smoothing', 'aria-label': 'Smoothing of the training curves (exponential moving average weight)',
  });
  const sliderValue = h('output', { class: 'smoothing-value' }, smoothing.toFixed(2));
  slider.addEventListener('input', () => {
    smoothing = clampSmoothing(Number(slider.value));
    setText(sliderValue, smoothing.toFixed(2));
    onSmoothing(smoothing);
  });
  const el = h('div', { class: 'charts-block' },
    h('div', { class: 'chart-controls' },
      h('label', { title: 'Exponential moving average of the per-batch training values, like TensorBoard' }, 'Smoothing ', slider), sliderValue,
      h('span', { class: 'hint' }, 'Drag to zoom, double-click to reset')),
    h('div', { class: 'charts' }, loss.el, acc.el));

  return {
    el,
    update(s) {
      if (s.callbacks !== lastNotes) {
        lastNotes = s.callbacks;
        const xs = callbackNotes(s).map(noteX);
        loss.setMarkers(xs);
        acc.setMarkers(xs);
      }
      if (last && last.series === s.batchSeries && last.history === s.history && last.smoothing === smoothing) return false;
      last = { series: s.batchSeries, history: s.history, smoothing };
      const n = Math.min(s.batchSeries.x.length, s.batchSeries.loss.length, s.batchSeries.acc.length);
      const data = alignedCharts(s.batchSeries, s.history, smoothing);
      loss.setData(data.loss, n);
      acc.setData(data.acc, n);
      return true;
    },
    setSmoothing(w) {
      smoothing = clampSmoothing(w);
      slider.value = String(smoothing);
      setText(sliderValue, smoothing.toFixed(2));
    },
    smoothing: () => smoothing,
    refreshTheme() {
      loss.redrawTheme();
      acc.redrawTheme();
    },
  };
}

function clampSmoothing(w: number): number {
  return Number.isFinite(w) ? Math.min(0.99, Math.max(0, w)) : 0.6;
}
