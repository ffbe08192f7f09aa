// Evaluation view: test loss/accuracy, the confusion matrix heatmap (click a cell to see those
// misclassified images with their top probabilities), and per-class precision/recall/F1.
import type { Misclassified } from '../src/shared/protocol';
import type { EvaluationResult } from '../src/shared/webviewProtocol';
import { h, replace, setText } from './dom';
import { classNames, confusionCells, confusionTotal, misclassifiedFor, pixelsToRgba, topK } from './evaluationData';
import { fixed, percent, thousands } from './format';
import { counted } from '../src/shared/plural';
import { button } from './toolkit';

export interface EvaluationView { el: HTMLElement; update(e: EvaluationResult | undefined): void }

/** onSeeInside: a misclassified card's "See inside" (its test image index). */
export function createEvaluationView(onSeeInside?: (index: number) => void): EvaluationView {
  const accEl = h('span', { class: 'big', 'data-testid': 'eval-acc' }, '–');
  const lossEl = h('span', { class: 'big', 'data-testid': 'eval-loss' }, '–');
  const infoEl = h('span', { class: 'meta' });
  // A group of buttons (not an ARIA grid: a CSS grid has no row elements); each cell's label says
  // its row, column and count.
  const grid = h('div', { class: 'confusion', 'data-testid': 'confusion', role: 'group', 'aria-label': 'Confusion matrix: rows are true classes, columns predicted classes' });
  const missTitle = h('h3', {}, 'Misclassified images');
  const missList = h('div', { class: 'miss-list' });
  const miss = h('div', { class: 'misclassified', 'data-testid': 'misclassified', 'aria-live': 'polite' },
    missTitle, h('p', { class: 'empty' }, 'Click a cell of the matrix to see its images.'), missList);
  const perClassBody = h('tbody');
  const perClass = h('table', { class: 'data per-class', 'data-testid': 'per-class' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col', class: 'num' }, 'Precision'),
      h('th', { scope: 'col', class: 'num' }, 'Recall'), h('th', { scope: 'col', class: 'num' }, 'F1'),
      h('th', { scope: 'col', class: 'num' }, 'Support'))),
    perClassBody);
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

  function showCell(e: EvaluationResult, row: number, col: number, count: number, cell: HTMLElement): void {
    selected?.setAttribute('aria-pressed', 'false');
    selected = cell;
    cell.setAttribute('aria-pressed', 'true');
    const names = classNames(e.classes);
    const items = misclassifiedFor(e.misclassified, row, col);
    miss.querySelector('.empty')?.classList.add('hidden');
    if (row === col) {
      setText(missTitle, `${names[row]} predicted correctly: ${counted(count, 'image')}`);
      replace(missList, h('p', { class: 'empty' }, 'Correct predictions are not listed; pick an off-diagonal cell.'));
      return;
    }
    const shownNote = items.length < count ? ` (showing ${items.length})` : '';
    setText(missTitle, `True ${names[row]}, predicted ${names[col]}: ${counted(count, 'image')}${shownNote}`);
    if (items.length === 0) {
      replace(missList, h('p', { class: 'empty' }, count > 0 ? 'The worker sent no sample images for this cell.' : 'No images in this cell.'));
      return;
    }
    replace(missList, ...items.map((m) => missCard(m, names, onSeeInside)));
  }

  return {
    el,
    update(e) {
      if (e === shown) return;
      selected = null;
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
      shown = e;
    },
  };
}

function missCard(m: Misclassified, names: string[], onSeeInside?: (index: number) => void): HTMLElement {
  const canvas = h('canvas', { width: 28, height: 28, class: 'digit', 'aria-label': `test image ${m.index}` });
  const ctx = canvas.getContext('2d');
  if (ctx && m.pixels.length === 784) ctx.putImageData(new ImageData(pixelsToRgba(m.pixels), 28, 28), 0, 0);
  const probs = topK(m.probabilities, 3).map((t) =>
    h('li', { class: t.cls === m.label ? 'truth' : t.cls === m.predicted ? 'predicted' : '' }, `${names[t.cls] ?? t.cls} ${percent(t.p)}`));
  return h('figure', { class: 'miss', 'data-index': m.index },
    canvas,
    h('figcaption', {}, h('span', { class: 'meta' }, `#${m.index}`), h('ol', { class: 'top-probs' }, ...probs),
      onSeeInside ? button('See inside', { testid: 'see-inside', title: `Every layer's output for test image ${m.index}`, onClick: () => onSeeInside(m.index) }) : null));
}
