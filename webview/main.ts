// Entry of the training panel's webview (bundled by esbuild to dist/webview.js, an IIFE).
//
// The host's HTML must load exactly these assets (all from webview.cspSource):
//   <link rel="stylesheet" href=".../dist/webview.css">   uPlot's stylesheet, emitted by esbuild
//                                                          from the CSS import below
//   <link rel="stylesheet" href=".../media/panel.css">    the panel's own styles (--vscode-* only)
//   <script nonce="..." src=".../dist/webview.js">
// and its <body> must contain <div id="app"></div>, which this script renders into.
// CSP: default-src 'none'; img-src <cspSource> data:; style-src <cspSource>;
//      script-src 'nonce-...'; font-src <cspSource>  (no inline styles/handlers, no eval).
//
// Data flow: the host sends a full {type:'state'} snapshot (on ready, reopen, run switch) and then
// streams {type:'event'} worker events, which are applied with the same pure reducer the host
// uses (src/shared/panelState.ts). Rendering is batched: a message only marks the state dirty,
// and one requestAnimationFrame callback redraws what changed, so a burst of batchEnd messages
// costs one chart redraw per frame, not one per message.
import 'uplot/dist/uPlot.min.css';
import type { EpochMetrics, WorkerEvent } from '../src/shared/protocol';
import type { HostMessage, PanelState, WebviewMessage } from '../src/shared/webviewProtocol';
import { reducePanelState, restorePanelState } from '../src/shared/panelState';
import { createCharts } from './charts';
import { createCompareView } from './compare';
import { h, section, setText } from './dom';
import { createEpochList } from './epochs';
import { createCallbackNotes } from './callbackNotes';
import { createEvaluationView } from './evaluation';
import { epochAnnouncement, fixed } from './format';
import { createHeader } from './header';
import { createInsideView } from './inside';
import { persistableState } from './persist';
import { createRunsView } from './runs';
import { createSummaryTable } from './summary';
import { applyStatusColours } from './themeText';
import { registerToolkit } from './toolkit';
import { createTryItPad } from './tryit';
import { createBridge } from './vscodeApi';
import { errorMessage } from '../src/shared/errors';

const PERSIST_INTERVAL_MS = 1000;

/** Frame timings for the browser benchmark (bench/webview.mjs reads these). */
interface PerfLog { frames: number[]; chartFrames: number[]; messages: number }
declare global { interface Window { __lenetPerf?: PerfLog } }

function start(): void {
  registerToolkit();
  applyStatusColours();
  const root = document.getElementById('app');
  if (!root) throw new Error('LeNet Lab panel: the page has no <div id="app"> to render into');

  const bridge = createBridge();
  const post = (m: WebviewMessage) => bridge.post(m);
  const persisted = bridge.load();
  let state: PanelState = restorePanelState(persisted.state);
  let announcedEpoch = lastEpoch(state.history);

  const header = createHeader(post);
  const charts = createCharts(persisted.smoothing ?? 0.6, () => { invalidate(); schedulePersist(); });
  const epochs = createEpochList();
  const notes = createCallbackNotes();
  const summary = createSummaryTable();
  const inside = createInsideView(post);
  const evaluation = createEvaluationView(post, (index) => inside.showTestImage(index));
  const tryit = createTryItPad(post, (pixels) => inside.setDrawing(pixels));
  const compare = createCompareView(post);
  const runs = createRunsView(post, (runDirs) => compare.setRuns(runDirs));
  const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status', 'data-testid': 'live-region' });
  const renderError = h('p', { class: 'render-error hidden', role: 'alert', 'data-testid': 'render-error' });

  root.replaceChildren(
    header.el,
    renderError,
    runs.banner,
    h('main', { class: 'dashboard' },
      section('training', 'Training curves', charts.el),
      section('epochs', 'Validation per epoch', epochs.el, notes.el),
      section('model', 'Model summary', summary.el),
      section('evaluation', 'Evaluation', evaluation.el),
      section('tryit', 'Try it', tryit.el),
      section('inside', 'Inside the network', inside.el),
      section('runs', 'Runs', runs.el),
      section('compare', 'Compare runs', compare.el)),
    live);

  const perf: PerfLog = { frames: [], chartFrames: [], messages: 0 };
  window.__lenetPerf = perf;

  let frameRequested = false;
  function invalidate(): void {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(render);
  }

  function render(): void {
    frameRequested = false;
    const t0 = performance.now();
    const problems: string[] = [];
    // One part failing on bad data (say a ragged confusion matrix) must not blank the others.
    const safely = <T>(part: string, fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch (e) {
        problems.push(`Could not show the ${part}: ${errorMessage(e)}`);
        return fallback;
      }
    };
    safely('header', () => header.update(state), undefined);
    safely('runs list', () => runs.update(state), undefined);
    safely('epoch list', () => epochs.update(state.history), undefined);
    safely('callback notes', () => notes.update(state), undefined);
    safely('layer summary', () => summary.update(state.summary), undefined);
    safely('evaluation', () => evaluation.update(state.evaluation), undefined);
    safely('try-it pad', () => { tryit.setClasses(state.dataset?.classes); tryit.setModel(state.answering); }, undefined);
    const t1 = performance.now();
    const chartsChanged = safely('charts', () => charts.update(state), false);
    if (problems.join('\n') !== renderError.textContent) {
      renderError.textContent = problems.join('\n');
      renderError.classList.toggle('hidden', problems.length === 0);
    }
    // uPlot draws in a microtask queued by setData; a microtask queued after it sees the drawing done.
    queueMicrotask(() => {
      const t2 = performance.now();
      if (chartsChanged) perf.chartFrames.push(t2 - t1);
      perf.frames.push(t2 - t0);
    });
    if (perf.frames.length > 5000) perf.frames.splice(0, 2500);
    if (perf.chartFrames.length > 5000) perf.chartFrames.splice(0, 2500);
  }

  // setState serialises synchronously; at most once a second keeps that off the hot path.
  let persistTimer: ReturnType<typeof setTimeout> | undefined;
  function schedulePersist(): void {
    if (persistTimer !== undefined) return;
    persistTimer = setTimeout(() => {
      persistTimer = undefined;
      bridge.save({ state: persistableState(state), smoothing: charts.smoothing() });
    }, PERSIST_INTERVAL_MS);
  }

  function announce(text: string): void {
    // Clearing first makes screen readers repeat an identical message.
    live.textContent = '';
    requestAnimationFrame(() => setText(live, text));
  }

  function onEvent(event: WorkerEvent): void {
    state = reducePanelState(state, event, Date.now());
    switch (event.type) {
      case 'epochEnd':
        if (event.epoch !== announcedEpoch) {
          announcedEpoch = event.epoch;
          announce(epochAnnouncement(event, event.epochs));
        }
        break;
      case 'done':
        announce(event.stopped ? `Training stopped after ${event.history.length} epochs.` : `Training finished: ${event.history.length} epochs.`);
        break;
      case 'evaluation':
        announce(`Evaluation finished: test accuracy ${fixed(event.acc)}.`);
        break;
      case 'error':
        if (event.code !== 'BUSY') announce(`Error: ${event.message}`);
        break;
      default:
        break;
    }
  }

  window.addEventListener('message', (ev: MessageEvent) => {
    const msg = ev.data as HostMessage | undefined;
    if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') return;
    perf.messages++;
    switch (msg.type) {
      case 'state':
        if (!msg.state || !Array.isArray(msg.state.history)) return;
        state = msg.state;
        announcedEpoch = lastEpoch(state.history); // a snapshot is not news: do not re-announce it
        break;
      case 'event':
        if (!msg.event || typeof msg.event.type !== 'string') return;
        onEvent(msg.event);
        break;
      case 'runs':
        if (!Array.isArray(msg.runs)) return;
        state = { ...state, runs: msg.runs };
        break;
      case 'prediction':
        tryit.onPrediction(msg.id, msg.probabilities);
        return;
      case 'predictionError':
        tryit.onPredictionError(msg.id, msg.message);
        return;
      case 'misclassifiedPage':
        if (Array.isArray(msg.images)) evaluation.onPage(msg.id, msg.images);
        return;
      case 'misclassifiedPageError':
        evaluation.onPageError(msg.id, String(msg.message));
        return;
      case 'activations':
        if (typeof msg.result !== 'object' || msg.result === null || !Array.isArray(msg.result.layers)) return;
        inside.onActivations(msg.id, msg.result, typeof msg.source === 'string' ? msg.source : undefined);
        return;
      case 'activationsError':
        inside.onActivationsError(msg.id, msg.message);
        return;
      case 'insideRecording':
        if (typeof msg.recording !== 'object' || msg.recording === null || !Array.isArray(msg.recording.snapshots)) return;
        inside.onRecording(msg.id, msg.runDir, msg.recording, typeof msg.source === 'string' ? msg.source : undefined);
        return;
      case 'insideRecordingError':
        inside.onRecordingError(msg.id, msg.message);
        return;
      case 'comparison':
        if (!Array.isArray(msg.runs)) return;
        compare.onComparison(msg.id, msg.runs);
        return;
      case 'comparisonError':
        compare.onComparisonError(msg.id, String(msg.message));
        return;
      case 'showLayer':
        if (typeof msg.layer === 'string') inside.showLayer(msg.layer);
        return;
      default:
        return; // unknown message from a newer host: ignore
    }
    invalidate();
    schedulePersist();
  });

  // VS Code switches themes by changing the body class and the --vscode-* variables on <html>;
  // canvases (charts) must be redrawn with the new colours.
  let themeFrame = false;
  const onTheme = () => {
    if (themeFrame) return;
    themeFrame = true;
    requestAnimationFrame(() => { themeFrame = false; applyStatusColours(); tryit.refreshTheme(); charts.refreshTheme(); inside.refreshTheme(); compare.refreshTheme(); });
  };
  const mo = new MutationObserver(onTheme);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

  invalidate();
  post({ type: 'ready' });
}

function lastEpoch(history: EpochMetrics[]): number {
  return history.length ? history[history.length - 1].epoch : 0;
}

// The host puts the script at the end of <body>; should it ever move to <head>, wait for the DOM.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
