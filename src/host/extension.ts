// Extension entry point. Activation stays cheap: it registers commands and the panel serializer
// and creates nothing else; the controller (output channel, status bar, worker) is created on first
// use. TensorFlow.js is never loaded in the extension host: training, data loading, evaluation and
// prediction run in the worker process (dist/worker.js).
import * as vscode from 'vscode';
import { LenetController, STATE_KEY } from './controller';
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
    vscode.commands.registerCommand('lenet.startTraining', (request?: unknown) => get().startTraining(request)),
    vscode.commands.registerCommand('lenet.stopTraining', () => get().stopTraining()),
    // An optional run folder (from the API or tests) evaluates that run instead of the latest.
    vscode.commands.registerCommand('lenet.evaluate', (runDir?: unknown) =>
      get().evaluate(typeof runDir === 'string' ? runDir : undefined)),
    vscode.commands.registerCommand('lenet.evaluateRun', () => get().evaluatePicked()),
    // An optional run folder (and new total of epochs) resumes that run; else a quick pick.
    vscode.commands.registerCommand('lenet.resumeRun', (runDir?: unknown, epochs?: unknown) =>
      typeof runDir === 'string' ? get().resumeRun(runDir, Number.isInteger(epochs) ? (epochs as number) : undefined) : get().resumePicked()),
    // From the explorer's menu on a .h5 file (its Uri), or the palette (an open dialog).
    vscode.commands.registerCommand('lenet.evaluateKerasModel', (file?: unknown) =>
      get().evaluateKerasModel(file instanceof vscode.Uri ? file : undefined)),
    vscode.commands.registerCommand('lenet.showPanel', () => get().showPanel()),
    // The layer-shape hover's "Show activations" passes the layer's name.
    vscode.commands.registerCommand(SHOW_ACTIVATIONS, (layer?: unknown) => get().showActivations(layer)),
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
