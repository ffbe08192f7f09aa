// A JSON reader that keeps where every value is, for hovers in *.lenet.json and for mapping the
// code of .ipynb cells back to the notebook's text. Strings also keep the source offset of each
// decoded character. Throws JsonSyntaxError (with the offset) on invalid JSON.
import type { Span } from './types';
import { MAX_JSON_DEPTH } from '../shared/jsonDepth';

export type JNode =
  | { k: 'obj'; span: Span; entries: { key: string; keySpan: Span; value: JNode }[] }
  | { k: 'arr'; span: Span; items: JNode[] }
  | { k: 'str'; span: Span; value: string }
  | { k: 'num'; span: Span; value: number }
  | { k: 'lit'; span: Span; value: boolean | null };

export class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export function parseJsonWithSpans(text: string): JNode {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i, `${what} at offset ${i}`);
  };
  const str = (): Extract<JNode, { k: 'str' }> => {
    const start = i;
    i++; // "
    // Fast path: no escape before the closing quote (most keys and values, big base64 outputs).
    const close = text.indexOf('"', i);
    if (close >= 0) {
      const body = text.slice(i, close);
      if (!body.includes('\\') && !body.includes('\n')) {
        i = close + 1;
        return { k: 'str', span: { start, end: i }, value: body };
      }
    }
    let value = '';
    while (i < n && text[i] !== '"') {
      const c = text[i];
      if (c === '\\') {
        const d = text[i + 1];
        if (d === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          value += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const m: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"' };
          if (d === undefined || !(d in m)) fail('bad escape');
          value += m[d];
          i += 2;
        }
      } else {
        if (c === '\n') fail('newline in a string');
        value += c;
        i++;
      }
    }
    if (i >= n) fail('unterminated string');
    i++;
    return { k: 'str', span: { start, end: i }, value };
  };
  const value = (depth: number): JNode => {
    if (depth > MAX_JSON_DEPTH) fail('nesting too deep');
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; keySpan: Span; value: JNode }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { k: 'obj', span: { start, end: i }, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push({ key: key.value, keySpan: key.span, value: value(depth + 1) });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { k: 'obj', span: { start, end: i }, entries };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { k: 'arr', span: { start, end: i }, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { k: 'arr', span: { start, end: i }, items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      return { k: 'num', span: { start, end: i }, value: Number(m[0]) };
    }
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { k: 'lit', span: { start, end: i }, value: v };
      }
    }
    return fail('unexpected character');
  };
  const root = value(0);
  ws();
  if (i < n) fail('unexpected text after the JSON value');
  return root;
}

/**
 * The source offset of each UTF-16 unit of a string node's value (computed on demand: only the
 * strings that are read as code need it).
 */
export function stringOffsets(text: string, node: Extract<JNode, { k: 'str' }>): number[] {
  const offsets: number[] = [];
  const end = node.span.end - 1;
  for (let i = node.span.start + 1; i < end; ) {
    offsets.push(i);
    i += text[i] === '\\' ? (text[i + 1] === 'u' ? 6 : 2) : 1;
  }
  return offsets;
}

export function jget(node: JNode | undefined, key: string): JNode | undefined {
  return node?.k === 'obj' ? node.entries.find((e) => e.key === key)?.value : undefined;
}

/** Plain JS value of a node. */
export function jvalue(node: JNode): unknown {
  switch (node.k) {
    case 'obj': return Object.fromEntries(node.entries.map((e) => [e.key, jvalue(e.value)]));
    case 'arr': return node.items.map(jvalue);
    default: return node.value;
  }
}
