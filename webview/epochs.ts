// One line per finished epoch with its validation accuracy (the e2e suite counts these <li>s).
import type { EpochMetrics } from '../src/shared/protocol';
import { h, replace } from './dom';
import { duration, fixed } from './format';

export interface EpochList { el: HTMLElement; update(history: EpochMetrics[]): void }

export function createEpochList(): EpochList {
  const list = h('ol', { class: 'epoch-list', 'data-testid': 'val-acc-list', 'aria-label': 'Validation accuracy per epoch' });
  const empty = h('p', { class: 'empty' }, 'Validation results appear after each epoch.');
  const el = h('div', { class: 'epochs-block' }, empty, list);
  let shown: EpochMetrics[] = [];
  const item = (m: EpochMetrics) => {
    const detail = `val loss ${fixed(m.val_loss)} · acc ${fixed(m.acc)} · loss ${fixed(m.loss)} · ${duration(m.seconds)}`;
    return h('li', { 'data-epoch': m.epoch, 'data-val-acc': m.val_acc },
      h('span', { class: 'epoch-no' }, `Epoch ${m.epoch}`),
      h('span', { class: 'val-acc' }, `val acc ${fixed(m.val_acc)}`),
      h('span', { class: 'detail', title: detail }, detail));
  };
  return {
    el,
    update(history) {
      if (history === shown) return;
      // Append when the history only grew (the usual case while training); rebuild otherwise.
      const grew = history.length >= shown.length && shown.every((m, i) => history[i].epoch === m.epoch && history[i].val_acc === m.val_acc);
      if (grew) for (const m of history.slice(shown.length)) list.append(item(m));
      else replace(list, ...history.map(item));
      shown = history;
      empty.classList.toggle('hidden', history.length > 0);
      // Newest result in view (the list scrolls inside its card, not the whole panel).
      list.scrollTop = list.scrollHeight;
    },
  };
}
