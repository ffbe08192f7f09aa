// The palette commands (and the panel's buttons, which run the same ones): thin handlers that
// check what the user asked against the run store and hand the work to the session or broker.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../shared/errors';
import type { BackendChoice, TrainConfig } from '../shared/protocol';
import { readResumable, resumeRequest, resumeTotal } from '../shared/resumable';
import { BACKEND_CHOICES } from '../shared/trainOptions';
import type { PanelState } from '../shared/webviewProtocol';
import { evaluationText } from '../shared/panelState';
import { resumeChoices } from './resumeRun';
import type { Lab } from './lab';
import type { RequestError } from './broker';
import { isKerasModelFile } from './exportKeras';
import { runPanelState } from './runs';
import { listedRuns, modelRun, runInfo, selectedRun } from './runStore';
import { readTrainSettings, settingsErrorMessage } from './settings';
import { readTrainRequest } from '../editor/trainRequest';

export const UNTRUSTED_MESSAGE = 'LeNet: training reads data and model files of this workspace and writes run folders where its settings say; trust the workspace to train.';
const MANAGE_TRUST = 'Manage Workspace Trust';

/** Restricted Mode: says why training cannot start (true), or false in a trusted workspace. */
function refusesUntrusted(lab: Lab): boolean {
  if (vscode.workspace.isTrusted !== false) return false;
  lab.log('Not started: this workspace is not trusted (Restricted Mode).');
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, MANAGE_TRUST).then((choice) => {
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

/** `request`: optional { model, source, compiled } (lenet.trainThisModel) to train instead of the seed's LeNet-5. */
export async function startTraining(lab: Lab, request?: unknown): Promise<boolean> {
  // Restricted Mode: training reads the workspace's data and model files and writes run folders
  // where its settings say; hovers and summaries work without trust, training asks for it.
  if (refusesUntrusted(lab)) return false;
  const settings = readTrainSettings((k) => vscode.workspace.getConfiguration('lenet').get(k), lab.settingsContext());
  if (!settings.ok) {
    lab.log(`Not started: ${settings.errors.join(' ')}`);
    void vscode.window.showErrorMessage(settingsErrorMessage(settings.errors));
    return false;
  }
  const picked = readTrainRequest(request);
  if ('error' in picked) {
    lab.log(`Not started: ${picked.error}`);
    void vscode.window.showErrorMessage(`LeNet: ${picked.error}`);
    return false;
  }
  let config: TrainConfig = picked.model ? { ...settings.config, model: picked.model, ...(picked.source ? { source: picked.source } : {}) } : settings.config;
  // The optimizer the model file compiles with is the one it trains with; one LeNet Lab lacks is said.
  let notice: string | undefined;
  if (picked.compiled?.optimizer && picked.compiled.optimizer !== config.optimizer) {
    notice = `Optimizer ${picked.compiled.optimizer} from the model file's compile() (the setting lenet.optimizer says ${config.optimizer}).`;
    config = { ...config, optimizer: picked.compiled.optimizer };
  } else if (picked.compiled && !picked.compiled.optimizer) {
    notice = `The model file compiles with ${picked.compiled.written}, which LeNet Lab does not train with: trained with ${config.optimizer} (lenet.optimizer).`;
  }
  return begin(lab, config, notice);
}

/** Continues a stopped or interrupted run in its own folder; epochs: the new total (default: the run's). */
export async function resumeRun(lab: Lab, runDir: string, epochs?: number): Promise<boolean> {
  if (refusesUntrusted(lab)) return false;
  let config: TrainConfig;
  try {
    const r = readResumable(runDir);
    const backend = lab.setting<string>('backend', 'auto');
    config = resumeRequest(r, resumeTotal(r, epochs), (BACKEND_CHOICES as readonly string[]).includes(backend) ? (backend as BackendChoice) : 'auto', lab.cacheDir());
  } catch (err) {
    lab.log(`Not resumed: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(`LeNet: ${errorMessage(err)}`);
    return false;
  }
  // The panel starts from the epochs the folder holds; the resumed ones follow them.
  const initial = { ...runPanelState(runDir, listedRuns(lab.runStore)), viewingRun: undefined, status: 'starting' as const, message: `Resuming ${basename(runDir)}` };
  return begin(lab, config, undefined, initial);
}

/** "LeNet: Resume Run...": picks one of the runs that can go on (stopped, interrupted or failed with epochs left). */
export async function resumePicked(lab: Lab): Promise<boolean> {
  const choices = resumeChoices(lab.outputDirectory());
  if (choices.length === 0) {
    void vscode.window.showInformationMessage(`LeNet: no stopped or interrupted run in ${lab.outputDirectory()} to resume.`);
    return false;
  }
  const pick = await vscode.window.showQuickPick(choices, { title: 'LeNet: resume which run?', placeHolder: 'Stopped or interrupted runs, newest first' });
  return pick ? resumeRun(lab, pick.runDir) : false;
}

/** Starts `config` once no run or evaluation is in the way (asking to stop an active run). */
async function begin(lab: Lab, config: TrainConfig, notice: string | undefined, initial?: PanelState): Promise<boolean> {
  if (lab.isRunActive()) {
    const choice = await vscode.window.showWarningMessage('LeNet: A training run is active.', 'Stop and Start New', 'Keep Current');
    if (choice !== 'Stop and Start New') return false;
    // The run may have ended while the question was open: then there is nothing to stop.
    if (lab.isRunActive()) await lab.session.stopAndWait();
  }
  if (lab.evaluating) {
    void vscode.window.showWarningMessage('LeNet: an evaluation is running; start training when it has finished.');
    return false;
  }
  const workerPath = lab.ctx.asAbsolutePath(join('dist', 'worker.js'));
  if (!existsSync(workerPath)) {
    void vscode.window.showErrorMessage(`LeNet: the training worker is missing (${workerPath}). Reinstall the extension or run "npm run build".`);
    return false;
  }
  lab.kerasModel = undefined;
  lab.evaluationFailed = undefined;
  lab.notice = notice;
  lab.log('');
  lab.log(`${config.resumeFrom ? `Resuming ${config.resumeFrom} to` : 'Training LeNet:'} ${config.epochs} epochs, batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, dataset ${config.dataset}${config.limit ? ` (first ${config.limit} images)` : ''}, backend ${config.backend}, seed ${config.seed}`);
  if (config.source) lab.log(`Model from ${config.source}`);
  if (notice) lab.log(notice);
  lab.log(`Run folder under ${config.outDir}`);
  lab.showPanel(true);
  lab.startProgress('LeNet: training', true);
  const sent = lab.session.start(config, initial);
  lab.broadcast();
  lab.schedulePersist();
  if (!sent) void vscode.window.showErrorMessage('LeNet: the training worker could not be reached');
  return sent;
}

export function stopTraining(lab: Lab): void {
  if (!lab.isRunActive()) {
    void vscode.window.showInformationMessage('LeNet: no training run is active.');
    return;
  }
  lab.log('Stop requested: the run stops after the current batch and keeps what it saved.');
  lab.session.stop();
  lab.broadcast();
}

/** Says why an evaluation cannot start now (a run or another evaluation is busy), if it cannot. */
function refusesEvaluation(lab: Lab): boolean {
  if (lab.isRunActive()) {
    void vscode.window.showWarningMessage('LeNet: stop the training run before evaluating (LeNet: Stop Training).');
    return true;
  }
  if (lab.evaluating) {
    void vscode.window.showInformationMessage('LeNet: an evaluation is already running.');
    return true;
  }
  return false;
}

/**
 * Evaluates a model on its test set: `modelDir` (a listed run, its best/, or a Keras .h5), else
 * the selected run, else the newest run with a model. The evaluated run becomes the selected one.
 */
export async function evaluate(lab: Lab, modelDir?: string): Promise<boolean> {
  if (refusesEvaluation(lab)) return false;
  lab.refreshRuns(false);
  const store = lab.runStore;
  const keras = !!modelDir && isKerasModelFile(modelDir);
  // A run's best/ is that run's model of its best epoch.
  const runDir = modelDir && !keras ? (basename(modelDir) === 'best' ? dirname(modelDir) : modelDir) : undefined;
  const run = runDir ? runInfo(store, runDir) : modelDir ? undefined : modelRun(store) ?? store.runs.find((r) => r.hasModel);
  const target = keras ? modelDir! : runDir && run ? modelDir! : run?.runDir;
  const present = keras ? existsSync(modelDir!) : !!target && existsSync(join(target, 'model.json'));
  if (!target || !present) {
    void vscode.window.showErrorMessage(modelDir
      ? `LeNet: no saved model in ${modelDir}.`
      : `LeNet: no trained model in ${lab.outputDirectory()}. Run "LeNet: Start Training" first.`);
    return false;
  }
  const name = keras ? basename(target) : `${run!.label}${target.endsWith('best') ? ' (best epoch)' : ''}`;
  lab.kerasModel = keras ? target : undefined;
  if (run) lab.dispatch({ type: 'select', runDir: run.runDir });
  lab.evaluating = name;
  lab.evaluationFailed = undefined;
  if (lab.evaluation?.target === target) lab.evaluation = undefined; // never shown as this one's result
  lab.broadcast();
  lab.showPanel(true);
  lab.log(`Evaluating ${target}`);
  lab.startProgress(`LeNet: evaluating ${name}`, false);
  const backend = lab.setting<TrainConfig['backend']>('backend', 'auto');
  lab.session.ensureWorker(backend);
  const answer = lab.session.broker.request('evaluate', { modelDir: target, cacheDir: lab.cacheDir(), backend, outDir: lab.outputDirectory() });
  void answer.then(
    (e) => {
      const { type: _t, v: _v, ...result } = e;
      lab.evaluation = { target, result };
      lab.output.event(e);
      void vscode.window.showInformationMessage(`${evaluationText(e)} · ${name}`);
    },
    (err: RequestError) => {
      lab.evaluationFailed = `The evaluation of ${name} failed: ${errorMessage(err)}`;
      lab.log(`[evaluate] ${errorMessage(err)}`);
      // A crashed worker is reported once, by the session (the notification every request shares).
      if (err.code === 'WORKER_EXITED' || err.code === 'TIMEOUT') return;
      void vscode.window.showErrorMessage(`LeNet: could not evaluate ${name}: ${errorMessage(err)}`, 'Show Output').then((c) => {
        if (c) lab.output.show();
      });
    },
  ).finally(() => {
    lab.evaluating = undefined;
    lab.finishProgress();
    lab.broadcast();
  });
  return true;
}

/** Evaluates a Keras .h5 model: the file given (explorer menu), else one picked in an open dialog. */
export async function evaluateKerasModel(lab: Lab, file?: vscode.Uri): Promise<boolean> {
  const target = file ?? (await vscode.window.showOpenDialog({
    title: 'LeNet: evaluate which Keras model?', canSelectMany: false, filters: { 'Keras HDF5 model': ['h5', 'hdf5'] },
  }))?.[0];
  return target ? evaluate(lab, target.fsPath) : false;
}

/** Quick pick of the runs that have a model, newest first, then evaluate the picked one. */
export async function evaluatePicked(lab: Lab): Promise<boolean> {
  // Refused before the pick: asking which run, then refusing, wastes the user's choice.
  if (refusesEvaluation(lab)) return false;
  lab.refreshRuns(false);
  const runs = lab.runStore.runs.filter((r) => r.hasModel);
  if (runs.length === 0) {
    void vscode.window.showErrorMessage(`LeNet: no trained model in ${lab.outputDirectory()}. Run "LeNet: Start Training" first.`);
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
  return pick ? evaluate(lab, pick.runDir) : false;
}

/** The editor hover's "Show activations": the panel's Inside the network, at that layer. */
export function showActivations(lab: Lab, layer?: unknown): void {
  const live = lab.panelVisible();
  lab.showPanel();
  lab.inside.showLayer(layer, live);
}

/** The Evaluate button: the run the panel shows. */
export function evaluateShown(lab: Lab): Promise<boolean> {
  const sel = selectedRun(lab.runStore);
  return evaluate(lab, lab.kerasModel ?? (sel === 'live' ? undefined : sel));
}
