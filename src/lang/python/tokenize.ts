// A small Python tokenizer, enough to read model definitions: names, numbers, strings (all
// prefixes, triple quotes), comments, backslash continuations, brackets, and logical lines (a
// newline inside brackets does not end a statement, `;` does). Never throws: anything it does
// not know becomes a one-character operator token, an unterminated string ends at its line.
import { byFirstChar, scanIdentifier, scanWord, scanOperator } from '../scan';

export type PyTokKind = 'name' | 'num' | 'str' | 'op' | 'nl';

export interface PyTok {
  kind: PyTokKind;
  /** Source text for names and operators; the decoded value for strings ('' for f-strings). */
  text: string;
  start: number;
  end: number;
  /** Strings: true when the value is not a plain constant (f-strings). */
  dynamic?: boolean;
}

const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)/y;
const STRING_PREFIX = /(?:[rRbBuUfF]{1,2})?(?='|")/y;
const STATEMENT_START = /^(?:(?:def|class|import|from|if|for|while|with|try|return|async)\b|@|[\p{L}_][\p{L}\p{N}_]*(?:\s*=[^=]|\.add\())/u;
const OPS = ['**=', '//=', '>>=', '<<=', '...', '**', '//', '==', '!=', '<=', '>=', '->', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '<<', '>>'];

export function tokenizePython(src: string): PyTok[] {
  const toks: PyTok[] = [];
  let i = 0;
  let depth = 0;
  let lineStart = true; // at the start of a logical line (magics are recognised only there)
  const n = src.length;
  const newline = (at: number) => {
    if (depth === 0 && toks.length > 0 && toks[toks.length - 1].kind !== 'nl') {
      toks.push({ kind: 'nl', text: '\n', start: at, end: at });
    }
    if (depth === 0) lineStart = true;
  };
  while (i < n) {
    const c = src[i];
    if (c === '\n' || c === '\r') {
      newline(i);
      i++;
      // Recovery while typing: an unclosed bracket would make the rest of the file one statement.
      // A line at column 0 that starts a new statement (def, import, `x =`, `m.add(`...) ends it.
      if (depth > 0 && c === '\n' && STATEMENT_START.test(src.slice(i, i + 80))) {
        depth = 0;
        newline(i);
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (src[i + 1] === '\n' || src[i + 1] === '\r')) {
      i += src[i + 1] === '\r' && src[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    // IPython magics and shell escapes in notebook cells (`%matplotlib inline`, `!pip install`).
    if (lineStart && depth === 0 && (c === '%' || c === '!')) {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    lineStart = false;
    STRING_PREFIX.lastIndex = i;
    if ((c === '"' || c === "'" || /[rRbBuUfF]/.test(c)) && STRING_PREFIX.test(src)) {
      const prefixEnd = STRING_PREFIX.lastIndex;
      const prefix = src.slice(i, prefixEnd).toLowerCase();
      const tok = readString(src, i, prefixEnd, prefix);
      toks.push(tok);
      i = tok.end;
      continue;
    }
    const word = scanWord(src, i, scanName, NUMBER);
    if (word) {
      toks.push(word);
      i = word.end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    if (c === ';' && depth === 0) {
      newline(i);
      i++;
      continue;
    }
    const op = scanOperator(src, i, OPS_BY_FIRST);
    toks.push({ kind: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  if (toks.length > 0 && toks[toks.length - 1].kind !== 'nl') toks.push({ kind: 'nl', text: '\n', start: n, end: n });
  return toks;
}

const OPS_BY_FIRST = byFirstChar(OPS);
const scanName = (src: string, i: number) => scanIdentifier(src, i, NAME, false);

function readString(src: string, start: number, q: number, prefix: string): PyTok {
  const quote = src[q];
  const triple = src.startsWith(quote.repeat(3), q);
  const close = triple ? quote.repeat(3) : quote;
  const rawStr = prefix.includes('r');
  // Fast path: a one-line string without escapes.
  if (!triple) {
    const end = src.indexOf(quote, q + 1);
    if (end > 0) {
      const body = src.slice(q + 1, end);
      if (!body.includes('\\') && !body.includes('\n') && !body.includes('\r')) {
        return { kind: 'str', text: body, start, end: end + 1, dynamic: prefix.includes('f') || undefined };
      }
    }
  }
  let i = q + close.length;
  let value = '';
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (src.startsWith(close, i)) {
      i += close.length;
      return { kind: 'str', text: value, start, end: i, dynamic: prefix.includes('f') || undefined };
    }
    if (!triple && (c === '\n' || c === '\r')) break; // unterminated: stop at the line end
    if (c === '\\' && i + 1 < n) {
      const d = src[i + 1];
      if (rawStr) value += c + d;
      else value += ESC[d] ?? (d === '\n' ? '' : c + d);
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { kind: 'str', text: value, start, end: i, dynamic: prefix.includes('f') || undefined };
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
