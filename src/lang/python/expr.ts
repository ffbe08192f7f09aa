// Expression parser for one Python logical line (tokens from tokenize.ts). It builds a small AST
// of what model definitions use (names, attributes, calls, literals, tuples, lists, arithmetic)
// and turns everything else (comprehensions, lambdas, dicts, slices...) into `other` nodes after
// skipping their balanced brackets, so one odd construct never hides the rest of the line.
import { DepthGuard, MAX_CHAIN, OPEN_TO_CLOSE as CLOSE, skipBalanced } from '../exprKit';
import type { Span } from '../types';
import type { PyTok } from './tokenize';

export type PyExpr =
  | { k: 'name'; id: string; span: Span }
  | { k: 'attr'; obj: PyExpr; attr: string; attrSpan: Span; span: Span }
  /** complete: false when the closing ')' is missing (while typing): the arguments read so far are kept. */
  | { k: 'call'; fn: PyExpr; args: PyExpr[]; kwargs: PyKwarg[]; starred: boolean; complete: boolean; span: Span }
  | { k: 'num'; text: string; span: Span }
  | { k: 'str'; value: string; dynamic: boolean; span: Span }
  | { k: 'seq'; tuple: boolean; items: PyExpr[]; span: Span }
  | { k: 'unary'; op: string; arg: PyExpr; span: Span }
  | { k: 'bin'; op: string; left: PyExpr; right: PyExpr; span: Span }
  | { k: 'sub'; obj: PyExpr; index: PyExpr; span: Span }
  | { k: 'other'; span: Span; children: PyExpr[] };

export interface PyKwarg {
  name: string;
  value: PyExpr;
  span: Span;
}

const BINARY: Record<string, number> = {
  or: 1, and: 2, // 'not' is unary at level 3
  '<': 4, '>': 4, '==': 4, '>=': 4, '<=': 4, '!=': 4, in: 4, is: 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '//': 10, '%': 10, '@': 10,
};

/** Parses tokens [from, to) of one logical line; `pos` is advanced as far as parsing went. */
export class PyExprParser {
  pos: number;
  constructor(private toks: PyTok[], from: number, private to: number) {
    this.pos = from;
  }

  peek(offset = 0): PyTok | undefined {
    const i = this.pos + offset;
    return i < this.to ? this.toks[i] : undefined;
  }
  isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'op' && t.text === text;
  }
  isName(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'name' && t.text === text;
  }
  private lastEnd(): number {
    return this.pos > 0 ? this.toks[Math.min(this.pos, this.toks.length) - 1].end : 0;
  }

  /** Skips a balanced bracket group starting at the current opening bracket; false when it is not closed. */
  skipBalanced(): boolean {
    const r = skipBalanced(this.toks, this.pos, this.to, 'op');
    this.pos = r.pos;
    return r.closed;
  }

  /** A full expression, including bare tuples `a, b` when `tuples` is set. */
  parseExprList(tuples: boolean): PyExpr | undefined {
    const first = this.parseTest();
    if (!first) return undefined;
    if (!tuples || !this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.pos++;
      const t = this.peek();
      if (!t || (t.kind === 'op' && (t.text === '=' || t.text === ')' || t.text === ':'))) break;
      const e = this.parseTest();
      if (!e) break;
      items.push(e);
    }
    return { k: 'seq', tuple: true, items, span: { start: first.span.start, end: items[items.length - 1].span.end } };
  }

  /** Nesting depth of parseTest/parseUnary; past MAX_DEPTH the innermost group is skipped unread (no stack overflow). */
  private guard = new DepthGuard();

  /** test: or_test ['if' or_test 'else' test] | lambda */
  parseTest(): PyExpr | undefined {
    return this.guard.run(() => this.parseTestInner());
  }

  private parseTestInner(): PyExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'name' && t.text === 'lambda') {
      const start = t.start;
      while (this.pos < this.to && !this.isOp(':')) this.pos++;
      this.pos++;
      const body = this.parseTest();
      return { k: 'other', span: { start, end: this.lastEnd() }, children: body ? [body] : [] };
    }
    const e = this.parseBinary(1);
    if (!e) return undefined;
    if (this.isName('if')) {
      this.pos++;
      const cond = this.parseBinary(1);
      const children = [e];
      if (cond) children.push(cond);
      if (this.isName('else')) {
        this.pos++;
        const alt = this.parseTest();
        if (alt) children.push(alt);
      }
      return { k: 'other', span: { start: e.span.start, end: this.lastEnd() }, children };
    }
    return e;
  }

  private binOp(): string | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'op' && t.text in BINARY) return t.text;
    if (t.kind === 'name' && (t.text === 'or' || t.text === 'and' || t.text === 'in' || t.text === 'is')) return t.text;
    if (t.kind === 'name' && t.text === 'not' && this.isName('in', 1)) return 'not in';
    return undefined;
  }

  private parseBinary(minPrec: number): PyExpr | undefined {
    let left = this.parseUnary(minPrec);
    if (!left) return undefined;
    for (let n = 0; ; n++) {
      // A very long chain (1 + 1 + ...) is kept flat so walking it stays shallow.
      if (n === MAX_CHAIN) left = { k: 'other', span: left.span, children: [] };
      const op = this.binOp();
      if (op === undefined) return left;
      const prec = BINARY[op === 'not in' ? 'in' : op];
      if (prec < minPrec) return left;
      this.pos += op === 'not in' ? 2 : 1;
      if (op === 'is' && this.isName('not')) this.pos++;
      const right = this.parseBinary(prec + 1);
      if (!right) return left;
      left = n >= MAX_CHAIN
        ? { k: 'other', span: { start: left.span.start, end: right.span.end }, children: [] }
        : { k: 'bin', op, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private parseUnary(minPrec: number): PyExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    return this.guard.run(() => this.parseUnaryInner(minPrec, t));
  }

  private parseUnaryInner(minPrec: number, t: PyTok): PyExpr | undefined {
    if (t.kind === 'name' && t.text === 'not' && minPrec <= 3) {
      this.pos++;
      const arg = this.parseBinary(3);
      return arg ? { k: 'unary', op: 'not', arg, span: { start: t.start, end: arg.span.end } } : undefined;
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.pos++;
      const arg = this.parseUnary(11);
      return arg ? { k: 'unary', op: t.text, arg, span: { start: t.start, end: arg.span.end } } : undefined;
    }
    if (t.kind === 'name' && t.text === 'await') this.pos++;
    const base = this.parsePostfix();
    if (base && this.isOp('**')) {
      this.pos++;
      const exp = this.parseUnary(11);
      if (exp) return { k: 'bin', op: '**', left: base, right: exp, span: { start: base.span.start, end: exp.span.end } };
    }
    return base;
  }

  private parsePostfix(): PyExpr | undefined {
    let e = this.parseAtom();
    if (!e) return undefined;
    for (let n = 0; ; n++) {
      const t = this.peek();
      if (!t || t.kind !== 'op') return e;
      if (n >= MAX_CHAIN && e.k !== 'other') e = { k: 'other', span: e.span, children: [] }; // a.b.c... thousands deep
      if (t.text === '.') {
        const nm = this.peek(1);
        if (!nm || nm.kind !== 'name') return e;
        this.pos += 2;
        e = { k: 'attr', obj: e, attr: nm.text, attrSpan: { start: nm.start, end: nm.end }, span: { start: e.span.start, end: nm.end } };
      } else if (t.text === '(') {
        e = this.parseCall(e);
      } else if (t.text === '[') {
        const open = this.pos;
        this.pos++;
        const idx = this.parseExprList(true);
        if (idx && this.isOp(']')) {
          this.pos++;
          e = { k: 'sub', obj: e, index: idx, span: { start: e.span.start, end: this.lastEnd() } };
        } else {
          // Slices and anything fancier: skip the brackets.
          this.pos = open;
          this.skipBalanced();
          e = { k: 'other', span: { start: e.span.start, end: this.lastEnd() }, children: [e] };
        }
      } else {
        return e;
      }
    }
  }

  private parseCall(fn: PyExpr): PyExpr {
    const open = this.pos;
    this.pos++; // (
    const args: PyExpr[] = [];
    const kwargs: PyKwarg[] = [];
    let starred = false;
    while (this.pos < this.to && !this.isOp(')')) {
      const t = this.peek()!;
      if (t.kind === 'op' && (t.text === '*' || t.text === '**')) {
        starred = true;
        this.pos++;
        this.parseTest();
      } else if (t.kind === 'name' && this.isOp('=', 1)) {
        this.pos += 2;
        const v = this.parseTest();
        if (v) kwargs.push({ name: t.text, value: v, span: { start: t.start, end: v.span.end } });
      } else {
        const v = this.parseTest();
        if (!v) break;
        if (this.isName('for') || this.isName('async')) {
          // A generator argument: f(x for x in y)
          this.pos = open;
          this.skipBalanced();
          return { k: 'other', span: { start: fn.span.start, end: this.lastEnd() }, children: [fn] };
        }
        args.push(v);
      }
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp(')')) break;
    }
    if (this.isOp(')')) {
      this.pos++;
      return { k: 'call', fn, args, kwargs, starred, complete: true, span: { start: fn.span.start, end: this.lastEnd() } };
    }
    // Something we do not read (or an unbalanced call while typing): keep what was parsed, end the
    // call at the closing bracket if there is one, else where parsing stopped.
    const stop = this.pos;
    this.pos = open;
    const closed = this.skipBalanced();
    if (!closed) this.pos = Math.max(stop, open + 1);
    // A closed call we could not read entirely counts as unreadable arguments (never a guess).
    return { k: 'call', fn, args, kwargs, starred: starred || closed, complete: closed, span: { start: fn.span.start, end: this.lastEnd() } };
  }

  private parseAtom(): PyExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    const span = { start: t.start, end: t.end };
    if (t.kind === 'name') {
      if (KEYWORDS.has(t.text)) return undefined;
      this.pos++;
      return { k: 'name', id: t.text, span };
    }
    if (t.kind === 'num') {
      this.pos++;
      return { k: 'num', text: t.text, span };
    }
    if (t.kind === 'str') {
      // Adjacent literals concatenate: 'a' 'b'
      let value = t.text;
      let dynamic = !!t.dynamic;
      let end = t.end;
      this.pos++;
      while (this.peek()?.kind === 'str') {
        const s = this.peek()!;
        value += s.text;
        dynamic ||= !!s.dynamic;
        end = s.end;
        this.pos++;
      }
      return { k: 'str', value, dynamic, span: { start: t.start, end } };
    }
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) {
      const open = this.pos;
      const close = CLOSE[t.text];
      this.pos++;
      const items: PyExpr[] = [];
      let trailingComma = false;
      while (this.pos < this.to && !this.isOp(close)) {
        if (this.isOp('*')) this.pos++;
        const e = this.parseTest();
        if (!e || this.isName('for') || this.isName('async') || this.isOp(':=')) {
          this.pos = open;
          this.skipBalanced();
          return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: items };
        }
        items.push(e);
        trailingComma = false;
        if (this.isOp(',')) {
          this.pos++;
          trailingComma = true;
        } else if (!this.isOp(close)) {
          this.pos = open;
          this.skipBalanced();
          return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: items };
        }
      }
      if (this.isOp(close)) this.pos++;
      const end = this.lastEnd();
      if (t.text === '(' && items.length === 1 && !trailingComma) return items[0]; // parenthesised
      return { k: 'seq', tuple: t.text === '(', items, span: { start: t.start, end } };
    }
    if (t.kind === 'op' && t.text === '{') {
      this.skipBalanced();
      return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: [] };
    }
    if (t.kind === 'op' && t.text === '...') {
      this.pos++;
      return { k: 'other', span, children: [] };
    }
    return undefined;
  }
}

const KEYWORDS = new Set([
  'and', 'or', 'not', 'if', 'else', 'elif', 'for', 'while', 'in', 'is', 'lambda', 'def', 'class',
  'return', 'yield', 'import', 'from', 'as', 'with', 'try', 'except', 'finally', 'raise', 'pass',
  'break', 'continue', 'global', 'nonlocal', 'del', 'assert', 'async', 'await',
]);
