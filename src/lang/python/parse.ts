// Finds Keras Sequential models in Python source: `m = Sequential()` + `m.add(Conv2D(...))`,
// `Sequential([...])`, keras./tf.keras. prefixes, layers as bare names or layers.X, keyword and
// positional arguments, module-level constants. Statements are read in order, scope-blind (a
// model built inside a function is found too); a name rebound to something else stops being a model.
import { appendLayer } from '../appendLayer';
import { LAYERS } from '../../model/layers';
import type { LayerType } from '../../model/spec';
import { buildLayer, type ReadableType } from '../layerArgs';
import type { ParseResult, SourceLayer, SourceModel, Span } from '../types';
import { dottedName, lastName as lastNameOf, type NameStep } from '../exprKit';
import { breakChain, chainBreak, chainModel, newChain, type Tensor } from '../functionalChain';
import { binary, unaryOp, unknown, type Val } from '../values';
import { PyExprParser, type PyExpr } from './expr';
import { tokenizePython, type PyTok } from './tokenize';

interface PyLayerDef {
  type: ReadableType;
  /** Positional parameters in Keras's order (snake_case), only those that are stable across versions. */
  pos: string[];
}

/** Keras class names (and their aliases) this reader models, from the layer registry. */
export const PY_LAYERS: Record<string, PyLayerDef> = {
  ...Object.fromEntries(
    (Object.keys(LAYERS) as LayerType[]).flatMap((t) => {
      const { positional, aliases = [] } = LAYERS[t].keras;
      const def: PyLayerDef = { type: t === 'InputLayer' ? 'Input' : t, pos: [...positional] };
      return [t, ...aliases].map((name) => [name, def]);
    }),
  ),
  // keras.Input is a function, not a layer class: it declares the input like an InputLayer.
  Input: { type: 'Input', pos: ['shape', 'batch_size', 'name'] },
};

/** Other frameworks that also have a Sequential (PyTorch, Flax, Haiku, MXNet...): never read as Keras. */
const FOREIGN = new Set(['torch', 'nn', 'flax', 'linen', 'hk', 'haiku', 'mx', 'mxnet', 'gluon', 'snt', 'sonnet', 'eqx', 'equinox', 'paddle', 'mindspore', 'oneflow', 'jittor', 'skorch']);
const INPUT_KWARGS = new Set(['input_shape', 'batch_input_shape', 'input_dim', 'shape', 'batch_shape']);
const COMPOUND = new Set(['def', 'class', 'if', 'elif', 'else', 'while', 'for', 'with', 'try', 'except', 'finally', 'async', 'match', 'case']);
const SKIP = new Set(['import', 'from', 'global', 'nonlocal', 'pass', 'break', 'continue']);
const LEADING = new Set(['return', 'yield', 'await', 'assert', 'del', 'raise', 'print']);

const toCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function parsePython(src: string): ParseResult {
  return new PyModelFinder(src).run();
}

/** Keras's merge functions (`layers.add([a, b])`); their layer classes are merges too. */
const MERGES = new Set(['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate', 'dot',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);

class PyModelFinder {
  private toks: PyTok[];
  private env = new Map<string, Val>();
  private vars = new Map<string, SourceModel>();
  private models: SourceModel[] = [];
  /** Names bound to functional-API tensors (`x = layers.Dense(10)(x)`). */
  private tensors = new Map<string, Tensor>();
  /** The tensor each visited call expression produced. */
  private tensorOf = new WeakMap<PyExpr, Tensor>();

  constructor(private src: string) {
    this.toks = tokenizePython(src);
  }

  /** Open `for`/`while`/`if` blocks around the current statement, by indentation. */
  private blocks: Block[] = [];
  /** The blocks open where each model was created (adds inside them run once per model). */
  private createdIn = new Map<SourceModel, Set<Block>>();

  run(): ParseResult {
    let from = 0;
    for (let i = 0; i < this.toks.length; i++) {
      if (this.toks[i].kind === 'nl') {
        if (i > from) {
          const indent = this.indentOf(this.toks[from].start);
          while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1].indent >= indent) this.popBlock();
          this.statement(from, i, indent);
        }
        from = i + 1;
      }
    }
    return { language: 'python', models: this.models, problems: [] };
  }

  /** Leaving a block; a function's or class's names go back to what they were outside it. */
  private popBlock(): void {
    const b = this.blocks.pop();
    if (!b?.scope) return;
    for (const [k, v] of b.scope.env) {
      if (v === undefined) this.env.delete(k);
      else this.env.set(k, v);
    }
    for (const [k, v] of b.scope.vars) {
      if (v === undefined) this.vars.delete(k);
      else this.vars.set(k, v);
    }
  }

  /** A name is about to be bound: inside a function it is local, so remember the outer binding. */
  private local(name: string): void {
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const sc = this.blocks[i].scope;
      if (!sc) continue;
      if (!sc.env.has(name)) sc.env.set(name, this.env.get(name));
      if (!sc.vars.has(name)) sc.vars.set(name, this.vars.get(name));
      return;
    }
  }

  /** `for a, b in ...:` and `with ... as f:` bind names to values only known when the code runs. */
  private headerTargets(from: number, colon: number): void {
    const toks = this.toks.slice(from, colon);
    const kw = toks[0]?.text === 'async' ? toks[1]?.text : toks[0]?.text;
    let bind = false;
    for (const t of toks) {
      if (t.kind !== 'name') continue;
      if (kw === 'for' && (t.text === 'for')) bind = true;
      else if (t.text === 'in') bind = false;
      else if (t.text === 'as') bind = true;
      else if (bind && !['async', 'with', 'for'].includes(t.text)) {
        this.local(t.text);
        this.vars.delete(t.text);
        this.env.set(t.text, unknown(`${t.text} is set by a ${kw} statement when the code runs`));
        if (kw === 'with') bind = false;
      }
    }
  }

  /** def f(a, b=2, *args, c: int = 3, **kw): inside f these names are whatever the caller passes. */
  private parameters(from: number, colon: number): void {
    const nameTok = this.toks.slice(from, colon).find((t) => t.kind === 'name' && t.text !== 'def' && t.text !== 'async');
    const fnName = nameTok?.text ?? 'a function';
    let depth = 0;
    for (let i = from; i < colon; i++) {
      const t = this.toks[i];
      if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++;
      else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
      else if (t.kind === 'name' && depth === 1) {
        const prev = this.toks[i - 1];
        if (prev.kind === 'op' && ['(', ',', '*', '**'].includes(prev.text)) {
          this.local(t.text);
          this.vars.delete(t.text);
          this.env.set(t.text, unknown(`${t.text} is a parameter of ${fnName}: its value comes from the caller`));
        }
      }
    }
  }

  private indentOf(offset: number): number {
    let i = offset;
    while (i > 0 && this.src[i - 1] !== '\n' && this.src[i - 1] !== '\r') i--;
    return offset - i;
  }

  /** Why a layer added here may not be added exactly once to `model` (a loop or a condition), if so. */
  private uncertainAdd(model: SourceModel): string | undefined {
    const atCreation = this.createdIn.get(model);
    const b = this.blocks.find((x) => x.kind !== undefined && !atCreation?.has(x));
    if (!b) return undefined;
    return b.kind === 'loop'
      ? `added inside a ${b.keyword} loop: how many layers it adds is only known when the code runs`
      : `added under ${b.keyword}: whether it is added is only known when the code runs`;
  }

  private statement(from: number, to: number, indent: number): void {
    const first = this.toks[from];
    if (first.kind === 'op' && first.text === '@') return; // decorator line
    if (first.kind === 'name' && (first.text === 'import' || first.text === 'from')) {
      this.imports(from, to);
      return;
    }
    if (first.kind === 'name' && SKIP.has(first.text)) return;
    if (first.kind === 'name' && COMPOUND.has(first.text)) {
      // Header up to the ':' outside brackets; a body on the same line is a statement of its own.
      let depth = 0;
      for (let i = from + 1; i < to; i++) {
        const t = this.toks[i];
        if (t.kind !== 'op') continue;
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
        else if (t.text === ':' && depth <= 0) {
          const p = new PyExprParser(this.toks, from + 1, i);
          while (p.pos < i) {
            const e = p.parseExprList(true);
            if (e) this.visit(e);
            else p.pos++;
          }
          const block: Block = { indent, keyword: first.text, kind: blockKind(first.text, this.src.slice(first.start, t.start)) };
          const fn = first.text === 'def' || (first.text === 'async' && this.toks[from + 1]?.text === 'def') || first.text === 'class';
          if (fn) block.scope = { env: new Map(), vars: new Map() };
          this.blocks.push(block);
          if (first.text !== 'class' && fn) this.parameters(from, i);
          else this.headerTargets(from, i);
          if (i + 1 < to) {
            // A body on the header's line: `for x in y: model.add(...)`.
            this.statement(i + 1, to, indent + 1);
            this.popBlock();
          }
          return;
        }
      }
      return;
    }
    const p = new PyExprParser(this.toks, from + (first.kind === 'name' && LEADING.has(first.text) && !isPrintCall(this.toks, from, to) ? 1 : 0), to);
    const exprs: PyExpr[] = [];
    let augmented = false;
    let e = p.parseExprList(true);
    while (e) {
      exprs.push(e);
      if (p.isOp(':') && exprs.length === 1) {
        p.pos++; // annotation: x: int = 5
        p.parseTest();
      }
      const t = p.peek();
      if (t && t.kind === 'op' && t.text === '=') {
        p.pos++;
        e = p.parseExprList(true);
      } else {
        if (t && t.kind === 'op' && t.text.length >= 2 && t.text.endsWith('=') && !['==', '<=', '>=', '!='].includes(t.text)) {
          augmented = true;
          p.pos++;
          const v = p.parseExprList(true);
          if (v) this.visit(v);
        }
        break;
      }
    }
    if (exprs.length === 0) {
      // Not an expression we read: still look for calls further on the line.
      this.scanRest(from + 1, to);
      return;
    }
    const value = exprs[exprs.length - 1];
    const targets = augmented ? exprs : exprs.slice(0, -1);
    const created = this.visit(augmented ? { k: 'other', span: value.span, children: [] } : value);
    for (const t of targets) this.assign(t, augmented ? unknown('changed in place') : undefined, value, created);
    if (p.pos < to) this.scanRest(p.pos, to);
  }

  /** Names imported from other frameworks (`from torch.nn import Sequential`) are not Keras. */
  private foreign = new Set<string>();

  private imports(from: number, to: number): void {
    const names = this.toks.slice(from, to).filter((t) => t.kind === 'name').map((t) => t.text);
    const foreignModule = names.some((n) => FOREIGN.has(n));
    // import torch.nn as nn / from torch.nn import Sequential, Linear as L
    for (let i = from; i < to; i++) {
      const t = this.toks[i];
      if (t.kind !== 'name' || ['import', 'from', 'as'].includes(t.text)) continue;
      const next = this.toks[i + 1];
      if (next && next.kind === 'name' && next.text === 'as') continue; // the alias after 'as' is what is bound
      if (foreignModule) this.foreign.add(t.text);
      else this.foreign.delete(t.text);
    }
  }

  /** Parses whatever follows an unreadable part of a line, so calls there are not missed. */
  private scanRest(from: number, to: number): void {
    let i = from;
    while (i < to) {
      const p = new PyExprParser(this.toks, i, to);
      const e = p.parseExprList(true);
      if (e) {
        this.visit(e);
        i = Math.max(p.pos, i + 1);
      } else {
        i++;
      }
    }
  }

  private assign(target: PyExpr, forced: Val | undefined, value: PyExpr, created: SourceModel | undefined): void {
    if (target.k === 'name') {
      const id = target.id;
      this.local(id);
      const tensor = forced ? undefined : this.tensorOf.get(value);
      if (tensor) {
        this.tensors.set(id, tensor);
        this.vars.delete(id);
        this.env.set(id, unknown(`${id} is a tensor`));
        return;
      }
      this.tensors.delete(id);
      if (!forced && value.k === 'call' && created && created.createSpan.start === value.span.start) {
        created.varName = id;
        created.varSpans.push(target.span);
        this.vars.set(id, created);
        this.env.delete(id);
        return;
      }
      this.vars.delete(id);
      if (forced) {
        this.env.set(id, forced);
        return;
      }
      const v = this.evaluate(value);
      this.env.set(id, v.t === 'unknown' ? unknown(`${id} is computed at run time`) : v);
      return;
    }
    if (target.k === 'seq') {
      const v = forced ?? this.evaluate(value);
      target.items.forEach((item, i) => {
        if (item.k !== 'name') return;
        this.local(item.id);
        this.vars.delete(item.id);
        const iv = v.t === 'seq' && v.items.length === target.items.length ? v.items[i] : undefined;
        this.env.set(item.id, iv && iv.t !== 'unknown' ? iv : unknown(`${item.id} is computed at run time`));
      });
      return;
    }
    const key = dotted(target);
    if (target.k === 'attr' && key !== undefined) {
      // self.model = Sequential(): the attribute is the model's variable.
      this.visit(target.obj);
      if (!forced && value.k === 'call' && created && created.createSpan.start === value.span.start) {
        created.varName = key;
        created.varSpans.push(target.span);
        this.vars.set(key, created);
      } else {
        this.vars.delete(key);
      }
      return;
    }
    // x[i] = ...: nothing to remember, but names used there are still visited
    this.visit(target);
  }

  /** Walks an expression: creates models, reads `.add` calls, records mentions of model variables. */
  private visit(e: PyExpr): SourceModel | undefined {
    let created: SourceModel | undefined;
    switch (e.k) {
      case 'name': {
        const m = this.vars.get(e.id);
        if (m) m.varSpans.push(e.span);
        break;
      }
      case 'attr': {
        const key = this.vars.size > 0 ? dotted(e) : undefined;
        const m = key === undefined ? undefined : this.vars.get(key);
        if (m) m.varSpans.push(e.span);
        else this.visit(e.obj);
        break;
      }
      case 'call': {
        const callee = lastName(e.fn);
        if (callee === 'Sequential' && !this.isForeign(e.fn)) {
          created = this.sequential(e);
          break;
        }
        const functional = this.functional(e, callee);
        if (functional) {
          created = functional.model;
          break;
        }
        this.visit(e.fn);
        const objKey = e.fn.k === 'attr' ? dotted(e.fn.obj) : undefined;
        const obj = objKey === undefined ? undefined : this.vars.get(objKey);
        if (obj && e.fn.k === 'attr' && e.fn.attr === 'add' && e.args.length >= 1) {
          this.addLayer(obj, e.args[0], this.uncertainAdd(obj));
          for (const a of e.args.slice(1)) this.visit(a);
          break;
        }
        if (obj && e.fn.k === 'attr' && e.fn.attr === 'build' && !obj.inputShape && obj.layers.length > 0) {
          const arg = e.args[0] ?? e.kwargs.find((k) => k.name === 'input_shape')?.value;
          const v = arg ? this.evaluate(arg) : undefined;
          if (v?.t === 'seq' && v.items.length >= 2 && v.items.every((x) => x.t === 'num' || x.t === 'none')) {
            obj.inputShape = [null, ...v.items.slice(1).map((x) => (x.t === 'num' ? x.v : null))];
          }
        }
        for (const a of e.args) this.visit(a);
        for (const k of e.kwargs) this.visit(k.value);
        break;
      }
      case 'seq':
        for (const x of e.items) this.visit(x);
        break;
      case 'unary':
        this.visit(e.arg);
        break;
      case 'bin':
        this.visit(e.left);
        this.visit(e.right);
        break;
      case 'sub':
        this.visit(e.obj);
        this.visit(e.index);
        break;
      case 'other':
        for (const x of e.children) this.visit(x);
        break;
    }
    return created;
  }

  /** The tensor an argument stands for: a tensor variable, or a nested layer call (visited here). */
  private tensorArg(e: PyExpr): Tensor | undefined {
    if (e.k === 'name') return this.tensors.get(e.id);
    if (e.k === 'call') {
      this.visit(e);
      return this.tensorOf.get(e);
    }
    return undefined;
  }

  /**
   * The functional API: `keras.Input(...)` starts a chain, `Layer(...)(x)` extends it,
   * `keras.Model(inputs, outputs)` makes it a model. Returns undefined for calls that are none of
   * these (the caller then visits them as usual); `model` is set for a Model(...) call.
   */
  private functional(e: Extract<PyExpr, { k: 'call' }>, callee: string | undefined): { model?: SourceModel } | undefined {
    if (e.fn.k !== 'call' && (callee === undefined || this.isForeign(e.fn))) return undefined;
    if (callee === 'Input') {
      const chain = newChain(e.span);
      this.addLayer(chain, e);
      this.tensorOf.set(e, { chain, len: 0 });
      return {};
    }
    if (e.fn.k === 'call' && e.args.length >= 1) {
      // Layer(...)(x): the layer call is e.fn, its input e.args[0]. Applied once, however often visited.
      if (this.tensorOf.has(e)) return {};
      const layerCall = e.fn;
      const arg = e.args[0];
      const merged = arg.k === 'seq' ? arg.items.map((x) => this.tensorArg(x)).filter((t): t is Tensor => t !== undefined) : [];
      const input = arg.k === 'seq' ? merged[0] : this.tensorArg(arg);
      if (!input) return undefined;
      const className = lastName(layerCall.fn) ?? this.text(layerCall.fn.span).slice(0, 40);
      const why = chainBreak(input, className, this.text(arg.span), arg.k === 'seq');
      if (why) {
        for (const a of layerCall.args) this.visit(a);
        for (const k of layerCall.kwargs) this.visit(k.value);
        this.tensorOf.set(e, breakChain(input, className, layerCall.fn.k === 'attr' ? layerCall.fn.attrSpan : layerCall.fn.span, e.span, why));
        return {};
      }
      const { chain } = input;
      this.addLayer(chain, layerCall);
      // Hovers over the whole `Layer(...)(x)` expression belong to the layer.
      chain.layers[chain.layers.length - 1].callSpan = e.span;
      this.tensorOf.set(e, { chain, len: chain.layers.length });
      return {};
    }
    if (callee === undefined) return undefined;
    if (MERGES.has(callee) && e.args[0]?.k === 'seq') {
      // layers.add([a, b]): a merge of tensors.
      const ins = e.args[0].items.map((x) => this.tensorArg(x)).filter((t): t is Tensor => t !== undefined);
      if (ins.length === 0) return undefined;
      const why = chainBreak(ins[0], callee, '', true)!;
      this.tensorOf.set(e, breakChain(ins[0], callee, e.fn.k === 'attr' ? e.fn.attrSpan : e.fn.span, e.span, why));
      return {};
    }
    if (callee === 'Model' || callee === 'Functional') {
      const kw = (n: string) => e.kwargs.find((k) => k.name === n)?.value;
      const one = (x: PyExpr | undefined) => (x?.k === 'seq' && x.items.length === 1 ? x.items[0] : x);
      const inputsExpr = one(kw('inputs') ?? e.args[0]);
      const outputsExpr = one(kw('outputs') ?? e.args[1]);
      if (!inputsExpr || !outputsExpr) return undefined;
      const input = this.tensorArg(inputsExpr);
      const output = this.tensorArg(outputsExpr);
      const nameArg = kw('name');
      const v = nameArg ? this.evaluate(nameArg) : undefined;
      // Keras 3 names an unnamed functional model "functional".
      const model = input && output ? chainModel(input, output, e.span, v?.t === 'str' ? v.v : 'functional') : undefined;
      if (!model) {
        // tensorArg has visited the calls among inputs/outputs already: visiting them twice would add their layers twice.
        for (const a of [...e.args, ...e.kwargs.map((k) => k.value)]) {
          if (a.k !== 'call' || (a !== inputsExpr && a !== outputsExpr)) this.visit(a);
        }
        return input || output ? {} : undefined;
      }
      this.models.push(model);
      this.createdIn.set(model, new Set(this.blocks));
      return { model };
    }
    return undefined;
  }

  /** nn.Sequential, torch.nn.Sequential, or a Sequential imported from torch: not a Keras model. */
  private isForeign(fn: PyExpr): boolean {
    for (let e: PyExpr = fn; ; e = e.obj) {
      if (e.k === 'name') return FOREIGN.has(e.id) || this.foreign.has(e.id);
      if (e.k !== 'attr') return false;
      if (e !== fn && FOREIGN.has(e.attr)) return true;
    }
  }

  private sequential(call: Extract<PyExpr, { k: 'call' }>): SourceModel {
    const model: SourceModel = { varSpans: [], createSpan: call.span, layers: [] };
    this.models.push(model);
    this.createdIn.set(model, new Set(this.blocks));
    const nameArg = call.kwargs.find((k) => k.name === 'name')?.value ?? call.args[1];
    if (nameArg) {
      const v = this.evaluate(nameArg);
      if (v.t === 'str') model.name = v.v;
    }
    const list = call.kwargs.find((k) => k.name === 'layers')?.value ?? call.args[0];
    if (list) {
      if (list.k === 'seq') for (const item of list.items) this.addLayer(model, item);
      else if (!(list.k === 'name' && list.id === 'None')) {
        model.layers.push({ className: this.text(list.span), classSpan: list.span, callSpan: list.span, notAnalyzed: 'the layer list is not written inline' });
      }
    }
    return model;
  }

  /** `uncertain`: why this layer may not be added exactly once (it is then not analyzed). */
  private addLayer(model: SourceModel, e: PyExpr, uncertain?: string): void {
    if (e.k !== 'call') {
      this.visit(e);
      const label = this.text(e.span).slice(0, 40);
      model.layers.push({ className: label, classSpan: e.span, callSpan: e.span, notAnalyzed: 'the layer is not written inline here' });
      return;
    }
    for (const a of e.args) this.visit(a);
    for (const k of e.kwargs) this.visit(k.value);
    const className = lastName(e.fn) ?? this.text(e.fn.span).slice(0, 40);
    const classSpan = e.fn.k === 'attr' ? e.fn.attrSpan : e.fn.span;
    const layer: SourceLayer = { className, classSpan, callSpan: e.span };
    const def = Object.hasOwn(PY_LAYERS, className) ? PY_LAYERS[className] : undefined;
    if (!def) {
      layer.notAnalyzed = `${className} is not a layer type LeNet Lab models`;
      model.layers.push(layer);
      return;
    }
    const opts = new Map<string, Val>();
    const spelling = new Map<string, string>();
    const extra: string[] = [];
    e.args.forEach((a, i) => {
      const snake = def.pos[i];
      if (snake === undefined) {
        extra.push(`positional argument ${i + 1}`);
        return;
      }
      opts.set(pyKey(def, snake), this.evaluate(a));
      spelling.set(pyKey(def, snake), snake);
    });
    for (const k of e.kwargs) {
      const key = pyKey(def, k.name);
      opts.set(key, this.evaluate(k.value));
      spelling.set(key, k.name);
    }
    const built = buildLayer(def.type, { opts, spell: (c) => spelling.get(c) ?? c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`) });
    if (e.starred) built.notAnalyzed ??= 'its arguments cannot all be read (* or ** arguments, or an expression this reader does not know)';
    if (uncertain) built.notAnalyzed = uncertain;
    // Quote the source (input_shape=input_shape) rather than the partly known value.
    const arg = e.kwargs.find((k) => INPUT_KWARGS.has(k.name));
    const quoted = arg ? this.text(arg.span) : def.type === 'Input' && e.args[0] ? `shape=${this.text(e.args[0].span)}` : undefined;
    appendLayer(model, layer, def.type, built, quoted, extra);
  }

  private text(span: Span): string {
    return this.src.slice(span.start, span.end).replace(/\s+/g, ' ');
  }

  evaluate(e: PyExpr): Val {
    switch (e.k) {
      case 'num':
        return parseNumber(e.text);
      case 'str':
        return e.dynamic ? unknown('an f-string') : { t: 'str', v: e.value };
      case 'name': {
        if (e.id === 'True' || e.id === 'False') return { t: 'bool', v: e.id === 'True' };
        if (e.id === 'None') return { t: 'none' };
        return this.env.get(e.id) ?? { t: 'ref', path: [e.id] };
      }
      case 'attr': {
        const base = this.evaluate(e.obj);
        return base.t === 'ref' ? { t: 'ref', path: [...base.path, e.attr] } : unknown(`.${e.attr}`);
      }
      case 'seq':
        return { t: 'seq', items: e.items.map((x) => this.evaluate(x)) };
      case 'unary':
        return unaryOp(e.op, this.evaluate(e.arg));
      case 'bin':
        return binary(e.op, this.evaluate(e.left), this.evaluate(e.right));
      case 'sub': {
        const obj = this.evaluate(e.obj);
        const idx = this.evaluate(e.index);
        if (obj.t === 'seq' && idx.t === 'num' && idx.int) {
          const i = idx.v < 0 ? obj.items.length + idx.v : idx.v;
          if (i >= 0 && i < obj.items.length) return obj.items[i];
        }
        return unknown('an indexing expression');
      }
      case 'call': {
        const fn = lastName(e.fn);
        // tuple((28, 28, 1)) / list(...) / int(10): trivially constant
        if ((fn === 'tuple' || fn === 'list') && e.args.length === 1) {
          const v = this.evaluate(e.args[0]);
          if (v.t === 'seq') return v;
        }
        if (fn === 'int' && e.args.length === 1) {
          const v = this.evaluate(e.args[0]);
          if (v.t === 'num') return { t: 'num', v: Math.trunc(v.v), int: true };
        }
        return unknown(`a call to ${fn ?? 'a function'}`);
      }
      case 'other':
        return unknown('an expression');
    }
  }
}

interface Block {
  indent: number;
  keyword: string;
  /** def/class: the outer bindings of the names bound inside, restored when the block ends. */
  scope?: { env: Map<string, Val | undefined>; vars: Map<string, SourceModel | undefined> };
  /** loop: the body may run any number of times; cond: maybe not at all; undefined: runs once (def, with, try...). */
  kind?: 'loop' | 'cond';
}

function blockKind(keyword: string, header: string): Block['kind'] {
  if (keyword === 'for' || keyword === 'while' || (keyword === 'async' && /\bfor\b/.test(header))) return 'loop';
  // `if __name__ == '__main__':` wraps whole scripts: it runs once.
  if ((keyword === 'if' || keyword === 'elif' || keyword === 'else' || keyword === 'match' || keyword === 'case') && !/__name__/.test(header)) return 'cond';
  return undefined;
}

/** `print(...)` is a call in Python 3: strip a leading `print` only in Python 2's statement form. */
function isPrintCall(toks: PyTok[], from: number, to: number): boolean {
  return toks[from].text === 'print' && from + 1 < to && toks[from + 1].text === '(';
}

function pyKey(def: PyLayerDef, snake: string): string {
  if (def.type === 'Input' && snake === 'input_shape') return 'shape';
  if (def.type === 'Input' && snake === 'batch_input_shape') return 'batchShape';
  return toCamel(snake);
}

const step = (e: PyExpr): NameStep<PyExpr> =>
  e.k === 'name' ? { id: e.id } : e.k === 'attr' ? { obj: e.obj, name: e.attr } : undefined;
/** `self.model` -> "self.model" for names and attribute chains of names; undefined otherwise. */
const dotted = (e: PyExpr) => dottedName(e, step);
const lastName = (e: PyExpr) => lastNameOf(e, step);

export function parseNumber(text: string): Val {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return unknown('a complex number');
  if (/^0[xXoObB]/.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? { t: 'num', v, int: true } : unknown('a bad number');
  }
  const v = Number(t);
  if (!Number.isFinite(v)) return unknown('a number too large');
  return { t: 'num', v, int: !/[.eE]/.test(t) };
}
