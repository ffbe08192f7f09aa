// The Runs list's actions on one run folder: export its metrics or its model for Keras, reveal
// it, rename it (label and notes), move it to the trash.
import * as vscode from 'vscode';
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errorMessage } from '../shared/errors';
import type { Lab } from './lab';
import { exportRunForKeras } from './exportKeras';
import { MAX_LABEL, MAX_NOTES, readRunMeta, writeRunMeta } from './runMeta';
import { runInfo } from './runStore';

export async function exportCsv(runDir: string): Promise<void> {
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
    void vscode.window.showErrorMessage(`LeNet: could not write ${target.fsPath}: ${errorMessage(err)}`);
  }
}

export async function exportKeras(lab: Lab, runDir: string): Promise<void> {
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
  const name = runInfo(lab.runStore, runDir)?.label ?? basename(runDir);
  const r = await exportRunForKeras(lab.ctx.asAbsolutePath(join('dist', 'cli.js')), runDir, target.fsPath);
  if (r.ok) void vscode.window.showInformationMessage(`LeNet: model of ${name} saved for Keras as ${target.fsPath} (load it with keras.models.load_model).`);
  else void vscode.window.showErrorMessage(`LeNet: could not export ${name} for Keras: ${r.message}`);
}

export async function revealRun(runDir: string): Promise<void> {
  await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(runDir));
}

/** Asks for a new label, then for notes (Escape at either keeps what was there). */
export async function renameRun(lab: Lab, runDir: string): Promise<void> {
  const run = runInfo(lab.runStore, runDir);
  const meta = readRunMeta(runDir);
  const label = await vscode.window.showInputBox({
    title: `LeNet: label of run ${basename(runDir)}`, value: run?.label ?? meta.label ?? '',
    prompt: 'Empty: the default label (model name and start time)',
    validateInput: (v) => (v.length > MAX_LABEL ? `at most ${MAX_LABEL} characters` : undefined),
  });
  if (label === undefined) return;
  const notes = await vscode.window.showInputBox({
    title: `LeNet: notes on run ${basename(runDir)} (optional)`, value: meta.notes ?? '',
    validateInput: (v) => (v.length > MAX_NOTES ? `at most ${MAX_NOTES} characters` : undefined),
  });
  try {
    writeRunMeta(runDir, { label, notes: notes ?? meta.notes });
  } catch (err) {
    void vscode.window.showErrorMessage(`LeNet: could not save the label of ${basename(runDir)}: ${errorMessage(err)}`);
    return;
  }
  lab.refreshRuns();
}

/** Moves a run folder to the trash after a modal confirmation; never the run that is training. */
export async function deleteRun(lab: Lab, runDir: string): Promise<void> {
  if (runDir === lab.runStore.live?.runDir) {
    void vscode.window.showWarningMessage('LeNet: this run is training; stop it before deleting it.');
    return;
  }
  const name = runInfo(lab.runStore, runDir)?.label ?? basename(runDir);
  const ok = await vscode.window.showWarningMessage(`LeNet: move run ${name} (${runDir}) to the trash?`, { modal: true }, 'Move to Trash');
  if (ok !== 'Move to Trash') return;
  try {
    await vscode.workspace.fs.delete(vscode.Uri.file(runDir), { recursive: true, useTrash: true });
  } catch (err) {
    void vscode.window.showErrorMessage(`LeNet: could not move ${runDir} to the trash: ${errorMessage(err)}`);
    return;
  }
  lab.dispatch({ type: 'removed', runDir });
  lab.refreshRuns();
}
