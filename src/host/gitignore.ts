// Run folders appear in the workspace as .lenet/: offered once per workspace to add to .gitignore.
import * as vscode from 'vscode';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorMessage } from '../shared/errors';
import type { Lab } from './lab';

const ASKED_KEY = 'lenetLab.gitignoreOffered';
const ADD = 'Add to .gitignore';

/** When the output folder is the workspace's .lenet/ and .gitignore does not name it: ask, once. */
export async function offerGitignore(lab: Lab, outDir: string): Promise<void> {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!ws || lab.ctx.workspaceState.get(ASKED_KEY)) return;
  const rel = relative(ws, outDir).split(sep);
  if (rel[0] !== '.lenet') return;
  const file = join(ws, '.gitignore');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (/^\/?\.lenet\/?\s*$/m.test(text)) return;
  await lab.ctx.workspaceState.update(ASKED_KEY, true);
  const choice = await vscode.window.showInformationMessage('LeNet: training writes its run folders to .lenet/ in this workspace. Add .lenet/ to .gitignore?', ADD);
  if (choice !== ADD) return;
  try {
    appendFileSync(file, `${text && !text.endsWith('\n') ? '\n' : ''}.lenet/\n`);
  } catch (err) {
    void vscode.window.showErrorMessage(`LeNet: could not write ${file}: ${errorMessage(err)}`);
  }
}
