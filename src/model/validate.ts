// Validation of untrusted model files (the extension's `*.lenet.json`: a ModelSpec as JSON).
// Errors name the JSON path and say what to write instead. Structure only: shapes are checked by
// inferModel (which also names the layer). The field tables come from the layer registry
// (src/model/layers/), which also generates the JSON schema (src/model/schema.ts ->
// media/lenet-model.schema.json), so the two cannot drift apart silently.
import type { LayerSpec, LayerType, ModelSpec } from './spec';
import { ACTIVATIONS, LAYER_TYPES, PADDINGS, isLayerType } from './vocab';
import { jsonDepth, MAX_JSON_DEPTH, tooDeep } from '../shared/jsonDepth';
import { LAYER_ALIASES, LAYERS, type FieldDef } from './layers';
import { UserError, errorMessage } from '../shared/errors';

export type { FieldDef, FieldKind } from './layers';

/** One line per layer type (the schema's enum descriptions), from the layer registry. */
export const LAYER_DESCRIPTIONS: Record<LayerType, string> = Object.fromEntries(
  LAYER_TYPES.map((t) => [t, LAYERS[t].description]),
) as Record<LayerType, string>;

/** Each layer type's fields (kind, default, required, description), from the layer registry. */
export const LAYER_FIELDS: Record<LayerType, Record<string, FieldDef>> = Object.fromEntries(
  LAYER_TYPES.map((t) => [t, LAYERS[t].fields]),
) as Record<LayerType, Record<string, FieldDef>>;

export const NAME_DESCRIPTION =
  "Layer name shown in the summary (the Keras name). Default: Keras's automatic name (conv2d, conv2d_1, dense, ...).";

/** tfjs names weights "<layer>/kernel"; Keras forbids "/" in names. Both accept this. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.\\-]*$';
const NAME_RE = new RegExp(NAME_PATTERN);

export class ModelSpecError extends UserError<'MODEL'> {
  constructor(
    /** The file (or other source) the JSON came from. */
    readonly where: string,
    /** JSON path, e.g. "layers[3].kernelSize"; empty for the whole document. */
    readonly path: string,
    readonly problem: string,
  ) {
    super('MODEL', `${where}: ${path ? `${path}: ` : ''}${problem}`);
    this.name = 'ModelSpecError';
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Keras (snake_case) spellings people copy from Python, and the camelCase this format uses. */
const KERAS_SPELLINGS: Record<string, string> = {
  kernel_size: 'kernelSize', pool_size: 'poolSize', dilation_rate: 'dilationRate', use_bias: 'useBias',
  target_shape: 'targetShape', input_shape: 'inputShape', max_value: 'maxValue', negative_slope: 'alpha',
  depth_multiplier: 'depthMultiplier', batch_input_shape: 'inputShape', class_name: 'type',
};

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The closest allowed word, for "did you mean" hints (case-insensitive, Keras aliases). */
function suggest(word: string, allowed: readonly string[]): string | undefined {
  if (KERAS_SPELLINGS[word] && allowed.includes(KERAS_SPELLINGS[word])) return KERAS_SPELLINGS[word];
  const lower = word.toLowerCase().replace(/_/g, '');
  const exact = allowed.find((a) => a.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const dist = editDistance(lower, a.toLowerCase());
    if (dist < bestD) [best, bestD] = [a, dist];
  }
  return bestD <= Math.max(1, Math.floor(word.length / 4)) ? best : undefined;
}

class Checker {
  constructor(readonly where: string) {}
  fail(path: string, problem: string): never {
    throw new ModelSpecError(this.where, path, problem);
  }

  pair(path: string, v: unknown): [number, number] {
    if (isPosInt(v)) return [v, v]; // Keras accepts kernel_size=5 for (5, 5)
    if (Array.isArray(v) && v.length === 2 && v.every(isPosInt)) return [v[0], v[1]];
    const hint = Array.isArray(v) && v.length === 1 && isPosInt(v[0])
      ? `; write [${v[0]}, ${v[0]}] (height, width) or just ${v[0]}`
      : '; write [height, width], e.g. [5, 5], or one integer for both';
    this.fail(path, `expected two positive integers, got ${show(v)}${hint}`);
  }

  field(path: string, def: FieldDef, v: unknown): unknown {
    switch (def.kind) {
      case 'posInt':
        if (!isPosInt(v)) this.fail(path, `expected a positive integer, got ${show(v)}`);
        return v;
      case 'pair':
        return this.pair(path, v);
      case 'pairOrNull':
        return v === null ? null : this.pair(path, v);
      case 'padding':
        if (!(PADDINGS as readonly unknown[]).includes(v)) {
          const s = typeof v === 'string' ? suggest(v, PADDINGS) : undefined;
          this.fail(path, `expected "valid" or "same", got ${show(v)}${s ? `; did you mean "${s}"?` : ''}`);
        }
        return v;
      case 'activation':
        if (!(ACTIVATIONS as readonly unknown[]).includes(v)) {
          const s = typeof v === 'string' ? suggest(v, ACTIVATIONS) : undefined;
          this.fail(path, `unknown activation ${show(v)}${s ? `; did you mean "${s}"?` : ''} (known: ${ACTIVATIONS.join(', ')})`);
        }
        return v;
      case 'bool':
        if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${show(v)}`);
        return v;
      case 'rate':
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
          this.fail(path, `expected a number from 0 up to (not including) 1, got ${show(v)}; e.g. 0.5 drops half of the inputs`);
        }
        return v;
      case 'shape':
        if (!Array.isArray(v) || v.length === 0 || !v.every(isPosInt)) {
          this.fail(path, `expected a list of positive integers without the batch axis, got ${show(v)}; e.g. [28, 28, 1] for MNIST images`);
        }
        return v.slice();
      case 'targetShape': {
        if (!Array.isArray(v) || v.length === 0 || !v.every((d) => isPosInt(d) || d === -1)) {
          this.fail(path, `expected a list of positive integers (one may be -1), got ${show(v)}; e.g. [7, 7, 3] or [-1, 1]`);
        }
        if (v.filter((d) => d === -1).length > 1) this.fail(path, `only one dimension can be -1, got ${show(v)}`);
        return v.slice();
      }
      case 'zeroPadding': {
        if (isNonNegInt(v)) return [[v, v], [v, v]];
        if (Array.isArray(v) && v.length === 2 && v.every(isNonNegInt)) return [[v[0], v[0]], [v[1], v[1]]];
        if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNonNegInt))) {
          return [[v[0][0], v[0][1]], [v[1][0], v[1][1]]];
        }
        return this.fail(path, `expected an integer, [rows, columns] or [[top, bottom], [left, right]] (all >= 0), got ${show(v)}`);
      }
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a number, got ${show(v)}`);
        return v;
      case 'nonNegNumber':
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(path, `expected a number >= 0, got ${show(v)}`);
        return v;
      case 'permutation': {
        const sorted = Array.isArray(v) && v.every(isPosInt) ? [...v].sort((a, b) => a - b) : undefined;
        if (!sorted || sorted.length === 0 || sorted.some((d, i) => d !== i + 1)) {
          this.fail(path, `expected a permutation of 1..rank (1-based, the batch axis excluded), got ${show(v)}; e.g. [2, 1] or [1, 3, 2]`);
        }
        return (v as number[]).slice();
      }
    }
  }

  layer(path: string, v: unknown, index: number): LayerSpec {
    if (!isObject(v)) this.fail(path, `expected a layer object like {"type": "Conv2D", ...}, got ${show(v)}`);
    const type = v.type;
    if (type === undefined) {
      const k = Object.keys(v).find((key) => key === 'class_name' || key === 'className');
      this.fail(`${path}.type`, `missing; every layer needs a "type" such as "Conv2D" or "Dense"${k ? ` (not "${k}")` : ''}`);
    }
    if (!isLayerType(type)) {
      const s = typeof type === 'string' ? LAYER_ALIASES[type] ?? suggest(type, LAYER_TYPES) : undefined;
      this.fail(`${path}.type`, `unknown layer type ${show(type)}${s ? `; did you mean "${s}"?` : ''} (supported: ${LAYER_TYPES.join(', ')})`);
    }
    if (type === 'InputLayer' && index !== 0) {
      this.fail(`${path}.type`, 'an InputLayer can only be the first layer; remove it or move its shape to the top-level "inputShape"');
    }
    const fields = LAYER_FIELDS[type];
    const out: Record<string, unknown> = { type };
    for (const key of Object.keys(v)) {
      if (key === 'type') continue;
      if (key === 'name') {
        out.name = this.name(`${path}.name`, v.name);
        continue;
      }
      if (!(key in fields)) {
        if (key === 'inputShape' || key === 'input_shape') {
          this.fail(`${path}.${key}`, 'not a layer property in this format; put "inputShape": [28, 28, 1] at the top level of the model');
        }
        const allowed = ['name', ...Object.keys(fields)];
        const s = suggest(key, allowed);
        this.fail(`${path}.${key}`, `unknown property for ${type}${s ? `; did you mean "${s}"?` : ''} (allowed: type, ${allowed.join(', ')})`);
      }
    }
    for (const [key, def] of Object.entries(fields)) {
      if (v[key] === undefined) {
        if (def.required) this.fail(`${path}.${key}`, `missing; ${type} needs it (${def.description})`);
        if (def.default !== undefined) out[key] = structuredClone(def.default);
        continue;
      }
      out[key] = this.field(`${path}.${key}`, def, v[key]);
    }
    return out as unknown as LayerSpec;
  }

  name(path: string, v: unknown): string {
    if (typeof v !== 'string' || !NAME_RE.test(v)) {
      this.fail(path, `expected a name of letters, digits, "_", "-" or "." that starts with a letter or digit, got ${show(v)}`);
    }
    return v;
  }
}

/**
 * Validates an untrusted JSON value as a model file and returns a normalised ModelSpec (single
 * integers expanded to pairs, defaults filled in, unknown keys rejected). Throws ModelSpecError
 * naming `where` and the JSON path. Shapes are not checked here: run inferModel on the result.
 */
export function parseModelSpec(json: unknown, where = 'model'): ModelSpec {
  const c: Checker = new Checker(where);
  if (!isObject(json)) {
    c.fail('', `expected a JSON object like {"inputShape": [28, 28, 1], "layers": [...]}, got ${show(json)}`);
  }
  for (const key of Object.keys(json)) {
    if (!['$schema', 'description', 'name', 'inputShape', 'layers'].includes(key)) {
      const s = suggest(key, ['name', 'inputShape', 'layers']);
      c.fail(key, `unknown property${s ? `; did you mean "${s}"?` : ''} (allowed: name, inputShape, layers, description, $schema)`);
    }
  }
  if (json.description !== undefined && typeof json.description !== 'string') c.fail('description', `expected a string, got ${show(json.description)}`);
  if (json.$schema !== undefined && typeof json.$schema !== 'string') c.fail('$schema', `expected a string, got ${show(json.$schema)}`);
  const spec: ModelSpec = { inputShape: [], layers: [] };
  if (json.name !== undefined) spec.name = c.name('name', json.name);
  if (!Array.isArray(json.layers)) {
    c.fail('layers', json.layers === undefined ? 'missing; add "layers": [ ... ] with at least one layer' : `expected a list of layers, got ${show(json.layers)}`);
  }
  if (json.layers.length === 0) c.fail('layers', 'empty; add at least one layer, e.g. {"type": "Flatten"}');
  spec.layers = json.layers.map((l, i) => c.layer(`layers[${i}]`, l, i));
  const head = spec.layers[0];
  if (json.inputShape !== undefined) {
    spec.inputShape = c.field('inputShape', LAYER_FIELDS.InputLayer.shape, json.inputShape) as number[];
    if (head.type === 'InputLayer' && JSON.stringify(head.shape) !== JSON.stringify(spec.inputShape)) {
      c.fail('layers[0].shape', `${show(head.shape)} disagrees with "inputShape" ${show(spec.inputShape)}; keep one of them`);
    }
  } else if (head.type === 'InputLayer') {
    spec.inputShape = head.shape.slice();
  } else {
    c.fail('inputShape', 'missing; add "inputShape": [28, 28, 1] (height, width, channels of the images) or start the layers with {"type": "InputLayer", "shape": [...]}');
  }
  const seen = new Map<string, number>();
  spec.layers.forEach((l, i) => {
    if (l.name === undefined) return;
    const prev = seen.get(l.name);
    if (prev !== undefined) c.fail(`layers[${i}].name`, `"${l.name}" is already the name of layers[${prev}]; layer names must be unique`);
    seen.set(l.name, i);
  });
  return spec;
}

/** Parses the text of a model file; JSON syntax errors report line and column. */
export function parseModelFile(text: string, where: string): ModelSpec {
  const body = text.replace(/^\uFEFF/, '');
  const depth = jsonDepth(body);
  if (depth > MAX_JSON_DEPTH) throw new ModelSpecError(where, '', tooDeep(depth));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    // V8's messages do not always carry a position; find it ourselves.
    const at = jsonSyntaxErrorOffset(body);
    const before = body.slice(0, at);
    const line = before.split('\n').length;
    const col = at - before.lastIndexOf('\n');
    const reason = errorMessage(e).replace(/ in JSON at position \d+.*$/s, '').replace(/, "[\s\S]*" is not valid JSON$/, '');
    throw new ModelSpecError(where, '', `not valid JSON at line ${line}, column ${col}: ${reason}`);
  }
  return parseModelSpec(json, where);
}

/** Offset of the first JSON syntax error (called only when JSON.parse failed). */
export function jsonSyntaxErrorOffset(s: string): number {
  let i = 0;
  const ws = () => {
    while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const ch = s[i];
    if (ch === '{') {
      i++;
      ws();
      if (s[i] === '}') return void i++;
      for (;;) {
        ws();
        if (s[i] !== '"') fail();
        string();
        ws();
        if (s[i] !== ':') fail();
        i++;
        value();
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (s[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
    if (!lit) fail();
    i += lit![0].length;
  };
  const string = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') {
        i++;
        if (s[i] === 'u' ? !/^u[0-9a-fA-F]{4}$/.test(s.slice(i, i + 5)) : !'"\\/bfnrt'.includes(s[i] ?? 'x')) fail();
      } else if (s.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= s.length) fail();
    i++;
  };
  try {
    value();
    ws();
    if (i < s.length) fail();
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, s.length);
    throw at;
  }
  return s.length;
}
