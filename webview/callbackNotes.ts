// What the training callbacks did (early stop, learning-rate changes, restored weights), one line
// each with Keras's wording, under the validation list; the charts mark the same epochs.
import type { CallbackNote, PanelState } from '../src/shared/webviewProtocol';
import { h, replace } from './dom';

export interface CallbackNotesView { el: HTMLElement; update(s: PanelState): void }

/** Where a note sits on the charts' epoch axis: a schedule acts as its epoch begins, the others as it ends. */
export function noteX(n: CallbackNote): number {
  return n.callback === 'LearningRateScheduler' ? n.epoch - 1 : n.epoch;
}

/** The notes of a state, ignoring anything malformed (a restored state is untrusted). */
export function callbackNotes(s: PanelState): CallbackNote[] {
  return Array.isArray(s.callbacks)
    ? s.callbacks.filter((n) => n && Number.isFinite(n.epoch) && typeof n.message === 'string' && typeof n.callback === 'string')
    : [];
}

export function createCallbackNotes(): CallbackNotesView {
  const list = h('ul', { class: 'callback-notes hidden', 'data-testid': 'callback-notes', 'aria-label': 'Training callbacks' });
  let shown: unknown = null;
  return {
    el: list,
    update(s) {
      if (s.callbacks === shown) return;
      shown = s.callbacks;
      const notes = callbackNotes(s);
      replace(list, ...notes.map((n) => h('li', { 'data-callback': n.callback, 'data-epoch': n.epoch }, n.message)));
      list.classList.toggle('hidden', notes.length === 0);
    },
  };
}
