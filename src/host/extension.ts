// Extension entry point. Activation stays cheap: it registers commands and the panel serializer
// and creates nothing else; the controller (output channel, status bar, run store, worker) is
// created on first use. The command handlers are in commands.ts. TensorFlow.js is never loaded in the extension host: training, data loading, evaluation and
// prediction run in the worker process (dist/worker.js).
import * as vscode from 'vscode';
import { LenetController, STATE_KEY } from './controller';
import * as cmd from './commands';
import { hasRestoredRun } from '../shared/panelState';
import { PANEL_VIEW_TYPE } from './panel';
import { registerShapeFeatures } from '../editor/register';
import { SHOW_ACTIVATIONS } from '../editor/providers';

let controller: LenetController | undefined;

export function activate(context: vscode.ExtensionContext): { controller: () => LenetController } {
  const get = (): LenetController => {
    if (!controller) {
      controller = new LenetController(context);
      context.subscriptions.push(controller);
    }
    return controller;
  };
  context.subscriptions.push(
    // An optional { model, source } trains that model (from lenet.trainThisModel) instead of the seed's.
    vscode.commands.registerCommand('lenet.startTraining', (request?: unknown) => cmd.startTraining(get(), request)),
    vscode.commands.registerCommand('lenet.stopTraining', () => cmd.stopTraining(get())),
    // An optional run folder or its best/ (from the API, a Runs row, tests) instead of the selected run.
    vscode.commands.registerCommand('lenet.evaluate', (runDir?: unknown) =>
      cmd.evaluate(get(), typeof runDir === 'string' ? runDir : undefined)),
    vscode.commands.registerCommand('lenet.evaluateRun', () => cmd.evaluatePicked(get())),
    // An optional run folder (and new total of epochs) resumes that run; else a quick pick.
    vscode.commands.registerCommand('lenet.resumeRun', (runDir?: unknown, epochs?: unknown) =>
      typeof runDir === 'string' ? cmd.resumeRun(get(), runDir, Number.isInteger(epochs) ? (epochs as number) : undefined) : cmd.resumePicked(get())),
    // From the explorer's menu on a .h5 file (its Uri), or the palette (an open dialog).
    vscode.commands.registerCommand('lenet.evaluateKerasModel', (file?: unknown) =>
      cmd.evaluateKerasModel(get(), file instanceof vscode.Uri ? file : undefined)),
    vscode.commands.registerCommand('lenet.showPanel', () => get().showPanel()),
    // The layer-shape hover's "Show activations" passes the layer's name.
    vscode.commands.registerCommand(SHOW_ACTIVATIONS, (layer?: unknown) => cmd.showActivations(get(), layer)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        get().revivePanel(panel);
      },
    }),
  );
  // After a window reload the last run's status bar item comes back whatever activated us, also when
  // its panel is not restored (VS Code revives a panel in a background tab only once it is shown).
  if (hasRestoredRun(context.workspaceState.get(STATE_KEY))) get().showStatus();
  // Layer-shape hovers, inlay hints, diagnostics, code lens and lenet.trainThisModel.
  registerShapeFeatures(context);

  return { controller: get };
}

export async function deactivate(): Promise<void> {
  await controller?.shutdown();
  controller = undefined;
}
