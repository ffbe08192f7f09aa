// The training session: the worker process (started on demand, shared by training and the
// broker's requests) and the one live run's events. Each worker event goes one way, by the table
// ROUTE: an answer to a request settles it in the broker; a run event updates the live panel state
// and the run store. The session decides how a run ends (done, stopped, failed, interrupted) in one
// place, whatever ended it: the worker's `done`, an error, a crash, a kill after a stop that did
// not come, or the window going away. No vscode import.
import type { BackendChoice, TrainConfig, WorkerEvent } from '../shared/protocol';
import { isActive, reducePanelState, startingPanelState } from '../shared/panelState';
import type { PanelState } from '../shared/webviewProtocol';
import { WorkerClient } from '../client/workerClient';
import { RequestBroker } from './broker';
import { Disposable, toDisposable } from './dispose';
import { markRunEnded } from './runMeta';
import type { RunStoreAction } from './runStore';

/** Where each worker event goes: a request's answer (broker) or the live run (session). */
const ROUTE: { [K in WorkerEvent['type']]: 'answer' | 'run' } = {
  ready: 'run', downloadProgress: 'run', dataset: 'run', summary: 'run', epochBegin: 'run',
  batchEnd: 'run', epochEnd: 'run', stopped: 'run', callback: 'run', done: 'run', log: 'run',
  trainStep: 'run', evaluation: 'answer', prediction: 'answer', activations: 'answer', testImages: 'answer',
  // An error with a request's id (or during an evaluation) answers that request, else it is the run's.
  error: 'run',
};

export const STOP_WAIT_MS = 15000;

export interface SessionHost {
  workerPath: string;
  dispatch(a: RunStoreAction): void;
  /** A run is live in the store. */
  isLive(): boolean;
  /** The worker's stdout/stderr. */
  raw(text: string): void;
  /** A run event was applied (`live`: it belonged to the live run); the UI follows. */
  onRunEvent(e: WorkerEvent, live: boolean): void;
  log(line: string): void;
}

export class TrainingSession extends Disposable {
  private worker: WorkerClient | undefined;
  private liveState: PanelState;
  /** The backend the worker reported, kept for every run it serves (it says so only once). */
  private backend: PanelState['backend'];
  readonly broker: RequestBroker;
  private stopWaiters: (() => void)[] = [];

  constructor(private readonly host: SessionHost, restored: PanelState) {
    super();
    this.liveState = restored;
    this.backend = restored.backend;
    this.broker = new RequestBroker((cmd) => this.ensureWorker().send(cmd));
    this._register(toDisposable(() => this.worker?.kill()));
  }

  /** The live run's panel state (also the last run's, after it ended, until the next start). */
  get state(): PanelState {
    return this.liveState;
  }

  get workerAlive(): boolean {
    return !!this.worker?.alive;
  }

  /** For tests: the current worker. */
  get currentWorker(): WorkerClient | undefined {
    return this.worker;
  }

  ensureWorker(backend: BackendChoice = 'auto'): WorkerClient {
    if (this.worker?.alive) return this.worker;
    const w = new WorkerClient({ workerPath: this.host.workerPath, backend, log: (t) => this.host.raw(t) });
    w.onEvent((e) => this.route(w, e));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }

  /** Starts a run; false when the worker cannot be reached (the run then ends failed at once). */
  /** `initial`: the panel state the run starts from (a resumed run: the epochs its folder holds). */
  start(config: TrainConfig, initial?: PanelState): boolean {
    const w = this.ensureWorker(config.backend);
    this.liveState = { ...(initial ?? startingPanelState(this.liveState, config.epochs)), ...(this.backend ? { backend: this.backend } : {}) };
    this.host.dispatch({ type: 'started', epochs: config.epochs, ...(config.resumeFrom ? { runDir: config.resumeFrom } : {}) });
    if (!w.send({ type: 'train', config })) {
      this.end({ status: 'failed', reason: 'the training worker could not be reached' }, 'the training worker could not be reached');
      return false;
    }
    return true;
  }

  /** Asks the live run to stop after the current batch. */
  stop(): void {
    if (!this.host.isLive()) return;
    this.host.dispatch({ type: 'stopping' });
    this.liveState = { ...this.liveState, status: 'stopping', message: 'Stopping after the current batch' };
    this.worker?.stop();
  }

  /**
   * Stops the live run and resolves when it has ended; a worker that has not ended it within
   * `ms` is killed and the run recorded as stopped by that kill. Resolves at once with no live run.
   */
  async stopAndWait(ms = STOP_WAIT_MS): Promise<'ended' | 'killed'> {
    if (!this.host.isLive()) return 'ended';
    const ended = new Promise<void>((r) => this.stopWaiters.push(r));
    this.stop();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'killed'>((r) => (timer = setTimeout(() => r('killed'), ms)));
    const how = await Promise.race([ended.then(() => 'ended' as const), late]);
    clearTimeout(timer);
    if (how === 'killed' && this.host.isLive()) {
      const runDir = this.liveState.runDir;
      this.host.log(`The run did not stop within ${ms / 1000} s of the stop request; its worker was ended. The run folder keeps the epochs saved so far.`);
      this.worker?.kill();
      this.worker = undefined;
      const reason = `its worker did not stop within ${ms / 1000} s and was ended`;
      if (runDir) markRunEnded(runDir, 'stopped', reason);
      this.end({ status: 'stopped', reason }, `Stopped: ${reason}`);
    }
    return how;
  }

  private route(w: WorkerClient, e: WorkerEvent): void {
    if (w !== this.worker && !(e.type === 'error' && e.code === 'WORKER_EXITED')) return; // a replaced worker's leftovers
    if (ROUTE[e.type] === 'answer') {
      this.broker.handle(e);
      return;
    }
    if (this.broker.handle(e)) return; // an error that answers a request
    if (e.type === 'ready') this.backend = { name: e.backend, reason: e.reason };
    const live = this.host.isLive();
    if (!live) {
      // No run to change: a worker serving requests reports its backend, or crashed while idle.
      if (e.type === 'ready') this.liveState = { ...this.liveState, backend: this.backend };
      if (e.type === 'error' && e.code === 'WORKER_EXITED' && this.worker === w) this.worker = undefined;
      this.host.onRunEvent(e, false);
      return;
    }
    this.liveState = reducePanelState(this.liveState, e, Date.now());
    if (e.type === 'epochBegin' && e.runDir) {
      this.liveState = { ...this.liveState, runDir: e.runDir };
      this.host.dispatch({ type: 'folder', runDir: e.runDir });
    }
    this.host.onRunEvent(e, true);
    if (e.type === 'done') this.end({ status: e.stopped ? 'stopped' : 'done', runDir: e.runDir || undefined });
    else if (e.type === 'error' && e.code !== 'BUSY') {
      if (e.code === 'WORKER_EXITED' || e.code === 'TIMEOUT') {
        if (this.worker === w) this.worker = undefined;
        const reason = `${e.message}; the run folder keeps the epochs saved so far`;
        if (this.liveState.runDir) markRunEnded(this.liveState.runDir, 'interrupted', reason);
        this.end({ status: 'interrupted', reason }, undefined, 'interrupted');
      } else {
        this.end({ status: 'failed', reason: e.message }); // the worker wrote the reason into the folder
      }
    }
  }

  /** The live run has ended: one place for the store, the panel state and stopAndWait's callers. */
  private end(how: { status: 'done' | 'stopped' | 'failed' | 'interrupted'; reason?: string; runDir?: string }, message?: string, status?: PanelState['status']): void {
    this.host.dispatch({ type: 'ended', status: how.status, ...(how.runDir ? { runDir: how.runDir } : {}), ...(how.reason ? { reason: how.reason } : {}) });
    if (isActive(this.liveState.status) || status) {
      this.liveState = { ...this.liveState, status: status ?? (how.status === 'failed' ? 'error' : how.status === 'done' ? 'done' : 'stopped'), etaSeconds: undefined, ...(message ? { message } : {}) };
    }
    for (const w of this.stopWaiters.splice(0)) w();
  }

  /** For the evaluation view etc.: replace the live state's fields (never during a run). */
  patch(p: Partial<PanelState>): void {
    this.liveState = { ...this.liveState, ...p };
  }

  /**
   * The window is going away. A live run is ended at once and recorded as interrupted: its folder
   * keeps every completed epoch (each is saved as it ends) and it resumes from the last one; a
   * graceful stop would save mid-epoch weights that match no epoch of metrics.csv. Without a run
   * the worker gets a graceful shutdown.
   */
  async shutdown(graceMs = 3000): Promise<void> {
    const w = this.worker;
    const runDir = this.host.isLive() ? this.liveState.runDir : undefined;
    this.worker = undefined;
    if (runDir) {
      w?.kill();
      markRunEnded(runDir, 'interrupted', 'the window was reloaded or closed during training');
    } else if (w) {
      await w.dispose(graceMs);
    }
  }
}
