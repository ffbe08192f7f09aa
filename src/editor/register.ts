// Registers the source-shape features: hover, inlay hints, code lens "Train This Model",
// diagnostics (debounced on typing) and the lenet.trainThisModel command.
import * as vscode from 'vscode';
import { findAt } from '../lang/lookup';
import { compileOptimizer } from '../lang/compileOptimizer';
import { errorMessage } from '../shared/errors';
import { codeCells, isNotebookCell, notebookOf, ShapeDocuments } from './documents';
import {
  diagnosticsFor, logError, ShapeHoverProvider, ShapeInlayHintsProvider, TRAIN_THIS_MODEL, TrainCodeLensProvider,
} from './providers';

/** Files the readers understand. 'python' also matches notebook cells (scheme vscode-notebook-cell). */
export const SHAPE_SELECTOR: vscode.DocumentSelector = [
  { language: 'python' },
  { language: 'typescript' },
  { language: 'javascript' },
  { language: 'typescriptreact' },
  { language: 'javascriptreact' },
  { pattern: '**/*.lenet.json' },
  { pattern: '**/*.ipynb' },
];

const DEBOUNCE_MS = 300;

export function registerShapeFeatures(context: vscode.ExtensionContext): ShapeDocuments {
  const docs = new ShapeDocuments();
  const inlay = new ShapeInlayHintsProvider(docs);
  const lenses = new TrainCodeLensProvider(docs);
  const collection = vscode.languages.createDiagnosticCollection('lenet-shapes');
  const timers = new Map<string, NodeJS.Timeout>();

  const refresh = (doc: vscode.TextDocument) => {
    try {
      // A change in one cell can change shapes in every later cell: refresh the whole notebook.
      const nb = isNotebookCell(doc) ? notebookOf(doc) : undefined;
      const targets = nb ? codeCells(nb) : [doc];
      for (const d of targets) {
        if (vscode.languages.match(SHAPE_SELECTOR, d) === 0) continue;
        collection.set(d.uri, diagnosticsFor(docs, d));
      }
      // Other cells' inlay hints and lenses depend on this cell too; VS Code only re-asks for the edited one.
      if (nb) {
        inlay.refresh();
        lenses.refresh();
      }
    } catch (e) {
      logError('diagnostics', e);
    }
  };
  const schedule = (doc: vscode.TextDocument) => {
    if (vscode.languages.match(SHAPE_SELECTOR, doc) === 0) return;
    const key = isNotebookCell(doc) ? (notebookOf(doc)?.uri.toString() ?? doc.uri.toString()) : doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      refresh(doc);
    }, DEBOUNCE_MS));
  };

  context.subscriptions.push(
    collection,
    vscode.languages.registerHoverProvider(SHAPE_SELECTOR, new ShapeHoverProvider(docs)),
    vscode.languages.registerInlayHintsProvider(SHAPE_SELECTOR, inlay),
    vscode.languages.registerCodeLensProvider(SHAPE_SELECTOR, lenses),
    // A notebook opens all its cells at once: one debounced pass for the whole notebook.
    vscode.workspace.onDidOpenTextDocument((d) => (isNotebookCell(d) ? schedule(d) : refresh(d))),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    // Cells added, removed or moved change what the later cells see.
    vscode.workspace.onDidChangeNotebookDocument((e) => {
      const first = codeCells(e.notebook)[0];
      if (first && e.contentChanges.length > 0) schedule(first);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      collection.delete(d.uri);
      docs.forget(d);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lenet.inlayHints')) inlay.refresh();
    }),
    vscode.commands.registerCommand(TRAIN_THIS_MODEL, (uri?: vscode.Uri, index?: number) => trainThisModel(docs, uri, index)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const d of vscode.workspace.textDocuments) refresh(d);
  return docs;
}

/**
 * Trains the model defined in a file: the one given by the code lens, else the one under the
 * cursor, else the first. Refuses with a clear message, before anything starts, when the model
 * cannot be read or trained.
 */
async function trainThisModel(docs: ShapeDocuments, uri?: vscode.Uri, index?: number): Promise<void> {
  try {
    const editor = vscode.window.activeTextEditor;
    let doc: vscode.TextDocument | undefined;
    if (uri instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(uri);
    else doc = editor?.document;
    if (!doc) {
      void vscode.window.showErrorMessage('LeNet: open a Python, TypeScript/JavaScript or .lenet.json file that defines a model, then run "Train This Model".');
      return;
    }
    const view = docs.view(doc);
    const models = view?.analysis.models ?? [];
    if (!view || models.length === 0) {
      void vscode.window.showErrorMessage(`LeNet: no Keras Sequential or tf.sequential model found in ${vscode.workspace.asRelativePath(doc.uri)}.`);
      return;
    }
    let model = typeof index === 'number' ? models[index] : undefined;
    if (!model && editor && editor.document === doc) {
      model = findAt(view.analysis, view.fromDoc(doc.offsetAt(editor.selection.active)))?.model;
    }
    model ??= models[0];
    if (!model.spec || model.trainBlocker) {
      void vscode.window.showErrorMessage(`LeNet: cannot train ${model.source.varName ?? model.name}: ${model.trainBlocker ?? 'the model could not be read'}.`);
      return;
    }
    const compiled = compileOptimizer(doc.getText(), model.source.varName);
    await vscode.commands.executeCommand('lenet.startTraining', { model: model.spec, source: doc.uri.toString(), ...(compiled ? { compiled } : {}) });
  } catch (e) {
    logError('train this model', e);
    void vscode.window.showErrorMessage(`LeNet: could not start training: ${errorMessage(e)}`);
  }
}
