// Finds TensorFlow.js Sequential models in JavaScript/TypeScript: `const model = tf.sequential()`
// + `model.add(tf.layers.conv2d({...}))`, `tf.sequential({layers: [...]})`, options in camelCase,
// simple `const` values. Reads expressions wherever they are (inside functions too), in order.
import { appendLayer } from '../appendLayer';
import { breakChain, chainBreak, chainModel, newChain, type Tensor } from '../functionalChain';
import { DepthGuard, dottedName, lastName as lastNameOf, MAX_CHAIN, skipBalanced, type NameStep } from '../exprKit';
import { LAYERS } from '../../model/layers';
import type { LayerType } from '../../model/spec';
import { buildLayer, type ReadableType } from '../layerArgs';
import type { ParseResult, SourceLayer, SourceModel, Span } from '../types';
import { binary, unaryOp, unknown, type Val } from '../values';
import { controlRanges, type ControlRange } from './control';
import { tokenizeJs, type JsTok } from './tokenize';

type JsExpr =
  | { k: 'name'; id: string; span: Span }
  | { k: 'member'; obj: JsExpr; prop: string; propSpan: Span; span: Span }
  | { k: 'call'; fn: JsExpr; args: JsExpr[]; complete: boolean; span: Span }
  | { k: 'num'; text: string; span: Span }
  | { k: 'str'; value: string; dynamic: boolean; span: Span }
  | { k: 'arr'; items: JsExpr[]; span: Span }
  | { k: 'obj'; entries: { key: string; value: JsExpr }[]; spread: boolean; span: Span }
  | { k: 'unary'; op: string; arg: JsExpr; span: Span }
  | { k: 'bin'; op: string; left: JsExpr; right: JsExpr; span: Span }
  | { k: 'other'; span: Span; children: JsExpr[] };

/** tf.layers factory names this reader models, from the layer registry. */
export const TFJS_LAYERS: Record<string, ReadableType> = Object.fromEntries(
  (Object.keys(LAYERS) as LayerType[]).flatMap((t) => LAYERS[t].tfjs.map((name) => [name, t === 'InputLayer' ? 'Input' : t])),
);

const BIN: Record<string, number> = {
  '??': 1, '||': 2, '&&': 3, '|': 4, '^': 5, '&': 6, '==': 7, '!=': 7, '===': 7, '!==': 7,
  '<': 8, '>': 8, '<=': 8, '>=': 8, instanceof: 8, in: 8, '<<': 9, '>>': 9, '>>>': 9,
  '+': 10, '-': 10, '*': 11, '/': 11, '%': 11, '**': 12,
};
const STOP_NAMES = new Set(['const', 'let', 'var', 'function', 'return', 'if', 'else', 'for', 'while', 'new', 'typeof', 'await', 'async', 'export', 'import', 'class', 'interface', 'type']);

class JsExprParser {
  pos: number;
  /** True when some part had to be skipped unread (so nested calls must be scanned again). */
  skipped = false;
  constructor(private toks: JsTok[], from: number) {
    this.pos = from;
  }
  peek(o = 0): JsTok | undefined {
    return this.toks[this.pos + o];
  }
  is(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && (t.kind === 'punct' || t.kind === 'name') && t.text === text;
  }
  private lastEnd(): number {
    return this.toks[Math.max(0, this.pos - 1)]?.end ?? 0;
  }
  skipBalanced(): void {
    this.skipped = true;
    this.pos = skipBalanced(this.toks, this.pos, this.toks.length, 'punct').pos;
  }

  /** Nesting depth of expr/unary; past MAX_DEPTH the innermost group is skipped unread (no stack overflow). */
  private guard = new DepthGuard();

  expr(): JsExpr | undefined {
    return this.guard.run(() => this.exprInner());
  }

  private exprInner(): JsExpr | undefined {
    // Arrow functions: (a, b) => ..., x => ...: read the body, keep it as a child.
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'name' && this.is('=>', 1)) {
      this.pos += 2;
      return this.arrowBody(t.start);
    }
    if (t.text === '(' && t.kind === 'punct') {
      const save = this.pos;
      const skippedBefore = this.skipped;
      this.skipBalanced();
      this.skipped = skippedBefore;
      if (this.is('=>') || (this.is(':') && this.findArrow())) {
        while (!this.is('=>') && this.pos < this.toks.length) this.pos++;
        this.pos++;
        return this.arrowBody(t.start);
      }
      this.pos = save;
    }
    const e = this.binary(1);
    if (e && this.is('?')) {
      this.pos++;
      const a = this.expr();
      if (this.is(':')) this.pos++;
      const b = this.expr();
      return { k: 'other', span: { start: e.span.start, end: this.lastEnd() }, children: [e, ...(a ? [a] : []), ...(b ? [b] : [])] };
    }
    return e;
  }

  private findArrow(): boolean {
    for (let i = this.pos; i < Math.min(this.toks.length, this.pos + 30); i++) {
      if (this.toks[i].text === '=>') return true;
      if (this.toks[i].text === ';' || this.toks[i].text === '{') return false;
    }
    return false;
  }

  private arrowBody(start: number): JsExpr {
    if (this.is('{')) {
      // A block body: statements are scanned by the finder's main loop (calls inside are found there).
      this.skipBalanced();
      return { k: 'other', span: { start, end: this.lastEnd() }, children: [] };
    }
    const body = this.expr();
    return { k: 'other', span: { start, end: this.lastEnd() }, children: body ? [body] : [] };
  }

  private binary(min: number): JsExpr | undefined {
    let left = this.unary();
    if (!left) return undefined;
    for (let n = 0; ; n++) {
      const t = this.peek();
      if (!t || !(t.text in BIN) || (t.kind === 'name' && t.text !== 'in' && t.text !== 'instanceof')) return left;
      const prec = BIN[t.text];
      if (prec < min) return left;
      this.pos++;
      const right = this.binary(t.text === '**' ? prec : prec + 1);
      if (!right) return left;
      // A very long chain (1 + 1 + ...) is kept flat so walking it stays shallow.
      left = n >= MAX_CHAIN
        ? { k: 'other', span: { start: left.span.start, end: right.span.end }, children: [] }
        : { k: 'bin', op: t.text, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private unary(): JsExpr | undefined {
    return this.guard.run(() => this.unaryInner());
  }

  private unaryInner(): JsExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'punct' && ['-', '+', '!', '~'].includes(t.text)) {
      this.pos++;
      const arg = this.unary();
      return arg ? { k: 'unary', op: t.text, arg, span: { start: t.start, end: arg.span.end } } : undefined;
    }
    if (t.kind === 'name' && (t.text === 'await' || t.text === 'new' || t.text === 'typeof' || t.text === 'void')) {
      this.pos++;
      const arg = this.unary();
      return arg && t.text !== 'typeof' && t.text !== 'void' ? arg : arg ? { k: 'other', span: arg.span, children: [arg] } : undefined;
    }
    return this.postfix();
  }

  private postfix(): JsExpr | undefined {
    let e = this.atom();
    if (!e) return undefined;
    for (let n = 0; ; n++) {
      const t = this.peek();
      if (!t) return e;
      if (n >= MAX_CHAIN && e.k !== 'other') e = { k: 'other', span: e.span, children: [] }; // a.b.c... thousands deep
      if ((t.text === '.' || t.text === '?.') && t.kind === 'punct') {
        const nm = this.peek(1);
        if (nm?.kind === 'name') {
          this.pos += 2;
          e = { k: 'member', obj: e, prop: nm.text, propSpan: { start: nm.start, end: nm.end }, span: { start: e.span.start, end: nm.end } };
          continue;
        }
        if (t.text === '?.' && nm && (nm.text === '(' || nm.text === '[')) {
          this.pos++;
          continue;
        }
        return e;
      }
      if (t.kind === 'punct' && t.text === '(') {
        e = this.call(e);
        continue;
      }
      if (t.kind === 'punct' && t.text === '[') {
        this.skipBalanced();
        e = { k: 'other', span: { start: e.span.start, end: this.lastEnd() }, children: [e] };
        continue;
      }
      if (t.kind === 'punct' && t.text === '!' && !this.is('=', 1)) {
        this.pos++; // TypeScript non-null assertion
        continue;
      }
      if (t.kind === 'name' && (t.text === 'as' || t.text === 'satisfies')) {
        this.pos++;
        this.skipType();
        continue;
      }
      if (t.kind === 'punct' && t.text === '<' && e.k !== 'num' && this.genericCall()) continue;
      return e;
    }
  }

  /** `f<T>(...)`: skip the type arguments when a call follows. */
  private genericCall(): boolean {
    let depth = 0;
    for (let i = this.pos; i < Math.min(this.toks.length, this.pos + 40); i++) {
      const x = this.toks[i].text;
      if (x === '<') depth++;
      else if (x === '>') depth--;
      else if (x === '>>') depth -= 2;
      else if (x === ';' || x === '{' || x === '=') return false;
      if (depth <= 0) {
        if (this.toks[i + 1]?.text === '(') {
          this.pos = i + 1;
          return true;
        }
        return false;
      }
    }
    return false;
  }

  /** Skips a type after `as`/`:`: names, dots, generic brackets, array brackets, unions. */
  skipType(): void {
    let angle = 0;
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos];
      if (t.kind === 'name' || t.text === '.' || t.text === '|' || t.text === '&') {
        this.pos++;
      } else if (t.text === '<') {
        angle++;
        this.pos++;
      } else if (t.text === '>' && angle > 0) {
        angle--;
        this.pos++;
      } else if (t.text === '>>' && angle > 1) {
        angle -= 2;
        this.pos++;
      } else if (t.text === '[' && this.toks[this.pos + 1]?.text === ']') {
        this.pos += 2;
      } else if ((t.text === '{' || t.text === '(' || t.text === '[') && angle >= 0) {
        this.skipBalanced();
        this.skipped = false;
      } else if (angle > 0 && (t.text === ',' || t.kind === 'str' || t.kind === 'num')) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private call(fn: JsExpr): JsExpr {
    const open = this.pos;
    this.pos++;
    const args: JsExpr[] = [];
    while (this.pos < this.toks.length && !this.is(')')) {
      if (this.is('...')) this.pos++;
      const a = this.expr();
      if (!a) break;
      args.push(a);
      if (this.is(',')) this.pos++;
      else break;
    }
    if (this.is(')')) {
      this.pos++;
      return { k: 'call', fn, args, complete: true, span: { start: fn.span.start, end: this.lastEnd() } };
    }
    this.pos = open;
    this.skipBalanced();
    return { k: 'call', fn, args, complete: false, span: { start: fn.span.start, end: this.lastEnd() } };
  }

  private atom(): JsExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    const span = { start: t.start, end: t.end };
    if (t.kind === 'name') {
      if (STOP_NAMES.has(t.text) && t.text !== 'new') return undefined;
      if (t.text === 'function') return undefined;
      this.pos++;
      return { k: 'name', id: t.text, span };
    }
    if (t.kind === 'num') {
      this.pos++;
      return { k: 'num', text: t.text, span };
    }
    if (t.kind === 'str') {
      this.pos++;
      return { k: 'str', value: t.text, dynamic: !!t.dynamic, span };
    }
    if (t.text === '(') {
      const open = this.pos;
      this.pos++;
      const e = this.expr();
      if (e && this.is(')')) {
        this.pos++;
        return e;
      }
      this.pos = open;
      this.skipBalanced();
      return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: e ? [e] : [] };
    }
    if (t.text === '[') {
      const open = this.pos;
      this.pos++;
      const items: JsExpr[] = [];
      while (this.pos < this.toks.length && !this.is(']')) {
        if (this.is('...')) this.pos++;
        const e = this.expr();
        if (!e) break;
        items.push(e);
        if (this.is(',')) this.pos++;
        else break;
      }
      if (this.is(']')) {
        this.pos++;
        return { k: 'arr', items, span: { start: t.start, end: this.lastEnd() } };
      }
      this.pos = open;
      this.skipBalanced();
      return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: items };
    }
    if (t.text === '{') {
      const open = this.pos;
      this.pos++;
      const entries: { key: string; value: JsExpr }[] = [];
      let spread = false;
      while (this.pos < this.toks.length && !this.is('}')) {
        const k = this.peek()!;
        if (k.text === '...') {
          this.pos++;
          spread = true;
          this.expr();
        } else if ((k.kind === 'name' || k.kind === 'str' || k.kind === 'num') && this.is(':', 1)) {
          this.pos += 2;
          const v = this.expr();
          if (!v) break;
          entries.push({ key: k.text, value: v });
        } else if (k.kind === 'name' && (this.is(',', 1) || this.is('}', 1))) {
          this.pos++;
          entries.push({ key: k.text, value: { k: 'name', id: k.text, span: { start: k.start, end: k.end } } });
        } else {
          break;
        }
        if (this.is(',')) this.pos++;
        else if (!this.is('}')) break;
      }
      if (this.is('}')) {
        this.pos++;
        return { k: 'obj', entries, spread, span: { start: t.start, end: this.lastEnd() } };
      }
      this.pos = open;
      this.skipBalanced();
      return { k: 'other', span: { start: t.start, end: this.lastEnd() }, children: entries.map((e) => e.value) };
    }
    return undefined;
  }
}

export function parseTfjs(src: string): ParseResult {
  return new JsModelFinder(src).run();
}

class JsModelFinder {
  private toks: JsTok[];
  private env = new Map<string, Val>();
  private vars = new Map<string, SourceModel>();
  private models: SourceModel[] = [];
  /** Start offsets of calls already handled (creations and .add), so rescans do not repeat them. */
  private handled = new Set<number>();
  /** Names bound to functional-API tensors (`const x = tf.layers.dense({...}).apply(x)`). */
  private tensors = new Map<string, Tensor>();
  /** The tensor each call produced, by the call's start offset (calls can be visited twice). */
  private tensorAt = new Map<number, Tensor>();
  private mentioned = new Set<number>();

  private control: ControlRange[];

  constructor(private src: string) {
    this.toks = tokenizeJs(src);
    this.control = controlRanges(this.toks);
  }

  /** Why a layer added at `at` may not be added exactly once to `model` (a loop or a condition), if so. */
  private uncertainAdd(model: SourceModel, at: number): string | undefined {
    const created = model.createSpan.start;
    const r = this.control.find((c) => at >= c.start && at < c.end && !(created >= c.start && created < c.end));
    if (!r) return undefined;
    return r.kind === 'loop'
      ? `added inside a ${r.keyword}${r.keyword.endsWith('callback') ? '' : ' loop'}: how many layers it adds is only known when the code runs`
      : `added under ${r.keyword}: whether it is added is only known when the code runs`;
  }

  run(): ParseResult {
    const toks = this.toks;
    let i = 0;
    while (i < toks.length) {
      const t = toks[i];
      const prev = toks[i - 1];
      const afterDot = prev !== undefined && (prev.text === '.' || prev.text === '?.');
      if (t.kind === 'name' && (t.text === 'const' || t.text === 'let' || t.text === 'var') && toks[i + 1]?.kind === 'name') {
        i = this.declaration(i + 1);
        continue;
      }
      if (t.kind === 'name' && !afterDot && !STOP_NAMES.has(t.text) && toks[i + 1]?.text === '=' ) {
        i = this.assignment(i);
        continue;
      }
      if (t.kind === 'name' && !afterDot && !STOP_NAMES.has(t.text)) {
        const p = new JsExprParser(toks, i);
        const e = p.expr();
        const key = e?.k === 'member' && p.is('=') ? dotted(e) : undefined;
        if (e && key !== undefined) {
          // this.model = tf.sequential(): the member is the model's variable.
          if (e.k === 'member') this.visit(e.obj);
          i = this.bind(key, e.span, p);
          continue;
        }
        if (e) {
          this.visit(e);
          i = p.skipped ? i + 1 : Math.max(p.pos, i + 1);
          continue;
        }
      }
      i++;
    }
    return { language: 'tfjs', models: this.models, problems: [] };
  }

  /** const NAME (: Type)? = value ; returns the index to continue at. */
  private declaration(at: number): number {
    const nameTok = this.toks[at];
    const p = new JsExprParser(this.toks, at + 1);
    if (p.is(':')) {
      p.pos++;
      p.skipType();
    }
    if (!p.is('=')) return at + 1;
    return this.bind(nameTok.text, { start: nameTok.start, end: nameTok.end }, p);
  }

  private assignment(at: number): number {
    const p = new JsExprParser(this.toks, at + 1);
    const t = this.toks[at];
    return this.bind(t.text, { start: t.start, end: t.end }, p);
  }

  /** Binds `id` (a name or a dotted member) to the value after the '=' at p.pos; returns where to continue. */
  private bind(id: string, idSpan: Span, p: JsExprParser): number {
    const valueAt = p.pos + 1;
    p.pos = valueAt;
    const value = p.expr();
    if (!value) {
      this.vars.delete(id);
      this.env.set(id, unknown(`${id} is computed at run time`));
      return valueAt;
    }
    const created = this.visit(value);
    const tensor = value.k === 'call' ? this.tensorAt.get(value.span.start) : undefined;
    this.tensors.delete(id);
    if (tensor) {
      this.tensors.set(id, tensor);
      this.vars.delete(id);
      this.env.set(id, unknown(`${id} is a tensor`));
    } else if (created && value.k === 'call' && created.createSpan.start === value.span.start) {
      created.varName = id;
      created.varSpans.push(idSpan);
      this.vars.set(id, created);
      this.env.delete(id);
    } else {
      this.vars.delete(id);
      const v = this.evaluate(value);
      this.env.set(id, v.t === 'unknown' ? unknown(`${id} is computed at run time`) : v);
    }
    return p.skipped ? valueAt : Math.max(p.pos, valueAt);
  }

  private visit(e: JsExpr): SourceModel | undefined {
    switch (e.k) {
      case 'name': {
        const m = this.vars.get(e.id);
        if (m && !this.mentioned.has(e.span.start)) {
          this.mentioned.add(e.span.start);
          m.varSpans.push(e.span);
        }
        return undefined;
      }
      case 'member': {
        const key = this.vars.size > 0 ? dotted(e) : undefined;
        const m = key === undefined ? undefined : this.vars.get(key);
        if (m && !this.mentioned.has(e.span.start)) {
          this.mentioned.add(e.span.start);
          m.varSpans.push(e.span);
        } else if (!m) {
          this.visit(e.obj);
        }
        return undefined;
      }
      case 'call': {
        const callee = lastName(e.fn);
        if (callee === 'sequential') {
          if (this.handled.has(e.span.start)) return this.models.find((m) => m.createSpan.start === e.span.start);
          this.handled.add(e.span.start);
          return this.sequential(e);
        }
        const functional = this.functional(e, callee);
        if (functional) return functional.model;
        this.visit(e.fn);
        const objKey = e.fn.k === 'member' ? dotted(e.fn.obj) : undefined;
        const obj = objKey === undefined ? undefined : this.vars.get(objKey);
        if (obj && e.fn.k === 'member' && e.fn.prop === 'add' && e.args.length >= 1) {
          if (!this.handled.has(e.span.start)) {
            this.handled.add(e.span.start);
            this.addLayer(obj, e.args[0], this.uncertainAdd(obj, e.span.start));
          }
          return undefined;
        }
        for (const a of e.args) this.visit(a);
        return undefined;
      }
      case 'arr':
        for (const x of e.items) this.visit(x);
        return undefined;
      case 'obj':
        for (const x of e.entries) this.visit(x.value);
        return undefined;
      case 'unary':
        this.visit(e.arg);
        return undefined;
      case 'bin':
        this.visit(e.left);
        this.visit(e.right);
        return undefined;
      case 'other':
        for (const x of e.children) this.visit(x);
        return undefined;
      default:
        return undefined;
    }
  }

  /** The tensor an argument stands for: a tensor variable or a nested `.apply(...)` (visited here). */
  private tensorArg(e: JsExpr): Tensor | undefined {
    if (e.k === 'name') return this.tensors.get(e.id);
    if (e.k === 'call') {
      this.visit(e);
      return this.tensorAt.get(e.span.start);
    }
    return undefined;
  }

  /**
   * The functional API as a linear chain: `tf.input({shape})` starts it, `layer.apply(x)` extends
   * it, `tf.model({inputs, outputs})` makes the model. Branches and merges are not analyzed.
   * Undefined for other calls (the caller visits them as usual).
   */
  private functional(e: Extract<JsExpr, { k: 'call' }>, callee: string | undefined): { model?: SourceModel } | undefined {
    const done = this.tensorAt.has(e.span.start) || this.handled.has(e.span.start);
    if (callee === 'input' && e.fn.k === 'member' && e.args[0]?.k === 'obj') {
      if (done) return {};
      this.handled.add(e.span.start);
      const chain = newChain(e.span);
      const opts = new Map<string, Val>();
      for (const x of e.args[0].entries) opts.set(x.key, this.evaluate(x.value));
      const built = buildLayer('Input', { opts, spell: (c) => c });
      const entry = e.args[0].entries.find((x) => x.key === 'shape' || x.key === 'batchShape');
      appendLayer(chain, { className: 'input', classSpan: e.fn.propSpan, callSpan: e.span }, 'Input', built, entry ? `${entry.key}: ${this.text(entry.value.span)}` : undefined);
      this.tensorAt.set(e.span.start, { chain, len: 0 });
      return {};
    }
    if (callee === 'apply' && e.fn.k === 'member' && e.fn.obj.k === 'call' && e.args.length >= 1) {
      if (done) return {};
      const layerCall = e.fn.obj;
      const arg = e.args[0];
      const ins = arg.k === 'arr' ? arg.items.map((x) => this.tensorArg(x)).filter((t): t is Tensor => t !== undefined) : [];
      const input = arg.k === 'arr' ? ins[0] : this.tensorArg(arg);
      if (!input) return undefined;
      this.handled.add(e.span.start);
      const className = lastName(layerCall.fn) ?? this.text(layerCall.fn.span).slice(0, 40);
      const why = chainBreak(input, className, this.text(arg.span), arg.k === 'arr');
      if (why) {
        for (const a of layerCall.args) this.visit(a);
        this.tensorAt.set(e.span.start, breakChain(input, className, layerCall.fn.k === 'member' ? layerCall.fn.propSpan : layerCall.fn.span, e.span, why));
        return {};
      }
      const { chain } = input;
      this.addLayer(chain, layerCall);
      chain.layers[chain.layers.length - 1].callSpan = e.span;
      this.tensorAt.set(e.span.start, { chain, len: chain.layers.length });
      return {};
    }
    if (callee === 'model' && e.args[0]?.k === 'obj') {
      const cfg = e.args[0];
      const entry = (k: string) => {
        const v = cfg.entries.find((x) => x.key === k)?.value;
        return v?.k === 'arr' && v.items.length === 1 ? v.items[0] : v;
      };
      const ie = entry('inputs');
      const oe = entry('outputs');
      if (!ie || !oe) return undefined;
      if (this.handled.has(e.span.start)) return { model: this.models.find((m) => m.createSpan.start === e.span.start) };
      const input = this.tensorArg(ie);
      const output = this.tensorArg(oe);
      const nameExpr = cfg.entries.find((x) => x.key === 'name')?.value;
      const v = nameExpr ? this.evaluate(nameExpr) : undefined;
      // tfjs names an unnamed tf.model "model".
      const model = input && output ? chainModel(input, output, e.span, v?.t === 'str' ? v.v : 'model') : undefined;
      if (!model) return input || output ? {} : undefined;
      this.handled.add(e.span.start);
      this.models.push(model);
      return { model };
    }
    return undefined;
  }

  private sequential(call: Extract<JsExpr, { k: 'call' }>): SourceModel {
    const model: SourceModel = { varSpans: [], createSpan: call.span, layers: [] };
    this.models.push(model);
    const cfg = call.args[0];
    if (cfg?.k === 'obj') {
      const name = cfg.entries.find((x) => x.key === 'name')?.value;
      if (name) {
        const v = this.evaluate(name);
        if (v.t === 'str') model.name = v.v;
      }
      const list = cfg.entries.find((x) => x.key === 'layers')?.value;
      if (list?.k === 'arr') for (const item of list.items) this.addLayer(model, item);
      else if (list) model.layers.push({ className: this.text(list.span), classSpan: list.span, callSpan: list.span, notAnalyzed: 'the layer list is not written inline' });
    }
    return model;
  }

  /** `uncertain`: why this layer may not be added exactly once (it is then not analyzed). */
  private addLayer(model: SourceModel, e: JsExpr, uncertain?: string): void {
    if (e.k !== 'call') {
      this.visit(e);
      model.layers.push({ className: this.text(e.span).slice(0, 40), classSpan: e.span, callSpan: e.span, notAnalyzed: 'the layer is not written inline here' });
      return;
    }
    for (const a of e.args) this.visit(a);
    const className = lastName(e.fn) ?? this.text(e.fn.span).slice(0, 40);
    const classSpan = e.fn.k === 'member' ? e.fn.propSpan : e.fn.span;
    const layer: SourceLayer = { className, classSpan, callSpan: e.span };
    const type = Object.hasOwn(TFJS_LAYERS, className) ? TFJS_LAYERS[className] : undefined;
    if (!type) {
      layer.notAnalyzed = `${className} is not a layer type LeNet Lab models`;
      model.layers.push(layer);
      return;
    }
    const opts = new Map<string, Val>();
    const cfg = e.args[0];
    let spread = !e.complete;
    if (cfg?.k === 'obj') {
      for (const x of cfg.entries) opts.set(x.key, this.evaluate(x.value));
      spread ||= cfg.spread;
    } else if (cfg) {
      spread = true; // options passed as a variable: not read
    }
    const built = buildLayer(type, { opts, spell: (c) => c });
    if (spread) built.notAnalyzed ??= 'the options are not written inline as an object literal';
    if (uncertain) built.notAnalyzed = uncertain;
    // Quote the source (inputShape: [IMAGE_H, IMAGE_W, 1]) rather than the partly known value.
    const entry = cfg?.k === 'obj' ? cfg.entries.find((x) => ['inputShape', 'batchInputShape', 'inputDim'].includes(x.key)) : undefined;
    appendLayer(model, layer, type, built, entry ? `${entry.key}: ${this.text(entry.value.span)}` : undefined);
  }

  private text(span: Span): string {
    return this.src.slice(span.start, span.end).replace(/\s+/g, ' ');
  }

  private evaluate(e: JsExpr): Val {
    switch (e.k) {
      case 'num': {
        const t = e.text.replace(/_/g, '').replace(/n$/, '');
        const v = Number(t);
        if (!Number.isFinite(v)) return unknown('a number too large');
        return { t: 'num', v, int: Number.isInteger(v) && !/[.eE]/.test(t.replace(/^0[xX].*/, '')) };
      }
      case 'str':
        return e.dynamic ? unknown('a template with substitutions') : { t: 'str', v: e.value };
      case 'name':
        if (e.id === 'true' || e.id === 'false') return { t: 'bool', v: e.id === 'true' };
        if (e.id === 'null' || e.id === 'undefined') return { t: 'none' };
        return this.env.get(e.id) ?? { t: 'ref', path: [e.id] };
      case 'member': {
        const base = this.evaluate(e.obj);
        if (base.t === 'ref') return { t: 'ref', path: [...base.path, e.prop] };
        if (base.t === 'seq' && e.prop === 'length') return { t: 'num', v: base.items.length, int: true };
        return unknown(`.${e.prop}`);
      }
      case 'arr':
        return { t: 'seq', items: e.items.map((x) => this.evaluate(x)) };
      case 'unary':
        return unaryOp(e.op, this.evaluate(e.arg));
      case 'bin': {
        const l = this.evaluate(e.left);
        const r = this.evaluate(e.right);
        if (e.op === '/' && l.t === 'num' && r.t === 'num' && r.v !== 0 && Number.isInteger(l.v / r.v)) {
          return { t: 'num', v: l.v / r.v, int: l.int && r.int };
        }
        return binary(e.op, l, r);
      }
      default:
        return unknown('an expression');
    }
  }
}

const step = (e: JsExpr): NameStep<JsExpr> =>
  e.k === 'name' ? { id: e.id } : e.k === 'member' ? { obj: e.obj, name: e.prop } : undefined;
/** `this.model` -> "this.model" for names and member chains of names; undefined otherwise. */
const dotted = (e: JsExpr) => dottedName(e, step);
const lastName = (e: JsExpr) => lastNameOf(e, step);
