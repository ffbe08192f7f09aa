// Evaluation view: test loss/accuracy, the confusion matrix heatmap (click a cell to page through
// all of its misclassified images, fetched from the host a page at a time, with the predicted and
// the true class's probability), and per-class precision/recall/F1 with their averages.
import { misclassifiedPage, type MisclassifiedPage } from '../src/shared/misclassifiedPages';
import type { ClassMetrics, TestImage } from '../src/shared/protocol';
import type { EvaluationResult, WebviewMessage } from '../src/shared/webviewProtocol';
import { h, replace, setText } from './dom';
import { classNames, confusionCells, confusionTotal, pixelsToRgba } from './evaluationData';
import { fixed, percent, thousands } from './format';
import { counted } from '../src/shared/plural';
import { button, setDisabled } from './toolkit';

export interface EvaluationView {
  el: HTMLElement;
  update(e: EvaluationResult | undefined): void;
  /** The host's answer to a page request: the page's images. */
  onPage(id: number, images: TestImage[]): void;
  onPageError(id: number, message: string): void;
}

/** onSeeInside: a misclassified card's "See inside" (its test image index). */
export function createEvaluationView(post: (m: WebviewMessage) => void, onSeeInside?: (index: number) => void): EvaluationView {
  const accEl = h('span', { class: 'big', 'data-testid': 'eval-acc' }, '–');
  const lossEl = h('span', { class: 'big', 'data-testid': 'eval-loss' }, '–');
  const infoEl = h('span', { class: 'meta' });
  // A group of buttons (not an ARIA grid: a CSS grid has no row elements); each cell's label says
  // its row, column and count.
  const grid = h('div', { class: 'confusion', 'data-testid': 'confusion', role: 'group', 'aria-label': 'Confusion matrix: rows are true classes, columns predicted classes' });
  const missTitle = h('h3', {}, 'Misclassified images');
  const missList = h('div', { class: 'miss-list' });
  // Announced on every page change: which images of how many are shown ("1–48 of 212").
  const pageStatus = h('span', { class: 'meta', 'data-testid': 'miss-page', 'aria-live': 'polite', role: 'status' });
  const prev = button('Previous', { testid: 'miss-prev', title: 'Previous page of images', onClick: () => turn(-1) });
  const next = button('Next', { testid: 'miss-next', title: 'Next page of images', onClick: () => turn(1) });
  const pager = h('div', { class: 'miss-pager hidden', role: 'group', 'aria-label': 'Pages of misclassified images' }, prev, pageStatus, next);
  const miss = h('div', { class: 'misclassified', 'data-testid': 'misclassified' },
    missTitle, h('p', { class: 'empty' }, 'Click a cell of the matrix to see its images.'), pager, missList);
  const averagesBody = h('tbody', { class: 'averages' });
  const perClassBody = h('tbody');
  const perClass = h('table', { class: 'data per-class', 'data-testid': 'per-class' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col', class: 'num' }, 'Precision'),
      h('th', { scope: 'col', class: 'num' }, 'Recall'), h('th', { scope: 'col', class: 'num' }, 'F1'),
      h('th', { scope: 'col', class: 'num' }, 'Support'))),
    perClassBody, averagesBody);
  const empty = h('p', { class: 'empty' }, 'No evaluation yet. Train a model, then press Evaluate to test it on the test set.');
  const body = h('div', { class: 'eval-body hidden' },
    h('div', { class: 'eval-stats' },
      h('span', {}, 'Test accuracy ', accEl), h('span', {}, 'Test loss ', lossEl), infoEl),
    h('div', { class: 'eval-grid' },
      h('div', { class: 'confusion-wrap' },
        h('div', { class: 'axis-label' }, 'Rows: true class · Columns: predicted class'), grid),
      miss),
    perClass);
  const el = h('div', { class: 'evaluation-block' }, empty, body);

  let shown: EvaluationResult | undefined;
  let selected: HTMLElement | null = null;
  /** The cell shown and its page; request: the id of the page request whose answer is awaited. */
  let current: { e: EvaluationResult; row: number; col: number; page: MisclassifiedPage; cards: Map<number, HTMLCanvasElement>; request: number } | undefined;
  let nextId = 1;

  function showCell(e: EvaluationResult, row: number, col: number, count: number, cell: HTMLElement): void {
    selected?.setAttribute('aria-pressed', 'false');
    selected = cell;
    cell.setAttribute('aria-pressed', 'true');
    const names = classNames(e.classes);
    miss.querySelector('.empty')?.classList.add('hidden');
    current = undefined;
    if (row === col) {
      pager.classList.add('hidden');
      setText(missTitle, `${names[row]} predicted correctly: ${counted(count, 'image')}`);
      replace(missList, h('p', { class: 'empty' }, 'Correct predictions are not listed; pick an off-diagonal cell.'));
      return;
    }
    setText(missTitle, `True ${names[row]}, predicted ${names[col]}: ${counted(count, 'image')}`);
    if (count === 0) {
      pager.classList.add('hidden');
      replace(missList, h('p', { class: 'empty' }, 'No images in this cell.'));
      return;
    }
    showPage(e, row, col, 0);
  }

  /** Draws the page's cards at once (probabilities are in the evaluation) and asks for their images. */
  function showPage(e: EvaluationResult, row: number, col: number, pageNo: number): void {
    const names = classNames(e.classes);
    const page = misclassifiedPage(e.misclassified, row, col, pageNo);
    if (typeof page === 'string') {
      pager.classList.add('hidden');
      replace(missList, h('p', { class: 'empty' }, `The evaluation lists no images for this cell (${page}); evaluate again.`));
      return;
    }
    const cards = new Map<number, HTMLCanvasElement>();
    const figures = page.indices.map((index, i) => {
      const card = missCard(index, row, col, page.probability[i], page.trueProbability[i], names, onSeeInside);
      cards.set(index, card.canvas);
      return card.el;
    });
    const request = nextId++;
    current = { e, row, col, page, cards, request };
    pager.classList.remove('hidden');
    setDisabled(prev, page.page === 0);
    setDisabled(next, page.page >= page.pages - 1);
    const range = `${thousands(page.start + 1)}–${thousands(page.start + page.indices.length)} of ${thousands(page.total)}`;
    setText(pageStatus, `${range} · page ${page.page + 1} of ${page.pages}`);
    pageStatus.setAttribute('data-start', String(page.start + 1));
    pageStatus.setAttribute('data-total', String(page.total));
    replace(missList, ...figures);
    missList.scrollTop = 0;
    post({ type: 'misclassifiedPage', id: request, label: row, predicted: col, page: page.page });
  }

  function turn(delta: number): void {
    if (!current) return;
    const to = current.page.page + delta;
    if (to < 0 || to >= current.page.pages) return;
    showPage(current.e, current.row, current.col, to);
  }

  return {
    el,
    update(e) {
      if (e === shown) return;
      selected = null;
      current = undefined;
      pager.classList.add('hidden');
      empty.classList.toggle('hidden', !!e);
      body.classList.toggle('hidden', !e);
      if (!e) { shown = e; return; }
      // Validate before touching the DOM (throws a specific message on a bad matrix); `shown` is
      // set only on success so a bad result keeps being reported rather than half drawn.
      const cellData = confusionCells(e.confusion);
      setText(accEl, fixed(e.acc, 4));
      accEl.setAttribute('data-value', String(e.acc));
      setText(lossEl, fixed(e.loss, 4));
      setText(infoEl, `${counted(confusionTotal(e.confusion), 'test image')} of ${e.dataset} · model ${e.modelDir}`);
      const names = classNames(e.classes, e.confusion.length);
      const k = e.confusion.length;
      grid.style.setProperty('--k', String(k)); // CSSOM (allowed by the CSP), read by the grid template
      const header = (text: string, cls: string) => h('div', { class: `confusion-head ${cls}`, 'aria-hidden': 'true' }, text);
      const cells: HTMLElement[] = [h('div', { class: 'confusion-corner', 'aria-hidden': 'true' }, 'true \\ pred')];
      for (let c = 0; c < k; c++) cells.push(header(names[c], 'col'));
      for (const cell of cellData) {
        if (cell.col === 0) cells.push(h('div', { class: 'confusion-head row', 'aria-hidden': 'true' }, names[cell.row]));
        const b = h('button', {
          class: `confusion-cell ${cell.correct ? 'correct' : 'wrong'}${cell.count === 0 ? ' zero' : ''}`,
          'data-testid': 'confusion-cell', 'data-row': cell.row, 'data-col': cell.col, 'data-count': cell.count,
          'aria-pressed': 'false',
          'aria-label': `true ${names[cell.row]}, predicted ${names[cell.col]}: ${cell.count}`,
          title: `true ${names[cell.row]}, predicted ${names[cell.col]}: ${cell.count}`,
        }, thousands(cell.count));
        b.style.setProperty('--heat', cell.heat.toFixed(3));
        b.addEventListener('click', () => showCell(e, cell.row, cell.col, cell.count, b));
        cells.push(b);
      }
      replace(grid, ...cells);
      setText(missTitle, 'Misclassified images');
      miss.querySelector('.empty')?.classList.remove('hidden');
      replace(missList);
      replace(perClassBody, ...e.perClass.map((m, i) => h('tr', {},
        h('th', { scope: 'row' }, names[i] ?? String(i)),
        h('td', { class: 'num mono' }, fixed(m.precision)), h('td', { class: 'num mono' }, fixed(m.recall)),
        h('td', { class: 'num mono' }, fixed(m.f1)), h('td', { class: 'num mono' }, thousands(m.support)))));
      replace(averagesBody, averageRow('Macro avg', e.averages.macro, 'avg-macro'), averageRow('Weighted avg', e.averages.weighted, 'avg-weighted'));
      shown = e;
    },
    onPage(id, images) {
      if (!current || id !== current.request) return; // an answer for a page no longer shown
      for (const img of images) {
        const canvas = current.cards.get(img.index);
        const ctx = canvas?.getContext('2d');
        if (ctx && img.pixels.length === 784) ctx.putImageData(new ImageData(pixelsToRgba(img.pixels), 28, 28), 0, 0);
        canvas?.setAttribute('data-drawn', 'true');
      }
    },
    onPageError(id, message) {
      if (!current || id !== current.request) return;
      missList.prepend(h('p', { class: 'error', role: 'alert', 'data-testid': 'miss-error' }, message));
    },
  };
}

function averageRow(label: string, m: ClassMetrics, testid: string): HTMLElement {
  return h('tr', { 'data-testid': testid },
    h('th', { scope: 'row' }, label),
    h('td', { class: 'num mono' }, fixed(m.precision)), h('td', { class: 'num mono' }, fixed(m.recall)),
    h('td', { class: 'num mono' }, fixed(m.f1)), h('td', { class: 'num mono' }, thousands(m.support)));
}

/** A misclassified image's card; its canvas is drawn when the page's images arrive. */
function missCard(
  index: number, label: number, predicted: number, probability: number, trueProbability: number, names: string[],
  onSeeInside?: (index: number) => void,
): { el: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { width: 28, height: 28, class: 'digit', 'aria-label': `test image ${index}` });
  const el = h('figure', { class: 'miss', 'data-index': index },
    canvas,
    h('figcaption', {}, h('span', { class: 'meta' }, `#${index}`),
      h('ol', { class: 'top-probs' },
        h('li', { class: 'predicted' }, `pred ${names[predicted] ?? predicted} ${percent(probability)}`),
        h('li', { class: 'truth' }, `true ${names[label] ?? label} ${percent(trueProbability)}`)),
      onSeeInside ? button('See inside', { testid: 'see-inside', title: `Every layer's output for test image ${index}`, onClick: () => onSeeInside(index) }) : null));
  return { el, canvas };
}
