// The extension's training session: owns the worker (through WorkerClient), the live panel state,
// the status bar item, the progress notification and the "LeNet Lab" output channel, and answers
// the commands and the panel's messages. Everything heavy (tfjs, data, training, evaluation,
// prediction) happens in the worker process; this side only moves messages and files around.
import * as vscode from 'vscode';
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatSummary } from '../model/summary';
import type { InferResult } from '../model/infer';
import type { BackendChoice, TrainConfig, WorkerEvent } from '../shared/protocol';
import { trainStepText } from '../shared/trainStepText';
import { readResumable, resumeRequest, resumeTotal } from '../shared/resumable';
import { BACKEND_CHOICES } from '../shared/trainOptions';
import { errorMessage } from '../shared/errors';
import { resumeChoices } from './resumeRun';
import { datasetSizeText } from '../shared/datasetText';
import { counted } from '../shared/plural';
import { formatEpochHeader, formatEpochLine } from '../shared/kerasLog';
import {
  countImages, evaluationText, isActive, reducePanelState, restorePanelState, startingPanelState,
} from '../shared/panelState';
import type { HostMessage, PanelState, RunInfo, WebviewMessage } from '../shared/webviewProtocol';
import { TrainingPanel, type PanelHost } from './panel';
import { latestRunWithModel, listRuns, runPanelState, type RunDetails } from './runs';
import {
  datasetCacheDir, readOutputDirectory, readTrainSettings, settingsErrorMessage, type SettingsContext,
} from './settings';
import { statusBarText } from './statusText';
import { WorkerClient } from './workerClient';
import { exportRunForKeras, isKerasModelFile } from './exportKeras';
import { readTrainRequest } from '../editor/trainRequest';
import { InsideRequests } from './insideRequests';
import { MisclassifiedRequests } from './misclassifiedRequests';
import { compareAnswer } from './compareRuns';

/** workspaceState key of the last live panel state (restored after a window reload). */
export const STATE_KEY = 'lenetLab.panelState';
export const CONTEXT_ACTIVE = 'lenet.trainingActive';
const PERSIST_DELAY_MS = 2000;
const UI_THROTTLE_MS = 250;
const STOP_WAIT_MS = 15000;

/** An error event that answers one predict request (it carries the request's id). */
export function errorForPrediction(e: Extract<WorkerEvent, { type: 'error' }>): e is typeof e & { id: number } {
  return e.id !== undefined;
}

interface ProgressHandle {
  update(fraction: number | undefined, message: string): void;
  finish(): void;
}

export const UNTRUSTED_MESSAGE = 'LeNet: training reads data and model files of this workspace and writes run folders where its settings say; trust the workspace to train.';
const MANAGE_TRUST = 'Manage Workspace Trust';

export class LenetController implements PanelHost, vscode.Disposable {
  private state: PanelState;
  private worker: WorkerClient | undefined;
  private output: vscode.OutputChannel | undefined;
  private statusItem: vscode.StatusBarItem | undefined;
  private progress: ProgressHandle | undefined;
  private runs: RunDetails[] = [];
  private knownRunDirs = new Set<string>();
  /** The past run the panel shows instead of the live one (events are then not forwarded). */
  private viewing: string | undefined;
  /** A Keras .h5 model evaluated last: the try-it pad predicts with it until a run is trained, evaluated or opened. */
  private kerasModel: string | undefined;
  private pendingPredicts = new Set<number>();
  /** The panel's Inside the network: activations requests, recordings, layer source lines. */
  private readonly inside = new InsideRequests({
    post: (m) => this.post(m),
    worker: () => this.ensureWorker(this.setting<BackendChoice>('backend', 'auto')),
    shownRun: () => this.viewing || this.state.runDir || latestRunWithModel(this.runs.length ? this.runs : this.refreshRuns())?.runDir,
    answeringModel: () => this.answeringModel(),
    cacheDir: () => datasetCacheDir(this.ctx.globalStorageUri.fsPath),
    log: (line) => this.log(line),
  });
  /** The shown evaluation's misclassified images, a page at a time. */
  private readonly misclassified = new MisclassifiedRequests({
    post: (m) => this.post(m),
    send: (cmd) => this.ensureWorker(this.setting<BackendChoice>('backend', 'auto')).send(cmd),
    evaluation: () => (this.viewing ? undefined : this.state.evaluation),
    cacheDir: () => datasetCacheDir(this.ctx.globalStorageUri.fsPath),
    log: (line) => this.log(line),
  });
  /** predictOnce() callers waiting for their answer (by request id). */
  private apiPredicts = new Map<number, { resolve(p: number[]): void; reject(e: Error): void }>();
  private persistTimer: NodeJS.Timeout | undefined;
  private uiTimer: NodeJS.Timeout | undefined;
  private batchesPerEpoch = 0;
  private active = false;

  constructor(private readonly ctx: vscode.ExtensionContext) {
    this.state = restorePanelState(ctx.workspaceState.get(STATE_KEY));
  }

  // ---- commands ------------------------------------------------------------------------------

  /** `request`: optional { model, source } (lenet.trainThisModel) to train instead of the seed's LeNet-5. */
  async startTraining(request?: unknown): Promise<boolean> {
    if (this.refusesUntrusted()) return false;
    const settings = readTrainSettings((k) => vscode.workspace.getConfiguration('lenet').get(k), this.settingsContext());
    if (!settings.ok) {
      this.log(`Not started: ${settings.errors.join(' ')}`);
      void vscode.window.showErrorMessage(settingsErrorMessage(settings.errors));
      return false;
    }
    const picked = readTrainRequest(request);
    if ('error' in picked) {
      this.log(`Not started: ${picked.error}`);
      void vscode.window.showErrorMessage(`LeNet: ${picked.error}`);
      return false;
    }
    const config = picked.model ? { ...settings.config, model: picked.model, ...(picked.source ? { source: picked.source } : {}) } : settings.config;
    return this.launch(config, (prev) => startingPanelState(prev, config.epochs), [
      `Training LeNet: ${config.epochs} epochs, batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, dataset ${config.dataset}${config.limit ? ` (first ${config.limit} images)` : ''}, backend ${config.backend}, seed ${config.seed}`,
      ...(picked.source ? [`Model from ${picked.source}`] : []),
      `Run folder under ${config.outDir}`,
    ]);
  }

  /** Continues a stopped or interrupted run in its own folder; epochs: the new total (default: the run's). */
  async resumeRun(runDir: string, epochs?: number): Promise<boolean> {
    if (this.refusesUntrusted()) return false;
    let config: TrainConfig;
    try {
      const r = readResumable(runDir);
      const backend = this.setting<string>('backend', 'auto');
      config = resumeRequest(r, resumeTotal(r, epochs), (BACKEND_CHOICES as readonly string[]).includes(backend) ? (backend as BackendChoice) : 'auto',
        datasetCacheDir(this.ctx.globalStorageUri.fsPath));
    } catch (err) {
      this.log(`Not resumed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`LeNet: ${errorMessage(err)}`);
      return false;
    }
    // The panel starts from the epochs the folder holds; the resumed ones follow them.
    return this.launch(config, (prev) => ({
      ...runPanelState(config.resumeFrom!, prev.runs), viewingRun: undefined, runs: prev.runs, status: 'starting', message: `Resuming ${basename(config.resumeFrom!)}`,
    }),
    [`Resuming ${config.resumeFrom} to ${config.epochs} epochs, with its own settings`]);
  }

  /** "LeNet: Resume Run...": picks one of the runs that can go on. */
  async resumePicked(): Promise<boolean> {
    const choices = resumeChoices(this.outputDirectory());
    if (choices.length === 0) {
      void vscode.window.showInformationMessage(`LeNet: no stopped or interrupted run in ${this.outputDirectory()} to resume.`);
      return false;
    }
    const pick = await vscode.window.showQuickPick(choices, { title: 'LeNet: resume which run?', placeHolder: 'Stopped or interrupted runs, newest first' });
    return pick ? this.resumeRun(pick.runDir) : false;
  }

  /** Restricted Mode: training reads the workspace's data and model files and writes run folders where its settings say. */
  private refusesUntrusted(): boolean {
    if (vscode.workspace.isTrusted !== false) return false;
    this.log('Not started: this workspace is not trusted (Restricted Mode).');
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, MANAGE_TRUST).then((choice) => {
      if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return true;
  }

  /** Starts the worker on config once no other run or evaluation is in the way. */
  private async launch(config: TrainConfig, initial: (prev: PanelState) => PanelState, lines: string[]): Promise<boolean> {
    if (this.isRunActive()) {
      const choice = await vscode.window.showWarningMessage(
        'LeNet: A training run is active.', 'Stop and Start New', 'Keep Current',
      );
      if (choice !== 'Stop and Start New') return false;
      // The run may have ended while the question was open: then there is nothing to stop.
      if (this.isRunActive()) await this.stopAndWait();
    }
    if (this.state.status === 'evaluating' && this.worker?.alive) {
      void vscode.window.showWarningMessage('LeNet: an evaluation is running; start training when it has finished.');
      return false;
    }
    const workerPath = this.ctx.asAbsolutePath(join('dist', 'worker.js'));
    if (!existsSync(workerPath)) {
      void vscode.window.showErrorMessage(`LeNet: the training worker is missing (${workerPath}). Reinstall the extension or run "npm run build".`);
      return false;
    }
    const worker = this.ensureWorker(config.backend);
    this.viewing = undefined;
    this.kerasModel = undefined;
    this.batchesPerEpoch = 0;
    this.state = initial(this.state);
    this.broadcastState();
    this.setActive(true);
    this.showOutputLine('');
    for (const line of lines) this.log(line);
    this.showPanel(true);
    this.startProgress('LeNet: training', true);
    if (!worker.send({ type: 'train', config })) {
      this.failLocally('the training worker could not be reached');
      return false;
    }
    this.updateUi(true);
    this.schedulePersist();
    return true;
  }

  stopTraining(): void {
    if (!this.isRunActive()) {
      void vscode.window.showInformationMessage('LeNet: no training run is active.');
      return;
    }
    this.state = { ...this.state, status: 'stopping', message: 'Stopping after the current batch' };
    this.broadcastState();
    this.log('Stop requested: the run stops after the current batch and keeps what it saved.');
    this.worker?.stop();
    this.updateUi(true);
  }

  /** Evaluates a run's model (the newest with a model when none is given) on its test set. */
  async evaluate(modelDir?: string): Promise<boolean> {
    if (this.refusesEvaluation()) return false;
    const runs = this.refreshRuns();
    // A Keras .h5 model file is evaluated like a run folder (the worker reads both).
    const run = modelDir && isKerasModelFile(modelDir)
      ? { runDir: modelDir, name: basename(modelDir), hasModel: existsSync(modelDir) }
      : modelDir ? runs.find((r) => r.runDir === modelDir) : latestRunWithModel(runs);
    if (!run || !run.hasModel) {
      const where = this.outputDirectory();
      void vscode.window.showErrorMessage(
        modelDir
          ? `LeNet: no saved model in ${modelDir}.`
          : `LeNet: no trained model in ${where}. Run "LeNet: Start Training" first.`,
      );
      return false;
    }
    const backend = this.setting<BackendChoice>('backend', 'auto');
    const worker = this.ensureWorker(backend);
    this.viewing = undefined;
    this.kerasModel = isKerasModelFile(run.runDir) ? run.runDir : undefined;
    this.state = { ...this.state, status: 'evaluating', message: `Evaluating run ${run.name} on the test set` };
    this.broadcastState();
    this.showPanel(true);
    this.log(`Evaluating ${run.runDir}`);
    this.startProgress(`LeNet: evaluating ${run.name}`, false);
    const sent = worker.send({
      type: 'evaluate', modelDir: run.runDir, cacheDir: datasetCacheDir(this.ctx.globalStorageUri.fsPath),
      backend, outDir: this.outputDirectory(),
    });
    if (!sent) this.failLocally('the training worker could not be reached');
    this.updateUi(true);
    return sent;
  }

  /** Evaluates a Keras .h5 model: the file given (explorer menu), else one picked in an open dialog. */
  async evaluateKerasModel(file?: vscode.Uri): Promise<boolean> {
    const target = file ?? (await vscode.window.showOpenDialog({
      title: 'LeNet: evaluate which Keras model?', canSelectMany: false, filters: { 'Keras HDF5 model': ['h5', 'hdf5'] },
    }))?.[0];
    return target ? this.evaluate(target.fsPath) : false;
  }

  /** Says why an evaluation cannot start now (a run or another evaluation is busy), if it cannot. */
  private refusesEvaluation(): boolean {
    if (this.isRunActive()) {
      void vscode.window.showWarningMessage('LeNet: stop the training run before evaluating (LeNet: Stop Training).');
      return true;
    }
    if (this.state.status === 'evaluating' && this.worker?.alive) {
      void vscode.window.showInformationMessage('LeNet: an evaluation is already running.');
      return true;
    }
    return false;
  }

  /** Quick pick of the runs that have a model, newest first, then evaluate the picked one. */
  async evaluatePicked(): Promise<boolean> {
    // Refused before the pick: asking which run, then refusing, wastes the user's choice.
    if (this.refusesEvaluation()) return false;
    const runs = this.refreshRuns().filter((r) => r.hasModel);
    if (runs.length === 0) {
      void vscode.window.showErrorMessage(`LeNet: no trained model in ${this.outputDirectory()}. Run "LeNet: Start Training" first.`);
      return false;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r, i) => ({
        label: r.name,
        description: [i === 0 ? 'latest' : undefined, r.dataset, `${r.final?.epoch ?? 0}/${r.epochs} epochs`,
          r.final && Number.isFinite(r.final.val_acc) ? `val ${r.final.val_acc.toFixed(3)}` : undefined]
          .filter(Boolean).join(' · '),
        detail: r.runDir,
        runDir: r.runDir,
      })),
      { title: 'LeNet: evaluate which run?', placeHolder: 'Run folders with a saved model, newest first' },
    );
    return pick ? this.evaluate(pick.runDir) : false;
  }

  showPanel(preserveFocus = false): void {
    TrainingPanel.createOrShow(this.ctx.extensionUri, this, preserveFocus);
  }

  revivePanel(panel: vscode.WebviewPanel): void {
    TrainingPanel.revive(panel, this.ctx.extensionUri, this);
    this.showStatus(); // the restored run's status bar item too
  }

  /** Shows the status bar item for the current (possibly restored) state; hidden when idle. */
  showStatus(): void {
    this.updateUi(true);
  }

  // ---- PanelHost -----------------------------------------------------------------------------

  knownRuns(): ReadonlySet<string> {
    return this.knownRunDirs;
  }

  log(line: string): void {
    this.showOutputLine(line);
  }

  onPanelDisposed(): void {
    // Closing the panel changes nothing about the run; the next panel starts from the live view.
    this.viewing = undefined;
  }

  onWebviewMessage(m: WebviewMessage): void {
    switch (m.type) {
      case 'ready':
        this.refreshRuns();
        this.post({ type: 'state', state: this.viewing ? runPanelState(this.viewing, this.runInfos()) : this.state });
        this.inside.onReady();
        return;
      case 'command': {
        const id = { start: 'lenet.startTraining', stop: 'lenet.stopTraining', evaluate: 'lenet.evaluate' }[m.command];
        void vscode.commands.executeCommand(id);
        return;
      }
      case 'predict':
        this.predict(m.id, m.pixels);
        return;
      case 'misclassifiedPage':
        this.misclassified.onWebviewMessage(m);
        return;
      case 'inspect':
      case 'inspectTraining':
      case 'openLayerSource':
        this.inside.onWebviewMessage(m);
        return;
      case 'openRun':
        this.viewing = m.runDir;
        this.kerasModel = undefined;
        this.post({ type: 'state', state: runPanelState(m.runDir, this.runInfos()) });
        return;
      case 'showLive':
        this.viewing = undefined;
        this.post({ type: 'state', state: this.state });
        return;
      case 'exportCsv':
        void this.exportCsv(m.runDir);
        return;
      case 'exportKeras':
        void this.exportKeras(m.runDir);
        return;
      case 'refreshRuns':
        this.refreshRuns();
        return;
      case 'compareRuns':
        this.post(compareAnswer(m.id, m.runDirs));
        return;
    }
  }

  // ---- worker ----------------------------------------------------------------------------------

  private ensureWorker(backend: BackendChoice): WorkerClient {
    if (this.worker?.alive) return this.worker;
    const w = new WorkerClient({
      workerPath: this.ctx.asAbsolutePath(join('dist', 'worker.js')),
      backend,
      log: (t) => this.outputChannel().append(t),
    });
    w.onEvent((e) => this.onWorkerEvent(w, e));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }

  private onWorkerEvent(w: WorkerClient, e: WorkerEvent): void {
    if (w !== this.worker && e.type !== 'error') return; // a replaced worker's leftovers
    if (e.type === 'prediction') {
      this.pendingPredicts.delete(e.id);
      const api = this.apiPredicts.get(e.id);
      this.apiPredicts.delete(e.id);
      if (api) api.resolve(e.probabilities);
      else this.post({ type: 'prediction', id: e.id, probabilities: e.probabilities });
      return;
    }
    if (this.inside.onWorkerEvent(e) || this.misclassified.onWorkerEvent(e)) return;
    // A failed prediction carries its request's id: it answers that request only and never
    // touches the run's state (a training that goes on must not turn into an error).
    if (e.type === 'error' && errorForPrediction(e)) {
      const waiting = this.pendingPredicts.has(e.id) || this.apiPredicts.has(e.id);
      if (waiting) this.failPrediction(e.id, e.message);
      this.log(`[predict ${e.id}] ${e.code}: ${e.message}${waiting ? '' : ' (no longer waited for)'}`);
      return;
    }
    this.logEvent(e);
    const before = this.state.status;
    this.state = reducePanelState(this.state, e, Date.now());
    // A hidden panel's webview is gone (no retainContextWhenHidden): VS Code would drop the event,
    // and the webview asks for the whole state with 'ready' when it is shown again.
    if (!this.viewing && TrainingPanel.current?.visible) this.post({ type: 'event', event: e });

    switch (e.type) {
      case 'epochBegin':
        this.batchesPerEpoch = e.batches;
        break;
      case 'epochEnd':
      case 'stopped':
        this.schedulePersist();
        break;
      case 'done':
        this.endRun();
        this.refreshRuns();
        break;
      case 'evaluation': {
        this.progress?.finish();
        void vscode.window.showInformationMessage(evaluationText(e));
        this.schedulePersist(true);
        break;
      }
      case 'error':
        this.onWorkerError(e, before);
        break;
      default:
        break;
    }
    this.updateUi(e.type !== 'batchEnd');
  }

  private onWorkerError(e: Extract<WorkerEvent, { type: 'error' }>, before: PanelState['status']): void {
    if (e.code === 'BUSY') {
      void vscode.window.showWarningMessage(`LeNet: ${e.message}`);
      return;
    }
    const wasRunning = isActive(before);
    this.failPredictions(e.message);
    if (e.code === 'WORKER_EXITED') {
      this.worker = undefined;
      this.inside.workerExited(e.message);
      const kept = wasRunning ? ' The run folder keeps the epochs saved so far.' : '';
      void vscode.window.showErrorMessage(`LeNet: ${e.message}.${kept}`, 'Show Output').then((c) => {
        if (c) this.outputChannel().show(true);
      });
    } else {
      void vscode.window.showErrorMessage(`LeNet: ${e.message}`, 'Show Output').then((c) => {
        if (c) this.outputChannel().show(true);
      });
    }
    this.endRun();
  }

  /** A run (or evaluation) is over, whatever the outcome. */
  private endRun(): void {
    this.progress?.finish();
    this.progress = undefined;
    this.setActive(false);
    this.schedulePersist(true);
  }

  private failLocally(message: string): void {
    this.state = { ...this.state, status: 'error', message };
    this.broadcastState();
    void vscode.window.showErrorMessage(`LeNet: ${message}`);
    this.endRun();
    this.updateUi(true);
  }

  private async stopAndWait(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.stopTraining();
    try {
      await w.waitFor('done', STOP_WAIT_MS);
    } catch {
      // Did not stop in time (or failed): kill it; the run folder keeps the last saved epoch.
      this.log(`The worker did not stop within ${STOP_WAIT_MS / 1000} s; killing it.`);
      w.kill();
      if (this.worker === w) this.worker = undefined;
      this.endRun();
    }
  }

  /**
   * The model the try-it pad and Inside the network answer with: the past run shown, else a Keras
   * .h5 model evaluated last, else the live run, else the newest run with a model.
   */
  private answeringModel(): string | undefined {
    return this.viewing || this.kerasModel || this.state.runDir || latestRunWithModel(this.runs.length ? this.runs : this.refreshRuns())?.runDir;
  }

  private predict(id: number, pixels: number[]): void {
    const modelDir = this.answeringModel();
    if (!modelDir || !existsSync(isKerasModelFile(modelDir) ? modelDir : join(modelDir, 'model.json'))) {
      this.failPrediction(id, 'No trained model yet: train one first (LeNet: Start Training).');
      return;
    }
    const w = this.ensureWorker(this.setting<BackendChoice>('backend', 'auto'));
    this.pendingPredicts.add(id);
    if (!w.send({ type: 'predict', id, pixels, modelDir })) {
      this.failPredictions('the worker is not running');
    }
  }

  /** The editor hover's "Show activations": the panel's Inside the network, at that layer. */
  showActivations(layer?: unknown): void {
    // A hidden panel's webview is gone (no retainContextWhenHidden): showing it loads it again.
    const live = !!TrainingPanel.current?.visible;
    this.showPanel();
    this.inside.showLayer(layer, live);
  }

  private failPrediction(id: number, message: string): void {
    this.pendingPredicts.delete(id);
    const api = this.apiPredicts.get(id);
    this.apiPredicts.delete(id);
    if (api) api.reject(new Error(message));
    else this.post({ type: 'predictionError', id, message });
  }

  private failPredictions(message: string): void {
    for (const id of [...this.pendingPredicts]) this.failPrediction(id, message);
  }

  // ---- runs ------------------------------------------------------------------------------------

  private refreshRuns(): RunDetails[] {
    this.runs = listRuns(this.outputDirectory());
    this.knownRunDirs = new Set(this.runs.map((r) => r.runDir));
    const infos = this.runInfos();
    this.state = { ...this.state, runs: infos };
    this.post({ type: 'runs', runs: infos });
    return this.runs;
  }

  private runInfos(): RunInfo[] {
    return this.runs.map(({ hasModel: _h, ...info }) => info);
  }

  private async exportCsv(runDir: string): Promise<void> {
    const src = join(runDir, 'metrics.csv');
    if (!existsSync(src)) {
      void vscode.window.showErrorMessage(`LeNet: ${basename(runDir)} has no metrics.csv yet.`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export run metrics as CSV',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `lenet-${basename(runDir)}-metrics.csv`) : undefined,
      filters: { 'CSV files': ['csv'] },
    });
    if (!target) return;
    try {
      await copyFile(src, target.fsPath);
      void vscode.window.showInformationMessage(`LeNet: metrics of ${basename(runDir)} saved to ${target.fsPath}`);
    } catch (err) {
      void vscode.window.showErrorMessage(`LeNet: could not write ${target.fsPath}: ${(err as Error).message}`);
    }
  }

  private async exportKeras(runDir: string): Promise<void> {
    if (!existsSync(join(runDir, 'model.json'))) {
      void vscode.window.showErrorMessage(`LeNet: ${basename(runDir)} has no saved model to export.`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export the model for Keras (HDF5)',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `lenet-${basename(runDir)}.h5`) : undefined,
      filters: { 'Keras HDF5 model': ['h5'] },
    });
    if (!target) return;
    const r = await exportRunForKeras(this.ctx.asAbsolutePath(join('dist', 'cli.js')), runDir, target.fsPath);
    if (r.ok) void vscode.window.showInformationMessage(`LeNet: model of ${basename(runDir)} saved for Keras as ${target.fsPath} (load it with keras.models.load_model).`);
    else void vscode.window.showErrorMessage(`LeNet: could not export ${basename(runDir)} for Keras: ${r.message}`);
  }

  // ---- UI --------------------------------------------------------------------------------------

  private post(m: HostMessage): void {
    TrainingPanel.current?.post(m);
  }

  private broadcastState(): void {
    if (!this.viewing) this.post({ type: 'state', state: this.state });
  }

  private outputChannel(): vscode.OutputChannel {
    this.output ??= vscode.window.createOutputChannel('LeNet Lab');
    return this.output;
  }

  private showOutputLine(line: string): void {
    this.outputChannel().appendLine(line);
  }

  /** Keras-style log lines for the output channel. */
  private logEvent(e: WorkerEvent): void {
    switch (e.type) {
      case 'ready':
        this.log(`Backend: ${e.backend} (${e.reason})`);
        break;
      case 'dataset':
        this.log(`Dataset: ${e.name} from ${e.source}: ${datasetSizeText(e)} images`);
        break;
      case 'trainStep':
        this.log(`Training step: ${trainStepText(e)}`);
        break;
      case 'summary': {
        const { type: _t, v: _v, ...s } = e;
        // formatSummary reads only the name, rows and totals, which SummaryInfo has.
        this.log(formatSummary({ name: 'sequential', inputShape: [null, 28, 28, 1], ...s } as unknown as InferResult).trimEnd());
        break;
      }
      case 'epochBegin':
        this.log(formatEpochHeader(e.epoch, e.epochs));
        break;
      case 'epochEnd':
        this.log(formatEpochLine(e, this.batchesPerEpoch || 1));
        break;
      case 'stopped':
        this.log(`Stopped during epoch ${e.epoch}, batch ${e.batch}.`);
        break;
      case 'done':
        this.log(`${e.stopped ? 'Stopped' : 'Finished'} after ${e.history.length} epoch(s). Run folder: ${e.runDir || '(none)'}`);
        break;
      case 'evaluation':
        this.log(`Evaluation of ${e.modelDir} on ${e.dataset}: test loss ${e.loss.toFixed(4)} - test accuracy ${e.acc.toFixed(4)} (${counted(countImages(e.confusion), 'image')})`);
        break;
      case 'log':
        this.log(`[${e.level}] ${e.message}`);
        break;
      case 'error':
        this.log(`[error ${e.code}] ${e.message}`);
        break;
      case 'downloadProgress':
        if (e.bytes === e.total) this.log(`Downloaded ${e.file} (${e.total} bytes)`);
        break;
      default:
        break;
    }
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    void vscode.commands.executeCommand('setContext', CONTEXT_ACTIVE, active);
  }

  private isRunActive(): boolean {
    return isActive(this.state.status) && !!this.worker?.alive;
  }

  /** Status bar and progress; per-batch updates are coalesced to a few per second. */
  private updateUi(now: boolean): void {
    if (now) {
      if (this.uiTimer) clearTimeout(this.uiTimer);
      this.uiTimer = undefined;
      this.renderUi();
    } else if (!this.uiTimer) {
      this.uiTimer = setTimeout(() => {
        this.uiTimer = undefined;
        this.renderUi();
      }, UI_THROTTLE_MS);
    }
  }

  private renderUi(): void {
    const text = statusBarText(this.state);
    if (text) {
      if (!this.statusItem) {
        this.statusItem = vscode.window.createStatusBarItem('lenetLab.status', vscode.StatusBarAlignment.Left, 10);
        this.statusItem.name = 'LeNet Lab';
        this.statusItem.command = 'lenet.showPanel';
      }
      this.statusItem.text = text.text;
      this.statusItem.tooltip = text.tooltip;
      this.statusItem.show();
    } else {
      this.statusItem?.hide();
    }
    const s = this.state;
    if (!this.progress) return;
    if (s.status === 'training' && s.epoch && s.epochs) {
      const within = s.batches ? (s.batch ?? 0) / s.batches : 0;
      this.progress.update((s.epoch - 1 + within) / s.epochs, `Epoch ${s.epoch}/${s.epochs}${s.batches ? ` · batch ${s.batch ?? 0}/${s.batches}` : ''}`);
    } else if (s.message) {
      this.progress.update(undefined, s.message);
    }
  }

  private startProgress(title: string, cancellable: boolean): void {
    this.progress?.finish();
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    let reporter: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let reported = 0;
    const handle: ProgressHandle = {
      update: (fraction, message) => {
        if (!reporter) return;
        const pct = fraction === undefined ? reported : Math.max(reported, Math.min(100, fraction * 100));
        reporter.report({ message, increment: pct - reported });
        reported = pct;
      },
      finish: () => finish(),
    };
    this.progress = handle;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable },
      (progress, token) => {
        reporter = progress;
        token.onCancellationRequested(() => {
          if (this.progress === handle && this.isRunActive()) this.stopTraining();
        });
        return finished;
      },
    );
  }

  // ---- settings and persistence ------------------------------------------------------------------

  private settingsContext(): SettingsContext {
    return {
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      globalStorage: this.ctx.globalStorageUri.fsPath,
    };
  }

  private outputDirectory(): string {
    return readOutputDirectory((k) => vscode.workspace.getConfiguration('lenet').get(k), this.settingsContext());
  }

  private setting<T>(key: string, fallback: T): T {
    return vscode.workspace.getConfiguration('lenet').get<T>(key) ?? fallback;
  }

  private schedulePersist(now = false): Promise<void> {
    if (now) {
      if (this.persistTimer) clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      return Promise.resolve(this.ctx.workspaceState.update(STATE_KEY, this.state)).then(undefined, () => undefined);
    }
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = undefined;
      void this.ctx.workspaceState.update(STATE_KEY, this.state);
    }, PERSIST_DELAY_MS);
    return Promise.resolve();
  }

  /**
   * For the API and the electron suite: the model's 10 probabilities for 784 pixels (0..1), the
   * same path as the panel's try-it pad (latest model, predicted in the worker).
   */
  predictOnce(pixels: number[], timeoutMs = 60000): Promise<number[]> {
    const id = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      const timer = setTimeout(() => {
        this.apiPredicts.delete(id);
        reject(new Error(`no prediction within ${timeoutMs} ms`));
      }, timeoutMs);
      this.apiPredicts.set(id, {
        resolve: (p) => { clearTimeout(timer); waiter.resolve(p); },
        reject: (e) => { clearTimeout(timer); waiter.reject(e); },
      });
      this.predict(id, pixels);
    });
  }

  /** For tests and the API: the live state. */
  get snapshot(): PanelState {
    return this.state;
  }

  /** On deactivate: save the state, let a running training save its weights, end the worker. */
  async shutdown(): Promise<void> {
    // Awaited: a window reload restores from this snapshot (panel and status bar item).
    await this.schedulePersist(true);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.dispose(3000);
  }

  dispose(): void {
    if (this.uiTimer) clearTimeout(this.uiTimer);
    this.progress?.finish();
    TrainingPanel.current?.dispose();
    this.statusItem?.dispose();
    this.output?.dispose();
    this.worker?.kill();
  }
}
