// A small JavaScript/TypeScript tokenizer for reading tf.sequential models: names, numbers,
// strings, template literals, comments, regex literals (by the usual previous-token rule) and
// punctuation. Never throws; unknown characters become one-character punctuation tokens.
import { byFirstChar, scanIdentifier, scanWord, scanOperator } from '../scan';

export type JsTokKind = 'name' | 'num' | 'str' | 'punct';

export interface JsTok {
  kind: JsTokKind;
  /** Source text; the decoded value for strings. */
  text: string;
  start: number;
  end: number;
  /** Template literal with ${...}: not a constant. */
  dynamic?: boolean;
}

const NAME = /[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*/uy;
const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;
const PUNCT = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '**', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>'];
const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '&&', '||', '??', '=>', '==', '===', '!=', '!==', '+', '-', '*', '%', '<', '>', '~', '^', 'return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

export function tokenizeJs(src: string): JsTok[] {
  const toks: JsTok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      const t = readQuoted(src, i);
      toks.push(t);
      i = t.end;
      continue;
    }
    if (c === '`') {
      const t = readTemplate(src, i);
      toks.push(t);
      i = t.end;
      continue;
    }
    if (c === '/') {
      const prev = toks[toks.length - 1];
      if (!prev || (prev.kind === 'punct' && REGEX_AFTER.has(prev.text)) || (prev.kind === 'name' && REGEX_AFTER.has(prev.text))) {
        const end = regexEnd(src, i);
        if (end > 0) {
          toks.push({ kind: 'str', text: src.slice(i, end), start: i, end, dynamic: true });
          i = end;
          continue;
        }
      }
    }
    const word = scanWord(src, i, scanName, NUMBER);
    if (word) {
      toks.push(word);
      i = word.end;
      continue;
    }
    const p = scanOperator(src, i, PUNCT_BY_FIRST);
    toks.push({ kind: 'punct', text: p, start: i, end: i + p.length });
    i += p.length;
  }
  return toks;
}

const PUNCT_BY_FIRST = byFirstChar(PUNCT);
const scanName = (src: string, i: number) => scanIdentifier(src, i, NAME, true);

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

function readQuoted(src: string, start: number): JsTok {
  const q = src[start];
  // Fast path: no escape before the closing quote on this line.
  const close = src.indexOf(q, start + 1);
  if (close > 0) {
    const body = src.slice(start + 1, close);
    if (!body.includes('\\') && !body.includes('\n')) return { kind: 'str', text: body, start, end: close + 1 };
  }
  let i = start + 1;
  let value = '';
  while (i < src.length && src[i] !== q && src[i] !== '\n') {
    if (src[i] === '\\' && i + 1 < src.length) {
      const d = src[i + 1];
      value += ESC[d] ?? (d === '\n' ? '' : d);
      i += 2;
      continue;
    }
    value += src[i++];
  }
  if (src[i] === q) i++;
  return { kind: 'str', text: value, start, end: i };
}

function readTemplate(src: string, start: number): JsTok {
  let i = start + 1;
  let value = '';
  let dynamic = false;
  while (i < src.length && src[i] !== '`') {
    if (src[i] === '\\' && i + 1 < src.length) {
      value += ESC[src[i + 1]] ?? src[i + 1];
      i += 2;
      continue;
    }
    if (src[i] === '$' && src[i + 1] === '{') {
      dynamic = true;
      // Skip the substitution, counting braces (nested templates inside are rare; treated plainly).
      let depth = 0;
      i += 1;
      while (i < src.length) {
        if (src[i] === '{') depth++;
        else if (src[i] === '}' && --depth === 0) {
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    value += src[i++];
  }
  if (src[i] === '`') i++;
  return { kind: 'str', text: value, start, end: i, dynamic: dynamic || undefined };
}

/** End of a regex literal starting at `start`, or -1 when it is not one (no closing / on the line). */
function regexEnd(src: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < src.length && src[i] !== '\n') {
    const c = src[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      i++;
      while (i < src.length && /[a-z]/i.test(src[i])) i++;
      return i;
    }
    i++;
  }
  return -1;
}
