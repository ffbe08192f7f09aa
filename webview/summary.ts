// Keras-style model summary: Layer (type) | Output Shape | Param #, then the totals.
import type { SummaryInfo } from '../src/shared/protocol';
import { h, replace } from './dom';
import { summaryView } from './format';

export interface SummaryTable { el: HTMLElement; update(s: SummaryInfo | undefined): void }

export function createSummaryTable(): SummaryTable {
  const body = h('tbody');
  const foot = h('tfoot');
  const table = h('table', { class: 'summary data', 'data-testid': 'summary-table' },
    h('caption', { class: 'visually-hidden' }, 'Layer summary'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Layer (type)'), h('th', { scope: 'col' }, 'Output Shape'), h('th', { scope: 'col', class: 'num' }, 'Param #'))),
    body, foot);
  const empty = h('p', { class: 'empty' }, 'The layer summary appears when training starts.');
  const el = h('div', { class: 'summary-block' }, empty, table);
  // null: nothing shown yet, so the first update (even with no summary) hides the empty table.
  let shown: SummaryInfo | undefined | null = null;
  return {
    el,
    update(s) {
      if (s === shown) return;
      shown = s;
      empty.classList.toggle('hidden', !!s);
      table.classList.toggle('hidden', !s);
      if (!s) { replace(body); replace(foot); return; }
      const v = summaryView(s);
      replace(body, ...v.rows.map((r) => h('tr', {},
        h('td', {}, r.layer), h('td', { class: 'mono' }, r.shape), h('td', { class: 'num mono' }, r.params))));
      const total = (label: string, value: string, testid: string) =>
        h('tr', {}, h('th', { scope: 'row', colspan: 2 }, label), h('td', { class: 'num mono', 'data-testid': testid }, value));
      replace(foot,
        total('Total params:', v.total, 'total-params'),
        total('Trainable params:', v.trainable, 'trainable-params'),
        total('Non-trainable params:', v.nonTrainable, 'non-trainable-params'));
    },
  };
}
