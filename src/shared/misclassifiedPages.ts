// An evaluation's misclassified images, a page at a time: which test images a page of a confusion
// cell holds. One definition for the host (which checks a page the webview asks for and fetches
// its images from the worker) and the webview (which shows "n of N" and the page's probabilities).
import type { MisclassifiedCell } from './protocol';

/** Images per page: 48 thumbnails fill a few rows of the panel and one answer stays small. */
export const MISCLASSIFIED_PAGE_SIZE = 48;

export interface MisclassifiedPage {
  page: number;
  /** Pages of the cell (0 for a cell without errors). */
  pages: number;
  /** Images in the cell. */
  total: number;
  /** The page's first image, 0-based, in the cell. */
  start: number;
  indices: number[];
  probability: number[];
  trueProbability: number[];
}

export function pageCount(images: number): number {
  return Math.ceil(images / MISCLASSIFIED_PAGE_SIZE);
}

/** The cell of true class `label` predicted as `predicted`, if it has misclassified images. */
export function misclassifiedCell(cells: readonly MisclassifiedCell[], label: number, predicted: number): MisclassifiedCell | undefined {
  return cells.find((c) => c.label === label && c.predicted === predicted);
}

/** Page `page` (0-based) of a cell, or what is wrong with the request (a one-line reason). */
export function misclassifiedPage(cells: readonly MisclassifiedCell[], label: number, predicted: number, page: number): MisclassifiedPage | string {
  if (label === predicted) return `true class ${label} predicted as ${predicted} is a correct prediction, not a misclassification`;
  const cell = misclassifiedCell(cells, label, predicted);
  const total = cell?.indices.length ?? 0;
  const pages = pageCount(total);
  if (!Number.isInteger(page) || page < 0 || page >= pages) {
    return total === 0
      ? `no test image of true class ${label} was predicted as ${predicted}`
      : `page ${page} of true class ${label} predicted as ${predicted} does not exist (pages 0..${pages - 1})`;
  }
  const start = page * MISCLASSIFIED_PAGE_SIZE;
  const end = Math.min(total, start + MISCLASSIFIED_PAGE_SIZE);
  return {
    page, pages, total, start,
    indices: cell!.indices.slice(start, end),
    probability: cell!.probability.slice(start, end),
    trueProbability: cell!.trueProbability.slice(start, end),
  };
}
