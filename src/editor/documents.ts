// Which text the shape analysis reads for a VS Code document, and how its offsets map back:
// a plain file is itself; a notebook cell is the join of its notebook's Python code cells; an
// .ipynb opened as text is the join of the code cells found in its JSON. Analyses are cached per
// document version (per cell versions for notebooks), so hovers and inlay hints do not re-parse.
import * as vscode from 'vscode';
import { analyzeSource, languageFor, type FileAnalysis } from '../lang/index';
import { ipynbPython, joinCells } from '../lang/notebook';
import type { Span } from '../lang/types';

export interface DocView {
  analysis: FileAnalysis;
  /** Offset in the analysed text -> offset in this document; undefined when it is elsewhere (another cell). */
  toDoc(offset: number): number | undefined;
  /** Offset in this document -> offset in the analysed text. */
  fromDoc(offset: number): number;
}

export function isNotebookCell(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'vscode-notebook-cell';
}

export function notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  const key = doc.uri.toString();
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document.uri.toString() === key));
}

/** The Python code cells of a notebook, in order. */
export function codeCells(nb: vscode.NotebookDocument): vscode.TextDocument[] {
  return nb
    .getCells()
    .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python')
    .map((c) => c.document);
}

interface Entry {
  version: string;
  analysis: FileAnalysis;
  /** For notebooks: cell start offsets in the joined text, by cell uri. */
  cellStarts?: Map<string, { start: number; length: number }>;
  toJson?: Int32Array;
}

const MAX_ENTRIES = 64;

export class ShapeDocuments {
  private cache = new Map<string, Entry>();

  /** The analysis view for `doc`, or undefined when the document holds no language we read. */
  view(doc: vscode.TextDocument): DocView | undefined {
    if (isNotebookCell(doc)) {
      if (doc.languageId !== 'python') return undefined;
      const nb = notebookOf(doc);
      if (!nb) return this.plain(doc, 'python');
      const cells = codeCells(nb);
      const key = nb.uri.toString();
      const version = cells.map((c) => `${c.uri.fragment}:${c.version}`).join(',');
      let e = this.cache.get(key);
      if (!e || e.version !== version) {
        const joined = joinCells(cells.map((c) => c.getText()));
        const cellStarts = new Map<string, { start: number; length: number }>();
        cells.forEach((c, i) => {
          const next = i + 1 < cells.length ? joined.starts[i + 1] - 1 : joined.text.length;
          cellStarts.set(c.uri.toString(), { start: joined.starts[i], length: next - joined.starts[i] });
        });
        e = { version, analysis: analyzeSource(joined.text, 'python'), cellStarts };
        this.put(key, e);
      }
      const at = e.cellStarts!.get(doc.uri.toString());
      if (!at) return undefined;
      return {
        analysis: e.analysis,
        toDoc: (o) => (o >= at.start && o <= at.start + at.length ? o - at.start : undefined),
        fromDoc: (o) => at.start + o,
      };
    }
    const lang = languageFor(doc.fileName, doc.languageId);
    if (lang === undefined) return undefined;
    if (lang === 'ipynb') {
      const key = doc.uri.toString();
      let e = this.cache.get(key);
      if (!e || e.version !== String(doc.version)) {
        const nb = ipynbPython(doc.getText());
        e = {
          version: String(doc.version),
          analysis: nb ? analyzeSource(nb.text, 'python') : { language: 'python', models: [], diagnostics: [] },
          toJson: nb?.toJson ?? new Int32Array([0]),
        };
        this.put(key, e);
      }
      const map = e.toJson!;
      return {
        analysis: e.analysis,
        toDoc: (o) => (o >= 0 && o < map.length ? map[o] : undefined),
        fromDoc: (o) => lowerBound(map, o),
      };
    }
    return this.plain(doc, lang);
  }

  private plain(doc: vscode.TextDocument, lang: Exclude<ReturnType<typeof languageFor>, 'ipynb' | undefined>): DocView {
    const key = doc.uri.toString();
    let e = this.cache.get(key);
    if (!e || e.version !== String(doc.version)) {
      e = { version: String(doc.version), analysis: analyzeSource(doc.getText(), lang) };
      this.put(key, e);
    }
    return { analysis: e.analysis, toDoc: (o) => o, fromDoc: (o) => o };
  }

  private put(key: string, e: Entry): void {
    this.cache.delete(key);
    this.cache.set(key, e);
    // Least recently computed goes first.
    while (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  forget(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }
}

/** The range of a span in `doc`, or undefined when the span is not in it. */
export function spanRange(doc: vscode.TextDocument, view: DocView, span: Span): vscode.Range | undefined {
  const s = view.toDoc(span.start);
  const e = view.toDoc(span.end);
  if (s === undefined || e === undefined) return undefined;
  return new vscode.Range(doc.positionAt(s), doc.positionAt(Math.max(s, e)));
}

/** First index whose value is >= target (the analysed offset for a JSON offset). */
function lowerBound(a: Int32Array, target: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
