// Notebooks: the Python of a notebook is its code cells in order, joined by newlines, so a model
// created in one cell and extended with .add in later cells is one model (as when the cells run
// top to bottom). Offsets in that joined text map back to the cell (notebook editor) or to the
// .ipynb file's JSON text (notebook opened as text).
import { jget, parseJsonWithSpans, stringOffsets } from './json';

export interface JoinedCells {
  text: string;
  /** Start offset of each cell in `text`. */
  starts: number[];
}

/** Joins cell sources with a newline between cells. */
export function joinCells(cells: string[]): JoinedCells {
  const starts: number[] = [];
  let text = '';
  for (const c of cells) {
    if (starts.length > 0) text += '\n';
    starts.push(text.length);
    text += c;
  }
  return { text, starts };
}

export interface IpynbPython {
  /** The joined code of the code cells. */
  text: string;
  /** For each offset of `text` (and text.length), the offset in the .ipynb JSON text. */
  toJson: Int32Array;
}

/**
 * Reads the code cells of an .ipynb given as JSON text. Returns undefined when the text is not a
 * notebook (yet): invalid JSON while typing, no cells.
 */
export function ipynbPython(json: string): IpynbPython | undefined {
  let root;
  try {
    root = parseJsonWithSpans(json);
  } catch {
    return undefined;
  }
  const cells = jget(root, 'cells');
  if (cells?.k !== 'arr') return undefined;
  const lang = jget(jget(jget(root, 'metadata'), 'language_info'), 'name');
  if (lang?.k === 'str' && lang.value !== 'python') return undefined;
  let text = '';
  const offsets: number[] = [];
  let first = true;
  for (const cell of cells.items) {
    const type = jget(cell, 'cell_type');
    if (type?.k !== 'str' || type.value !== 'code') continue;
    const src = jget(cell, 'source');
    const parts = src?.k === 'arr' ? src.items : src ? [src] : [];
    if (!first) {
      text += '\n';
      offsets.push(src?.span.start ?? 0);
    }
    first = false;
    for (const p of parts) {
      if (p.k !== 'str') continue;
      text += p.value;
      for (const o of stringOffsets(json, p)) offsets.push(o);
    }
  }
  offsets.push(json.length);
  return { text, toJson: Int32Array.from(offsets) };
}
