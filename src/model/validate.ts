// Validation of untrusted model files (the extension's `*.lenet.json`: a ModelSpec as JSON).
// Errors name the JSON path and say what to write instead. Structure only: shapes are checked by
// inferModel (which also names the layer). The table below also generates the JSON schema
// (src/model/schema.ts -> media/lenet-model.schema.json), so the two cannot drift apart silently.
import type { LayerSpec, LayerType, ModelSpec } from './spec';
import { ACTIVATIONS, LAYER_TYPES, PADDINGS, isLayerType } from './vocab';
import { jsonDepth, MAX_JSON_DEPTH, tooDeep } from '../shared/jsonDepth';

export type FieldKind =
  | 'posInt' | 'pair' | 'pairOrNull' | 'padding' | 'activation' | 'bool' | 'rate' | 'shape'
  | 'targetShape' | 'zeroPadding' | 'number' | 'nonNegNumber' | 'permutation';

export interface FieldDef {
  kind: FieldKind;
  required?: boolean;
  description: string;
  /** Applied when the field is absent and the spec type needs a value. */
  default?: unknown;
}

export const LAYER_DESCRIPTIONS: Record<LayerType, string> = {
  InputLayer: 'Declares the input shape (Keras Input). Only as the first layer; it is not a row of the summary.',
  Conv2D: '2D convolution (Keras Conv2D). Output (None, H\', W\', filters); params kh x kw x C x filters (+ filters with bias).',
  MaxPooling2D: 'Max pooling over windows (Keras MaxPooling2D). No params.',
  AveragePooling2D: 'Average pooling over windows (Keras AveragePooling2D), as in the seed LeNet-5 (S2, S4). No params.',
  GlobalAveragePooling2D: 'Mean over height and width: (None, H, W, C) -> (None, C). No params.',
  GlobalMaxPooling2D: 'Max over height and width: (None, H, W, C) -> (None, C). No params.',
  Flatten: 'Flattens everything but the batch axis: (None, 1, 1, 120) -> (None, 120). No params.',
  Dense: 'Fully connected layer on the last axis (Keras Dense). Params C x units (+ units with bias).',
  Dropout: 'Randomly zeroes a fraction of the inputs while training. No params.',
  Activation: 'Applies an activation function. No params.',
  BatchNormalization: 'Normalizes the last axis. 4 x C params, 2 x C of them non-trainable (moving mean and variance).',
  ZeroPadding2D: 'Adds rows and columns of zeros around the image. No params.',
  Reshape: 'Reshapes everything but the batch axis; one dimension may be -1 (inferred). No params.',
  ReLU: 'ReLU activation layer (optionally capped at maxValue). No params.',
  LeakyReLU: 'Leaky ReLU activation layer: x for x >= 0, alpha * x below. No params.',
  ELU: 'ELU activation layer. No params.',
  Softmax: 'Softmax over the last axis. No params.',
  SpatialDropout2D: 'Drops whole channels (feature maps) while training. No params.',
  GaussianNoise: 'Adds zero-mean Gaussian noise while training. No params.',
  GaussianDropout: 'Multiplies by 1-centred Gaussian noise while training. No params.',
  Rescaling: 'Computes x * scale + offset, e.g. scale 1/255 for pixel values. No params.',
  UpSampling2D: 'Repeats rows and columns: (None, H, W, C) -> (None, H x size[0], W x size[1], C). No params.',
  Cropping2D: 'Removes rows and columns at the borders. No params.',
  Permute: 'Reorders the axes after the batch axis (dims are 1-based). No params.',
  RepeatVector: 'Repeats a (None, F) input n times: (None, n, F). No params.',
  Conv2DTranspose: 'Transposed convolution (Keras Conv2DTranspose). Params kh x kw x filters x C (+ filters with bias).',
  DepthwiseConv2D: 'Depthwise convolution: C x depthMultiplier output channels. Params kh x kw x C x depthMultiplier (+ C x depthMultiplier with bias). Trains only on the cpu backend (TF.js wasm has no gradient for it).',
  SeparableConv2D: 'Depthwise then pointwise convolution. Params kh x kw x C x dm + C x dm x filters (+ filters with bias). Trains only on the cpu backend (TF.js wasm has no gradient for it).',
  RandomFlip: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  RandomRotation: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  RandomZoom: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  RandomTranslation: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  RandomContrast: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  RandomBrightness: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
};

const PAIR = 'two positive integers [height, width], or one integer for both';
export const NAME_DESCRIPTION =
  "Layer name shown in the summary (the Keras name). Default: Keras's automatic name (conv2d, conv2d_1, dense, ...).";

export const LAYER_FIELDS: Record<LayerType, Record<string, FieldDef>> = {
  InputLayer: {
    shape: { kind: 'shape', required: true, description: 'Input shape without the batch axis, e.g. [28, 28, 1] for MNIST (height, width, channels).' },
  },
  Conv2D: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' (no padding, output shrinks) or 'same' (output size = ceil(input / stride)). Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]; cannot be combined with strides > 1. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
  MaxPooling2D: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
  AveragePooling2D: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
  GlobalAveragePooling2D: {},
  GlobalMaxPooling2D: {},
  Flatten: {},
  Dense: {
    units: { kind: 'posInt', required: true, description: 'Number of output units.' },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none); 'softmax' for the class probabilities." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per unit. Default true. Keras: use_bias.' },
  },
  Dropout: {
    rate: { kind: 'rate', required: true, description: 'Fraction of the inputs to drop while training: at least 0, less than 1.' },
  },
  Activation: {
    activation: { kind: 'activation', required: true, description: 'The activation function.' },
  },
  BatchNormalization: {},
  ZeroPadding2D: {
    padding: {
      kind: 'zeroPadding',
      default: [[1, 1], [1, 1]],
      description: 'Zeros to add: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]]. Default 1.',
    },
  },
  Reshape: {
    targetShape: { kind: 'targetShape', required: true, description: 'New shape without the batch axis, e.g. [7, 7, 3]; one dimension may be -1 (inferred). Keras: target_shape.' },
  },
  ReLU: {
    maxValue: { kind: 'nonNegNumber', description: 'Upper limit of the output (ReLU6: 6). Default: none. Keras: max_value.' },
  },
  LeakyReLU: {
    alpha: { kind: 'number', description: 'Slope below zero. Default 0.3. Keras 3: negative_slope.' },
  },
  ELU: {
    alpha: { kind: 'number', description: 'Scale of the negative part. Default 1.' },
  },
  Softmax: {},
  SpatialDropout2D: {
    rate: { kind: 'rate', required: true, description: 'Fraction of the channels to drop while training: at least 0, less than 1.' },
  },
  GaussianNoise: {
    stddev: { kind: 'nonNegNumber', required: true, description: 'Standard deviation of the noise.' },
  },
  GaussianDropout: {
    rate: { kind: 'rate', required: true, description: 'Drop probability (the noise has stddev sqrt(rate / (1 - rate))).' },
  },
  Rescaling: {
    scale: { kind: 'number', required: true, description: 'Factor, e.g. 0.00392156862745098 (1/255).' },
    offset: { kind: 'number', description: 'Added after scaling. Default 0.' },
  },
  UpSampling2D: {
    size: { kind: 'pair', description: `Repeat factors: ${PAIR}. Default [2, 2].` },
  },
  Cropping2D: {
    cropping: {
      kind: 'zeroPadding',
      required: true,
      description: 'Rows and columns to remove: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]].',
    },
  },
  Permute: {
    dims: { kind: 'permutation', required: true, description: 'New order of the axes after the batch axis, 1-based, e.g. [2, 1] swaps the two.' },
  },
  RepeatVector: {
    n: { kind: 'posInt', required: true, description: 'How many times to repeat the input.' },
  },
  Conv2DTranspose: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    strides: { kind: 'pair', description: `Upsampling step: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' (output n x stride + max(kernel - stride, 0)) or 'same' (n x stride). Default 'valid'." },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
  DepthwiseConv2D: {
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    depthMultiplier: { kind: 'posInt', description: 'Output channels per input channel. Default 1. Keras: depth_multiplier.' },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per output channel. Default true. Keras: use_bias.' },
  },
  SeparableConv2D: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    depthMultiplier: { kind: 'posInt', description: 'Depthwise channels per input channel. Default 1. Keras: depth_multiplier.' },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
  RandomFlip: {},
  RandomRotation: {},
  RandomZoom: {},
  RandomTranslation: {},
  RandomContrast: {},
  RandomBrightness: {},
};

/** tfjs names weights "<layer>/kernel"; Keras forbids "/" in names. Both accept this. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.\\-]*$';
const NAME_RE = new RegExp(NAME_PATTERN);

export class ModelSpecError extends Error {
  constructor(
    /** The file (or other source) the JSON came from. */
    readonly where: string,
    /** JSON path, e.g. "layers[3].kernelSize"; empty for the whole document. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${where}: ${path ? `${path}: ` : ''}${problem}`);
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

const TYPE_ALIASES: Record<string, LayerType> = {
  Input: 'InputLayer', MaxPool2D: 'MaxPooling2D', AvgPool2D: 'AveragePooling2D', AveragePool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D', GlobalMaxPool2D: 'GlobalMaxPooling2D', Convolution2D: 'Conv2D',
  BatchNorm: 'BatchNormalization', Convolution2DTranspose: 'Conv2DTranspose', Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D', SeparableConv: 'SeparableConv2D', DepthwiseConv: 'DepthwiseConv2D',
};

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
      const s = typeof type === 'string' ? TYPE_ALIASES[type] ?? suggest(type, LAYER_TYPES) : undefined;
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
    const reason = (e as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/, "[\s\S]*" is not valid JSON$/, '');
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
