// The extension's composition root: it owns the training session (worker + live run), the run
// store, the output channel, the status bar and the panel, and composes what the panel shows:
// the selected run (live, or one read from its folder) with its evaluation. The commands
// (commands.ts) and the panel's messages (panelMessages.ts) act through it.
import * as vscode from 'vscode';
import { basename, dirname, join } from 'node:path';
import type { WorkerEvent } from '../shared/protocol';
import { restorePanelState } from '../shared/panelState';
import { pidAlive } from '../shared/pid';
import type { EvaluationResult, HostMessage, PanelState, WebviewMessage } from '../shared/webviewProtocol';
import { Disposable, toDisposable } from './dispose';
import type { Lab } from './lab';
import { InsideRequests } from './insideRequests';
import { Output } from './output';
import { TrainingPanel, type PanelHost } from './panel';
import { handleWebviewMessage, predictOnce } from './panelMessages';
import { listRuns, runPanelState } from './runs';
import {
  emptyRunStore, isLive, listedRuns, modelRun, reduceRunStore, runInfo, selectedRun, showsLive,
  type RunStoreAction, type RunStoreState,
} from './runStore';
import { TrainingSession } from './session';
import { datasetCacheDir, readOutputDirectory, type SettingsContext } from './settings';
import { StatusBar } from './statusBar';
import { onRunEnded, onWorkerError } from './notifications';
import { resumeRun } from './commands';
import { offerGitignore } from './gitignore';

/** workspaceState key of the last live panel state (restored after a window reload). */
export const STATE_KEY = 'lenetLab.panelState';
/** workspaceState key of the run the user picked to show (restored after a window reload). */
export const SELECTED_KEY = 'lenetLab.selectedRun';
export const CONTEXT_ACTIVE = 'lenet.trainingActive';
const PERSIST_DELAY_MS = 2000;

export class LenetController extends Disposable implements PanelHost, Lab {
  readonly output = this._register(new Output());
  readonly session: TrainingSession;
  private store: RunStoreState = emptyRunStore();
  private readonly statusBar = this._register(new StatusBar(() => this.statusState()));
  /** The last evaluation and the model it evaluated (a run folder, its best/, or a Keras .h5). */
  evaluation: { target: string; result: EvaluationResult } | undefined;
  /** An evaluation in progress: what it evaluates. */
  evaluating: string | undefined;
  evaluationFailed: string | undefined;
  /** A Keras .h5 evaluated last: try-it and Inside answer with it until a run is opened or trained. */
  kerasModel: string | undefined;
  /** Panel text about how the live run differs from its model file (e.g. its compile() optimizer). */
  notice: string | undefined;
  private knownRunDirs = new Set<string>();
  private folderViews = new Map<string, PanelState>();
  private persistTimer: NodeJS.Timeout | undefined;
  private active = false;
  readonly inside: InsideRequests;

  constructor(readonly ctx: vscode.ExtensionContext) {
    super();
    const restored = restorePanelState(ctx.workspaceState.get(STATE_KEY));
    this.session = this._register(new TrainingSession({
      workerPath: ctx.asAbsolutePath(join('dist', 'worker.js')),
      dispatch: (a) => this.dispatch(a),
      isLive: () => isLive(this.store),
      raw: (t) => this.output.raw(t),
      onRunEvent: (e, live) => this.onRunEvent(e, live),
      log: (l) => this.output.line(l),
    }, restored));
    this.inside = new InsideRequests({
      post: (m) => this.post(m),
      request: (command) => this.session.broker.request('activations', command),
      shownRun: () => this.shownRunDir(),
      answeringModel: () => this.answeringModel(),
      cacheDir: () => this.cacheDir(),
      log: (line) => this.output.line(line),
    });
    this._register(toDisposable(() => {
      if (this.persistTimer) clearTimeout(this.persistTimer);
      TrainingPanel.current?.dispose();
    }));
    this.refreshRuns();
    // The run picked before a reload, else the restored snapshot's (its folder says how far it got).
    const picked = ctx.workspaceState.get<string>(SELECTED_KEY);
    const show = [picked, restored.runDir].find((r) => r && this.knownRunDirs.has(r));
    if (show && show !== this.store.runs[0]?.runDir) this.dispatch({ type: 'select', runDir: show });
  }

  // ---- the store -------------------------------------------------------------------------------

  get runStore(): RunStoreState {
    return this.store;
  }

  dispatch(a: RunStoreAction): void {
    const before = this.store;
    this.store = reduceRunStore(this.store, a);
    if (this.store === before) return;
    if (a.type === 'ended') {
      this.statusBar.finishProgress();
      this.setActive(false);
      this.refreshRuns(false);
      onRunEnded(this, a);
      this.schedulePersist(true);
    }
    if (a.type === 'started') this.setActive(true);
    if (a.type === 'select' || a.type === 'started') void Promise.resolve(this.ctx.workspaceState.update(SELECTED_KEY, this.store.selected)).then(undefined, () => undefined);
    if (a.type === 'folder' || a.type === 'started') this.refreshRuns(false);
    if (a.type === 'folder') {
      void offerGitignore(this, dirname(a.runDir)); // .lenet/ now exists
      // Saved at once: a window reload moments later restores this run, not the one before it.
      void this.schedulePersist(true);
    }
    if (a.type !== 'scanned') this.broadcast();
  }
  /** Resumes a stopped or interrupted run (the Runs row's Resume, and after a reload). */
  resumeRun(runDir: string, epochs?: number): Promise<boolean> {
    return resumeRun(this, runDir, epochs);
  }

  /** Reads the run folders again; posts the list (and the whole state when `broadcast`). */
  refreshRuns(broadcast = true): void {
    const alive = (pid: number) => pid !== this.session.currentWorker?.pid && pidAlive(pid);
    this.store = reduceRunStore(this.store, { type: 'scanned', runs: listRuns(this.outputDirectory(), 200, alive) });
    this.knownRunDirs = new Set(this.store.runs.map((r) => r.runDir));
    this.folderViews.clear();
    this.post({ type: 'runs', runs: listedRuns(this.store) });
    if (broadcast) this.broadcast();
  }

  isRunActive(): boolean {
    return isLive(this.store);
  }

  /** The run folder the panel shows, if any. */
  shownRunDir(): string | undefined {
    const sel = selectedRun(this.store);
    return sel === 'live' ? undefined : sel;
  }

  /** The model try-it, Inside and Evaluate use: a Keras .h5 evaluated last, else the shown run's. */
  answeringModel(): string | undefined {
    return this.kerasModel ?? modelRun(this.store)?.runDir ?? this.shownRunDir();
  }

  // ---- what the panel and status bar show --------------------------------------------------------

  /** The selected run as the panel shows it. */
  view(): PanelState {
    const sel = selectedRun(this.store);
    const runs = listedRuns(this.store);
    const live = this.session.state;
    let s: PanelState;
    if (showsLive(this.store) || sel === undefined) {
      s = { ...live, runs, run: runInfo(this.store, live.runDir), viewingRun: undefined };
    } else {
      let folder = this.folderViews.get(sel);
      if (!folder) this.folderViews.set(sel, (folder = runPanelState(sel, runs)));
      // The run folder is the truth; the snapshot of the same run adds what a folder lacks.
      const same = live.runDir === sel && !isLive(this.store);
      s = same
        ? {
            ...folder, batchSeries: live.batchSeries, samplesPerSecond: live.samplesPerSecond,
            backend: live.backend ?? folder.backend, dataset: live.dataset ?? folder.dataset, evaluation: live.evaluation,
            message: live.status === folder.status ? live.message : folder.message,
          }
        : folder;
      s = { ...s, runs, viewingRun: this.store.selected };
    }
    const target = this.evaluation?.target;
    const shown = s.runDir ?? s.viewingRun;
    if (target && (target === shown || target === this.kerasModel || (shown && target === join(shown, 'best')))) s = { ...s, evaluation: this.evaluation!.result };
    if (this.evaluating) s = { ...s, status: 'evaluating', message: `Evaluating ${this.evaluating} on the test set` };
    else if (this.evaluationFailed) s = { ...s, message: this.evaluationFailed };
    if (this.notice && showsLive(this.store)) s = { ...s, notice: this.notice };
    const answering = this.kerasModel ? basename(this.kerasModel) : modelRun(this.store)?.label;
    return answering ? { ...s, answering } : s;
  }

  /** The status bar follows the live run while there is one, else what the panel shows. */
  private statusState(): PanelState {
    return isLive(this.store) ? this.session.state : this.view();
  }

  /** For tests and the API: what the panel shows. */
  get snapshot(): PanelState {
    return this.view();
  }

  /** For tests: the current worker. */
  get worker() {
    return this.session.currentWorker;
  }

  private onRunEvent(e: WorkerEvent, live: boolean): void {
    this.output.event(e);
    if (e.type === 'error') onWorkerError(this, e, live);
    if (!live) return;
    // A hidden panel's webview is gone (no retainContextWhenHidden): VS Code would drop the event,
    // and the webview asks for the whole state with 'ready' when it is shown again.
    if (showsLive(this.store) && TrainingPanel.current?.visible) this.post({ type: 'event', event: e });
    if (e.type === 'epochEnd' || e.type === 'stopped') this.schedulePersist();
    this.statusBar.update(e.type !== 'batchEnd');
  }

  broadcast(): void {
    this.post({ type: 'state', state: this.view() });
    this.statusBar.update(true);
  }

  post(m: HostMessage): void {
    TrainingPanel.current?.post(m);
  }

  startProgress(title: string, cancellable: boolean): void {
    this.statusBar.startProgress(title, cancellable ? () => { if (this.isRunActive()) this.session.stop(); this.broadcast(); } : undefined);
  }

  finishProgress(): void {
    this.statusBar.finishProgress();
  }

  // ---- panel -------------------------------------------------------------------------------------

  showPanel(preserveFocus = false): void {
    TrainingPanel.createOrShow(this.ctx.extensionUri, this, preserveFocus);
  }

  revivePanel(panel: vscode.WebviewPanel): void {
    TrainingPanel.revive(panel, this.ctx.extensionUri, this);
    this.showStatus();
  }

  panelVisible(): boolean {
    return !!TrainingPanel.current?.visible;
  }

  showStatus(): void {
    this.statusBar.update(true);
  }

  knownRuns(): ReadonlySet<string> {
    return this.knownRunDirs;
  }

  log(line: string): void {
    this.output.line(line);
  }

  onPanelDisposed(): void {
    // Closing the panel changes nothing about the run; the next panel shows the live or newest run.
    // (Not when the extension itself goes away: the selection is restored after a reload.)
    if (!this.isDisposed) this.dispatch({ type: 'select', runDir: undefined });
  }

  onWebviewMessage(m: WebviewMessage): void {
    handleWebviewMessage(this, m);
  }

  // ---- settings, persistence, lifetime -------------------------------------------------------------

  settingsContext(): SettingsContext {
    return { workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, globalStorage: this.ctx.globalStorageUri.fsPath };
  }

  outputDirectory(): string {
    return readOutputDirectory((k) => vscode.workspace.getConfiguration('lenet').get(k), this.settingsContext());
  }

  cacheDir(): string {
    return datasetCacheDir(this.ctx.globalStorageUri.fsPath);
  }

  setting<T>(key: string, fallback: T): T {
    return vscode.workspace.getConfiguration('lenet').get<T>(key) ?? fallback;
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    void vscode.commands.executeCommand('setContext', CONTEXT_ACTIVE, active);
  }

  schedulePersist(now = false): Promise<void> {
    const save = () => Promise.resolve(this.ctx.workspaceState.update(STATE_KEY, this.session.state)).then(undefined, () => undefined);
    if (now) {
      if (this.persistTimer) clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      return save();
    }
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = undefined;
      void save();
    }, PERSIST_DELAY_MS);
    return Promise.resolve();
  }

  /** For the API and the electron suite: the try-it pad's path for 784 pixels (0..1). */
  predictOnce(pixels: number[], timeoutMs = 60000): Promise<number[]> {
    return predictOnce(this, pixels, timeoutMs);
  }

  /** On deactivate: save the state, let a running training save its weights, end the worker. */
  async shutdown(): Promise<void> {
    // Awaited: a window reload restores from this snapshot (panel and status bar item).
    await this.schedulePersist(true);
    await this.session.shutdown();
  }
}
