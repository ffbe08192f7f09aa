// Where JavaScript code may run more than once or not at all: bodies of for/while/do loops, of
// forEach/map-style callbacks, and of if/else/switch. A layer added there is not analyzed (the
// number of layers is only known when the code runs), unless the model is created there too.
import type { Span } from '../types';
import type { JsTok } from './tokenize';

export interface ControlRange extends Span {
  kind: 'loop' | 'cond';
  keyword: string;
}

const ITERATING = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'times']);
const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

export function controlRanges(toks: JsTok[]): ControlRange[] {
  /** Index of the bracket closing the one at i (or the last token when unbalanced). */
  const match = (i: number): number => {
    let depth = 0;
    for (let j = i; j < toks.length; j++) {
      const t = toks[j].text;
      if (toks[j].kind !== 'punct') continue;
      if (OPEN.has(t)) depth++;
      else if (CLOSE.has(t) && --depth === 0) return j;
    }
    return toks.length - 1;
  };
  /** The statement or block starting at i: its last token index. */
  const body = (i: number): number => {
    if (i >= toks.length) return toks.length - 1;
    if (toks[i].text === '{') return match(i);
    let depth = 0;
    for (let j = i; j < toks.length; j++) {
      const t = toks[j].text;
      if (toks[j].kind !== 'punct') continue;
      if (OPEN.has(t)) depth++;
      else if (CLOSE.has(t)) {
        if (--depth < 0) return j - 1;
      } else if (t === ';' && depth === 0) return j;
    }
    return toks.length - 1;
  };
  const out: ControlRange[] = [];
  const add = (from: number, to: number, kind: ControlRange['kind'], keyword: string) => {
    if (from < toks.length && to >= from) out.push({ start: toks[from].start, end: toks[Math.min(to, toks.length - 1)].end, kind, keyword });
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== 'name') continue;
    const prev = toks[i - 1];
    if (prev && (prev.text === '.' || prev.text === '?.')) {
      if (ITERATING.has(t.text) && toks[i + 1]?.text === '(') add(i + 1, match(i + 1), 'loop', `${t.text} callback`);
      continue;
    }
    const next = toks[i + 1];
    if ((t.text === 'for' || t.text === 'while' || t.text === 'if' || t.text === 'switch') && next) {
      const header = next.text === 'await' ? i + 2 : i + 1; // for await (...)
      if (toks[header]?.text !== '(') continue;
      const close = match(header);
      const kind = t.text === 'if' || t.text === 'switch' ? 'cond' : 'loop';
      add(close + 1, body(close + 1), kind, t.text);
    } else if (t.text === 'do' && next) {
      add(i + 1, body(i + 1), 'loop', 'do');
    } else if (t.text === 'else' && next && next.text !== 'if') {
      add(i + 1, body(i + 1), 'cond', 'else');
    }
  }
  return out;
}
