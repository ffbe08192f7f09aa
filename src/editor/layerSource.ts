// Opens the line where a trained model's layer is written, for runs trained from a model file
// ("Train This Model" keeps the file in the run's config.json): the same analysis the hovers use,
// so .py, .ipynb (every code cell), .ts/.js and .lenet.json files all work.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { findLayerSource } from '../lang/layerLocation';
import { runSource } from '../host/runSource';
import { errorMessage } from '../shared/errors';
import { codeCells, isNotebookCell, notebookOf, spanRange, type ShapeDocuments } from './documents';

/** The file name to show for a source URI or path. */
export function sourceLabel(source: string): string {
  try {
    return basename(vscode.Uri.parse(source, true).path);
  } catch {
    return basename(source);
  }
}

const toUri = (source: string) => (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source) ? vscode.Uri.parse(source) : vscode.Uri.file(source));

/** Opens the layer's line; resolves with a message for the user when it cannot. */
export async function revealLayerSource(docs: ShapeDocuments, runDir: string, layerName: string): Promise<string | undefined> {
  const run = runSource(runDir);
  if (!run) return `${basename(runDir)} was not trained from a model file, so its layers have no source line (use "Train This Model" in the file).`;
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(toUri(run.source));
  } catch (e) {
    return `cannot open ${sourceLabel(run.source)}, the file ${basename(runDir)} was trained from: ${errorMessage(e)}`;
  }
  // A notebook's model may span cells: look in every code cell of the notebook the source cell is in.
  const nb = isNotebookCell(doc) ? notebookOf(doc) : undefined;
  for (const d of nb ? codeCells(nb) : [doc]) {
    const view = docs.view(d);
    const hit = view && findLayerSource(view.analysis, run.model, layerName);
    const range = hit && spanRange(d, view!, hit.layer.source.callSpan);
    if (!range) continue;
    await vscode.window.showTextDocument(d, { selection: new vscode.Range(range.start, range.start), preview: false });
    return undefined;
  }
  return `no layer '${layerName}' in ${sourceLabel(run.source)} any more (the file changed since the run).`;
}
