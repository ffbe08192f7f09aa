// What the user is told when a run ends or the worker fails: one notification each, with the
// actions that make sense then (Evaluate / Open Run after a finished run, Show Output after an error).
import * as vscode from 'vscode';
import type { WorkerEvent } from '../shared/protocol';
import type { Lab } from './lab';
import { runInfo, type RunStoreAction } from './runStore';

const EVALUATE = 'Evaluate';
const OPEN_RUN = 'Open Run';
const SHOW_OUTPUT = 'Show Output';

/** A run finished (all its epochs): say so, offer to evaluate it or open it in the panel. */
export function onRunEnded(lab: Lab, a: Extract<RunStoreAction, { type: 'ended' }>): void {
  const runDir = a.runDir ?? lab.runStore.lastEnd?.runDir;
  if (a.status !== 'done' || !runDir) return;
  const run = runInfo(lab.runStore, runDir);
  const val = run?.final && Number.isFinite(run.final.val_acc) ? `: val_accuracy ${run.final.val_acc.toFixed(4)} after ${run.final.epoch} epoch${run.final.epoch === 1 ? '' : 's'}` : '';
  void vscode.window.showInformationMessage(`LeNet: run ${run?.label ?? runDir} finished${val}.`, EVALUATE, OPEN_RUN).then((choice) => {
    if (choice === EVALUATE) void vscode.commands.executeCommand('lenet.evaluate', runDir);
    else if (choice === OPEN_RUN) {
      lab.dispatch({ type: 'select', runDir });
      lab.showPanel();
    }
  });
}

/** A worker error that is not a request's answer: `live` when it ended the live run. */
export function onWorkerError(lab: Lab, e: Extract<WorkerEvent, { type: 'error' }>, live: boolean): void {
  if (e.code === 'BUSY') {
    void vscode.window.showWarningMessage(`LeNet: ${e.message}`);
    return;
  }
  const kept = live && e.code === 'WORKER_EXITED' ? ' The run folder keeps the epochs saved so far.' : '';
  const text = e.code === 'WORKER_EXITED' ? `LeNet: ${e.message}.${kept}` : `LeNet: ${e.message}`;
  void vscode.window.showErrorMessage(text, SHOW_OUTPUT).then((c) => {
    if (c) lab.output.show();
  });
}
