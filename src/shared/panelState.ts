// The training panel's state as a pure reducer over worker events. The extension host runs it to
// keep the snapshot it re-sends to a reopened or restored panel; the webview runs the same code on
// the events streamed to it, so both sides always agree. No vscode, no DOM, no clock unless given.
import { kerasNumber } from './kerasLog';
import { counted } from './plural';
import type { EpochMetrics, WorkerEvent } from './protocol';
import type { BatchSeries, EvaluationResult, PanelState, RunStatus } from './webviewProtocol';

/**
 * Upper bound on points kept in the per-batch series. 50 epochs x 938 batches is about 47,000
 * batches; charts stay smooth with a few thousand points. When the series grows past this, each
 * pair of neighbours is merged into one point (mean x, mean loss, mean acc, weighted by how many
 * batches each holds) and the stride doubles, so the series always holds between MAX/2 and MAX
 * points, evenly spaced (every point but the last holds exactly `stride` batches).
 */
export const MAX_BATCH_POINTS = 5000;

/** Statuses during which a worker is busy with a run; a restored snapshot cannot be in these. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['starting', 'loading', 'training', 'stopping'];

export function initialPanelState(): PanelState {
  return { status: 'idle', history: [], batchSeries: emptySeries(), runs: [] };
}

export function emptySeries(): BatchSeries {
  return { x: [], loss: [], acc: [], stride: 1, lastCount: 0 };
}

export function isActive(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/**
 * Applies one worker event. Returns a new state object (arrays that change are copied; the input
 * is never mutated). `nowMs` (Date.now()) lets the ETA work inside the first epoch; without it the
 * ETA starts after the first epoch ends.
 */
export function reducePanelState(state: PanelState, event: WorkerEvent, nowMs?: number): PanelState {
  switch (event.type) {
    case 'ready':
      return {
        ...state,
        backend: { name: event.backend, reason: event.reason },
        status: state.status === 'starting' ? 'loading' : state.status,
      };
    case 'downloadProgress': {
      const pct = event.total > 0 ? ` ${Math.floor((100 * event.bytes) / event.total)}%` : '';
      return { ...state, status: keepBusy(state.status, 'loading'), message: `Downloading ${event.file}${pct}` };
    }
    case 'dataset':
      return {
        ...state,
        status: keepBusy(state.status, 'loading'),
        dataset: {
          name: event.name, source: event.source, train: event.train,
          ...(event.available !== undefined ? { available: event.available } : {}),
          test: event.test, classes: event.classes,
        },
        // The header shows the dataset itself; the message says what happens next.
        message: 'Building the model',
      };
    case 'summary': {
      const { type: _t, v: _v, ...summary } = event;
      return { ...state, summary };
    }
    case 'epochBegin': {
      const next: PanelState = {
        ...state,
        status: keepBusy(state.status, 'training'),
        epoch: event.epoch,
        epochs: event.epochs,
        batch: 0,
        batches: event.batches,
        epochStartedAt: nowMs,
      };
      return { ...next, etaSeconds: estimateEtaSeconds(next, nowMs) };
    }
    case 'batchEnd': {
      const x = event.epoch - 1 + event.batch / event.batches;
      const next: PanelState = {
        ...state,
        status: keepBusy(state.status, 'training'),
        epoch: event.epoch,
        batch: event.batch,
        batches: event.batches,
        batchSeries: appendBatchPoint(state.batchSeries, x, event.loss, event.acc),
      };
      return { ...next, etaSeconds: estimateEtaSeconds(next, nowMs) };
    }
    case 'epochEnd': {
      const row: EpochMetrics = {
        epoch: event.epoch, loss: event.loss, acc: event.acc,
        val_loss: event.val_loss, val_acc: event.val_acc, seconds: event.seconds,
        ...(event.learning_rate !== undefined ? { learning_rate: event.learning_rate } : {}),
      };
      const next: PanelState = {
        ...state,
        epoch: event.epoch,
        epochs: event.epochs,
        batch: state.batches ?? state.batch,
        samplesPerSecond: event.samplesPerSecond,
        history: [...state.history.filter((h) => h.epoch !== event.epoch), row].sort((a, b) => a.epoch - b.epoch),
      };
      return { ...next, etaSeconds: estimateEtaSeconds(next, nowMs) };
    }
    case 'stopped':
      // The run is over only at `done` (after the weights and summary are saved): until then it
      // is still stopping, so a new run cannot start over it.
      return {
        ...state,
        status: 'stopping',
        etaSeconds: undefined,
        message: `Stopped during epoch ${event.epoch}, batch ${event.batch}; saving`,
      };
    case 'done':
      return {
        ...state,
        status: event.stopped ? 'stopped' : 'done',
        history: event.history.length > 0 ? event.history : state.history,
        // A run stopped before its folder existed (e.g. during a download) reports runDir ''.
        runDir: event.runDir || undefined,
        etaSeconds: undefined,
        message: event.stopped
          ? `Stopped after ${event.history.length} epoch${event.history.length === 1 ? '' : 's'}${event.runDir ? `; saved in ${event.runDir}` : ''}`
          : `Finished ${event.history.length} epoch${event.history.length === 1 ? '' : 's'}; saved in ${event.runDir}`,
      };
    case 'evaluation': {
      const { type: _t, v: _v, ...evaluation } = event;
      return {
        ...state,
        evaluation,
        status: state.status === 'evaluating' ? statusAfterEvaluation(state) : state.status,
        message: evaluationText(event),
      };
    }
    case 'trainStep':
      return { ...state, trainStep: { label: event.label, ...(event.reason !== undefined ? { reason: event.reason } : {}) } };
    case 'log':
      return event.level === 'warn' ? { ...state, message: event.message } : state;
    case 'error':
      // BUSY answers a request the worker could not take now; the run itself goes on.
      if (event.code === 'BUSY') return { ...state, message: event.message };
      return { ...state, status: 'error', etaSeconds: undefined, message: event.message };
    case 'prediction':
      return state;
    case 'callback': {
      const note = { epoch: event.epoch, callback: event.callback, message: event.message, ...(event.learningRate !== undefined ? { learningRate: event.learningRate } : {}) };
      return { ...state, callbacks: [...(state.callbacks ?? []), note], message: event.message };
    }
    default:
      return state;
  }
}

/**
 * "Epoch i/N" for the panel header and the status bar alike (both call this, so they cannot
 * disagree). While a run is busy, i is the epoch in progress; afterwards (stopped, done, failed,
 * evaluating, restored) it is the last completed epoch, which is what the run folder holds and what
 * a past run's view shows. Undefined before a run has a length.
 */
export function epochProgress(s: PanelState): { epoch: number; epochs: number } | undefined {
  if (s.epochs === undefined) return undefined;
  if (isActive(s.status)) return { epoch: s.epoch ?? 0, epochs: s.epochs };
  const last = s.history.length > 0 ? s.history[s.history.length - 1].epoch : 0;
  return { epoch: last, epochs: s.epochs };
}

/**
 * A snapshot worth a status bar item after a window reload: anything but an empty (idle) state.
 * Activation uses it to bring the item back even when the panel itself is not restored.
 */
export function hasRestoredRun(saved: unknown): boolean {
  return restorePanelState(saved).status !== 'idle';
}

/**
 * An evaluation is a detour: afterwards the panel shows the run's own outcome again, derived from
 * the state alone so that host and webview agree: no run yet -> idle, all epochs -> done, else stopped.
 */
function statusAfterEvaluation(s: PanelState): RunStatus {
  if (s.epochs === undefined) return 'idle';
  return s.history.length >= s.epochs ? 'done' : 'stopped';
}

/** While stopping, progress events must not flip the status back to training. */
function keepBusy(current: RunStatus, wanted: RunStatus): RunStatus {
  return current === 'stopping' ? current : wanted;
}

/** "Test accuracy 0.9750 on mnist-sample (2,000 images)": accuracy as Keras logs it, a fraction. */
export function evaluationText(e: { acc: number; dataset: string; confusion: number[][] }): string {
  return `Test accuracy ${kerasNumber(e.acc)} on ${e.dataset} (${counted(countImages(e.confusion), 'image')})`;
}

export function countImages(confusion: number[][]): number {
  let n = 0;
  for (const row of confusion) for (const c of row) n += c;
  return n;
}

/** Appends one batch point with the decimation described at MAX_BATCH_POINTS. */
export function appendBatchPoint(series: BatchSeries, x: number, loss: number, acc: number, max = MAX_BATCH_POINTS): BatchSeries {
  const stride = series.stride ?? 1;
  const n = series.x.length;
  const lastCount = series.lastCount ?? (n > 0 ? stride : 0);
  let xs: number[];
  let ls: number[];
  let as: number[];
  let count: number;
  if (n > 0 && lastCount < stride) {
    // The last point still has room: fold this batch into its running mean.
    xs = series.x.slice();
    ls = series.loss.slice();
    as = series.acc.slice();
    const w = lastCount / (lastCount + 1);
    xs[n - 1] = xs[n - 1] * w + x / (lastCount + 1);
    ls[n - 1] = ls[n - 1] * w + loss / (lastCount + 1);
    as[n - 1] = as[n - 1] * w + acc / (lastCount + 1);
    count = lastCount + 1;
  } else {
    xs = [...series.x, x];
    ls = [...series.loss, loss];
    as = [...series.acc, acc];
    count = 1;
  }
  if (xs.length <= max) return { x: xs, loss: ls, acc: as, stride, lastCount: count };
  return halve(xs, ls, as, stride, count);
}

/** Merges neighbours pairwise; every point but the last holds `stride` batches. */
function halve(xs: number[], ls: number[], as: number[], stride: number, lastCount: number): BatchSeries {
  const n = xs.length;
  const weight = (i: number) => (i === n - 1 ? lastCount : stride);
  const out: BatchSeries = { x: [], loss: [], acc: [], stride: stride * 2, lastCount: 0 };
  for (let i = 0; i < n; i += 2) {
    if (i + 1 >= n) {
      out.x.push(xs[i]);
      out.loss.push(ls[i]);
      out.acc.push(as[i]);
      out.lastCount = weight(i);
      break;
    }
    const a = weight(i);
    const b = weight(i + 1);
    const t = a + b;
    out.x.push((xs[i] * a + xs[i + 1] * b) / t);
    out.loss.push((ls[i] * a + ls[i + 1] * b) / t);
    out.acc.push((as[i] * a + as[i + 1] * b) / t);
    out.lastCount = t;
  }
  return out;
}

/**
 * Seconds left in the run: the mean duration of the last (up to 3) finished epochs times the
 * epochs and epoch fraction still to go. Before any epoch has finished, the pace of the current
 * epoch so far (needs nowMs and epochStartedAt). Undefined when it cannot be known yet.
 */
export function estimateEtaSeconds(s: PanelState, nowMs?: number): number | undefined {
  if (s.epoch === undefined || s.epochs === undefined) return undefined;
  const batches = s.batches ?? 0;
  const done = batches > 0 ? Math.min(1, (s.batch ?? 0) / batches) : 0;
  const finished = s.history.some((h) => h.epoch === s.epoch);
  // Fraction of the run's epochs still to go, counting the current epoch's remainder.
  const epochsLeft = Math.max(0, s.epochs - s.epoch) + (finished ? 0 : 1 - done);
  if (epochsLeft === 0) return 0;
  const recent = s.history.slice(-3).filter((h) => Number.isFinite(h.seconds) && h.seconds > 0);
  if (recent.length > 0) {
    const perEpoch = recent.reduce((a, h) => a + h.seconds, 0) / recent.length;
    return perEpoch * epochsLeft;
  }
  if (nowMs !== undefined && s.epochStartedAt !== undefined && done > 0) {
    const perEpoch = (nowMs - s.epochStartedAt) / 1000 / done;
    return perEpoch > 0 ? perEpoch * epochsLeft : undefined;
  }
  return undefined;
}

/**
 * The state to start a new run with: everything of the previous run cleared, the runs list kept.
 */
export function startingPanelState(prev: PanelState, epochs: number): PanelState {
  return { ...initialPanelState(), runs: prev.runs, status: 'starting', epochs, message: 'Starting the training worker' };
}

/**
 * A snapshot read back from storage after a window reload. Anything that does not look like a
 * PanelState gives the initial state; a snapshot saved mid-run is marked as interrupted, because
 * the worker did not survive the reload (the run folder keeps the epochs saved so far).
 */
export function restorePanelState(saved: unknown): PanelState {
  if (!isPanelStateLike(saved)) return initialPanelState();
  const s = withCurrentEvaluation(saved as PanelState);
  if (isActive(s.status) || s.status === 'evaluating') {
    return {
      ...s,
      status: isActive(s.status) ? 'interrupted' : statusAfterEvaluation(s),
      etaSeconds: undefined,
      message: isActive(s.status)
        ? 'Interrupted by a window reload; the run folder keeps the epochs saved so far'
        : 'The evaluation was interrupted by a window reload',
    };
  }
  return s;
}

/** An evaluation saved by an older version (no averages, no per-cell lists) is dropped: evaluate again. */
function withCurrentEvaluation(s: PanelState): PanelState {
  const e = s.evaluation as Partial<EvaluationResult> | undefined;
  const current = typeof e?.averages === 'object' && e.averages !== null && Array.isArray(e.misclassified) &&
    e.misclassified.every((c) => Array.isArray(c?.indices));
  if (!e || current) return s;
  const { evaluation: _old, ...rest } = s;
  return rest;
}

function isPanelStateLike(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  const series = o.batchSeries as Record<string, unknown> | undefined;
  return (
    typeof o.status === 'string' &&
    Array.isArray(o.history) &&
    Array.isArray(o.runs) &&
    typeof series === 'object' && series !== null &&
    Array.isArray(series.x) && Array.isArray(series.loss) && Array.isArray(series.acc) &&
    series.x.length === series.loss.length && series.x.length === series.acc.length
  );
}
