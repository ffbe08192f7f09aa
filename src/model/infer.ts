// Keras shape and parameter inference for the layers of spec.ts, without running anything.
// Shapes here always include the batch axis as null, like Keras prints them: [null, 28, 28, 6].
// Formulas follow Keras 3 (keras.src.ops.operation_utils.compute_conv_output_shape and
// compute_pooling_output_shape), which tfjs-layers shares (conv_utils.convOutputLength).
// The property test in test/model checks this file against tfjs on hundreds of random models.
import type {
  Conv2DSpec, Conv2DTransposeSpec, Cropping2DSpec, DenseSpec, DepthwiseConv2DSpec, LayerSpec, LayerType,
  ModelSpec, Pair, PermuteSpec, Pool2DSpec, ReshapeSpec, SeparableConv2DSpec, ZeroPadding2DSpec,
} from './spec';
import { isActivation, isRandomAugmentation, PADDINGS, toSnakeCase } from './vocab';

export type Shape = (number | null)[];

export interface LayerInfo {
  index: number;
  name: string;
  type: LayerType;
  inputShape: Shape;
  outputShape: Shape;
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** How params was computed, e.g. "5x5x6x16 + 16 = 2,416"; "0" for layers without weights. */
  formula: string;
  /** Something the hover should say about this layer (e.g. augmentation is identity at inference). */
  note?: string;
}

export interface InferResult {
  name: string;
  /** The model's input with the batch axis: [null, 28, 28, 1]. */
  inputShape: Shape;
  /** One row per layer as Keras's Sequential summary lists them (a leading InputLayer is not a row). */
  layers: LayerInfo[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

/** A layer Keras would refuse to build for this input. The message is "<layer name>: <reason>". */
export class ShapeError extends Error {
  constructor(
    readonly layerIndex: number,
    readonly layerName: string,
    /** The cause without the layer name, e.g. "5x5 kernel is larger than its 4x4 input with padding 'valid'". */
    readonly reason: string,
  ) {
    super(`${layerName}: ${reason}`);
    this.name = 'ShapeError';
  }
}

/** Thousands separators the way Keras prints them: 61706 -> "61,706". Locale independent. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras notation: [null, 28, 28, 6] -> "(None, 28, 28, 6)"; a 1-tuple keeps Python's comma. */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Adds the batch axis to a shape written without it: [28, 28, 1] -> [null, 28, 28, 1]. */
export function withBatch(shape: readonly number[]): Shape {
  return [null, ...shape];
}

/**
 * Keras-style default names: the snake_case class name, then _1, _2... per type. Explicit names
 * do not consume a number (Keras counts auto-named objects per prefix only).
 */
export function defaultLayerNames(layers: LayerSpec[]): string[] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    if (typeof l?.name === 'string' && l.name !== '') return l.name;
    const prefix = toSnakeCase(typeof l?.type === 'string' ? l.type : 'layer');
    const n = used.get(prefix) ?? 0;
    used.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  });
}

// ---- argument checks (the spec may come from a parsed source file, so nothing is trusted) ----

class Ctx {
  constructor(readonly index: number, readonly name: string) {}
  fail(reason: string): never {
    throw new ShapeError(this.index, this.name, reason);
  }
  posInt(what: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      this.fail(`${what} must be a positive integer, got ${show(v)}`);
    }
    return v;
  }
  pair(what: string, v: unknown, min = 1): Pair {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x) && x >= min)) {
      this.fail(`${what} must be two ${min === 0 ? 'non-negative' : 'positive'} integers, got ${show(v)}`);
    }
    return [v[0], v[1]];
  }
  padding(v: unknown): 'valid' | 'same' {
    if (v === undefined) return 'valid';
    if (!(PADDINGS as readonly unknown[]).includes(v)) this.fail(`padding must be 'valid' or 'same', got ${show(v)}`);
    return v as 'valid' | 'same';
  }
  activation(v: unknown, required: boolean): void {
    if (v === undefined && !required) return;
    if (!isActivation(v)) this.fail(`unknown activation ${show(v)}`);
  }
  bool(what: string, v: unknown): boolean {
    if (v === undefined) return true;
    if (typeof v !== 'boolean') this.fail(`${what} must be true or false, got ${show(v)}`);
    return v;
  }
  /** Layers that work on images need (None, height, width, channels). */
  image(layer: string, input: Shape): [number | null, number | null, number | null] {
    if (input.length !== 4) {
      this.fail(
        `${layer} needs a 4D input (batch, height, width, channels), got ${formatShape(input)}` +
          (input.length < 4 ? '; add a Reshape before it' : ''),
      );
    }
    return [input[1], input[2], input[3]];
  }
  /** A finite number (min inclusive when given); `undefined` passes when not required. */
  num(what: string, v: unknown, min?: number): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (min !== undefined && v < min)) {
      this.fail(`${what} must be a${min === 0 ? ' non-negative' : ''} number, got ${show(v)}`);
    }
    return v;
  }
  rate(v: unknown): void {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
      this.fail(`rate must be a number from 0 up to (not including) 1, got ${show(v)}`);
    }
  }
  knownLast(layer: string, input: Shape): number {
    const c = input[input.length - 1];
    if (input.length < 2 || c === null) {
      this.fail(`${layer} needs a known last dimension, got ${formatShape(input)}`);
    }
    return c;
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const x = (a: number, b: number) => `${a}x${b}`;
const hw = (h: number | null, w: number | null) => `${h ?? '?'}x${w ?? '?'}`;
const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

// ---- per-layer rules ----

/** Output length of one spatial axis, Keras/tfjs rule; null propagates (unknown stays unknown). */
function windowOut(len: number | null, window: number, stride: number, padding: 'valid' | 'same'): number | null {
  if (len === null) return null;
  return padding === 'same' ? Math.ceil(len / stride) : Math.floor((len - window) / stride) + 1;
}

/** What Conv2D, DepthwiseConv2D and SeparableConv2D share: kernel, strides, dilation, window output. */
function convWindow(c: Ctx, l: Conv2DSpec | DepthwiseConv2DSpec | SeparableConv2DSpec, input: Shape) {
  const [kh, kw] = c.pair('kernelSize', l.kernelSize);
  const [sh, sw] = l.strides === undefined ? [1, 1] : c.pair('strides', l.strides);
  const [dh, dw] = l.dilationRate === undefined ? [1, 1] : c.pair('dilationRate', l.dilationRate);
  const padding = c.padding(l.padding);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    c.fail(`strides ${x(sh, sw)} cannot be combined with dilation ${x(dh, dw)}; Keras allows strides > 1 only with dilation 1`);
  }
  const [h, w, cin] = c.image(l.type, input);
  if (cin === null) c.fail(`${l.type} needs a known number of input channels, got ${formatShape(input)}`);
  // Dilation spreads the kernel: effective size k + (k - 1)(d - 1).
  const eh = kh + (kh - 1) * (dh - 1);
  const ew = kw + (kw - 1) * (dw - 1);
  if (padding === 'valid' && ((h !== null && eh > h) || (w !== null && ew > w))) {
    const kernel = dh > 1 || dw > 1 ? `${x(kh, kw)} kernel with dilation ${x(dh, dw)} (spans ${x(eh, ew)})` : `${x(kh, kw)} kernel`;
    c.fail(`${kernel} is larger than its ${hw(h, w)} input with padding 'valid'`);
  }
  return { kh, kw, cin, useBias, oh: windowOut(h, eh, sh, padding), ow: windowOut(w, ew, sw, padding) };
}

function conv2d(c: Ctx, l: Conv2DSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const weights = kh * kw * cin * filters;
  const params = weights + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${cin}x${filters}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, filters] as Shape, params, trainable: params, formula };
}

/** One depthwise kernel per input channel and multiplier: channels out = C x depthMultiplier. */
function depthwiseConv2d(c: Ctx, l: DepthwiseConv2DSpec, input: Shape) {
  const dm = l.depthMultiplier === undefined ? 1 : c.posInt('depthMultiplier', l.depthMultiplier);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const outC = cin * dm;
  const params = kh * kw * cin * dm + (useBias ? outC : 0);
  const formula = `${kh}x${kw}x${cin}x${dm}${useBias ? ` + ${outC}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, outC] as Shape, params, trainable: params, formula };
}

/** Depthwise (kh x kw x C x dm) then pointwise (C x dm x filters), one bias per filter. */
function separableConv2d(c: Ctx, l: SeparableConv2DSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const dm = l.depthMultiplier === undefined ? 1 : c.posInt('depthMultiplier', l.depthMultiplier);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const params = kh * kw * cin * dm + cin * dm * filters + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${cin}x${dm} + ${cin * dm}x${filters}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, filters] as Shape, params, trainable: params, formula };
}

/** Keras deconv_output_length without output_padding: valid n*s + max(k - s, 0), same n*s. */
function conv2dTranspose(c: Ctx, l: Conv2DTransposeSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const [kh, kw] = c.pair('kernelSize', l.kernelSize);
  const [sh, sw] = l.strides === undefined ? [1, 1] : c.pair('strides', l.strides);
  const padding = c.padding(l.padding);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  const [h, w, cin] = c.image('Conv2DTranspose', input);
  if (cin === null) c.fail(`Conv2DTranspose needs a known number of input channels, got ${formatShape(input)}`);
  const len = (n: number | null, k: number, st: number) =>
    n === null ? null : padding === 'same' ? n * st : n * st + Math.max(k - st, 0);
  const params = kh * kw * filters * cin + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${filters}x${cin}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, len(h, kh, sh), len(w, kw, sw), filters] as Shape, params, trainable: params, formula };
}

function pool2d(c: Ctx, l: Pool2DSpec, input: Shape) {
  const [ph, pw] = l.poolSize === undefined ? [2, 2] : c.pair('poolSize', l.poolSize);
  // Keras: strides=None means strides = pool_size.
  const [sh, sw] = l.strides === undefined || l.strides === null ? [ph, pw] : c.pair('strides', l.strides);
  const padding = c.padding(l.padding);
  const [h, w, ch] = c.image(l.type, input);
  if (padding === 'valid' && ((h !== null && ph > h) || (w !== null && pw > w))) {
    c.fail(`${x(ph, pw)} pool is larger than its ${hw(h, w)} input with padding 'valid'`);
  }
  return { out: [null, windowOut(h, ph, sh, padding), windowOut(w, pw, sw, padding), ch] as Shape };
}

function dense(c: Ctx, l: DenseSpec, input: Shape) {
  const units = c.posInt('units', l.units);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  // Keras's Dense works on the last axis of any input with rank >= 2 (batch included).
  const cin = c.knownLast('Dense', input);
  const params = cin * units + (useBias ? units : 0);
  const formula = `${cin}x${units}${useBias ? ` + ${units}` : ''} = ${formatCount(params)}`;
  return { out: [...input.slice(0, -1), units], params, trainable: params, formula };
}

function zeroPadding(c: Ctx, l: ZeroPadding2DSpec, input: Shape) {
  const p = l.padding;
  if (!Array.isArray(p) || p.length !== 2) {
    c.fail(`padding must be [[top, bottom], [left, right]], got ${show(p)}`);
  }
  const [t, b] = c.pair('padding[0] (top, bottom)', p[0], 0);
  const [lf, r] = c.pair('padding[1] (left, right)', p[1], 0);
  const [h, w, ch] = c.image('ZeroPadding2D', input);
  return { out: [null, h === null ? null : h + t + b, w === null ? null : w + lf + r, ch] as Shape };
}

function cropping(c: Ctx, l: Cropping2DSpec, input: Shape) {
  const p = l.cropping;
  if (!Array.isArray(p) || p.length !== 2) {
    c.fail(`cropping must be [[top, bottom], [left, right]], got ${show(p)}`);
  }
  const [t, b] = c.pair('cropping[0] (top, bottom)', p[0], 0);
  const [lf, r] = c.pair('cropping[1] (left, right)', p[1], 0);
  const [h, w, ch] = c.image('Cropping2D', input);
  if ((h !== null && t + b >= h) || (w !== null && lf + r >= w)) {
    c.fail(`cropping ${t}+${b} rows and ${lf}+${r} columns leaves nothing of its ${hw(h, w)} input`);
  }
  return { out: [null, h === null ? null : h - t - b, w === null ? null : w - lf - r, ch] as Shape };
}

function permute(c: Ctx, l: PermuteSpec, input: Shape) {
  const dims = l.dims;
  const rank = input.length - 1;
  const want = Array.from({ length: rank }, (_, i) => i + 1);
  if (!Array.isArray(dims) || dims.length !== rank || [...dims].sort((a, b) => a - b).some((d, i) => d !== want[i])) {
    c.fail(`dims must be a permutation of ${formatShape(want)} for the input ${formatShape(input)} (1-based, the batch axis excluded), got ${show(dims)}`);
  }
  return { out: [null, ...dims.map((d) => input[d])] as Shape };
}

function reshape(c: Ctx, l: ReshapeSpec, input: Shape) {
  const target = l.targetShape;
  if (!Array.isArray(target) || target.length === 0) {
    c.fail(`targetShape must be a non-empty list of integers, got ${show(target)}`);
  }
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) c.fail(`targetShape can contain -1 only once, got ${formatShape(target)}`);
  for (const d of target) {
    if (!Number.isSafeInteger(d) || (d < 1 && d !== -1)) {
      c.fail(`targetShape dimensions must be positive integers (or one -1), got ${formatShape(target)}`);
    }
  }
  const dims = input.slice(1);
  if (dims.some((d) => d === null)) {
    // Input size unknown: Keras keeps -1 as None and cannot check the product.
    return { out: [null, ...target.map((d) => (d === -1 ? null : d))] as Shape };
  }
  const have = product(dims as number[]);
  const known = product(target.filter((d) => d !== -1));
  const where = `cannot reshape ${formatShape(input)} into ${formatShape(target)}`;
  if (unknown === 1) {
    if (have % known !== 0) c.fail(`${where}: ${formatCount(have)} values are not a multiple of ${formatCount(known)}`);
    return { out: [null, ...target.map((d) => (d === -1 ? have / known : d))] as Shape };
  }
  if (have !== known) c.fail(`${where}: ${formatCount(have)} values vs ${formatCount(known)}`);
  return { out: [null, ...target] as Shape };
}

/**
 * Infers one layer given its input shape (with the batch axis). Throws ShapeError when Keras
 * would reject the layer for this input. `name` is the layer's display name (explicit or default).
 */
export function inferLayer(layer: LayerSpec, inputShape: Shape, name: string, index: number): LayerInfo {
  const c: Ctx = new Ctx(index, name);
  if (typeof layer !== 'object' || layer === null) c.fail(`expected a layer, got ${show(layer)}`);
  if (inputShape.length < 1 || inputShape[0] !== null) {
    // A caller bug, not a user mistake: shapes here always start with the batch axis.
    throw new Error(`inferLayer: inputShape must start with null (the batch axis), got ${show(inputShape)}`);
  }
  for (const d of inputShape.slice(1)) {
    if (d !== null && (!Number.isSafeInteger(d) || d < 1)) {
      c.fail(`input shape ${formatShape(inputShape)} has a dimension that is not a positive integer`);
    }
  }
  let r: { out: Shape; params?: number; trainable?: number; formula?: string };
  switch (layer.type) {
    case 'InputLayer':
      return c.fail('an InputLayer can only be the first layer of a Sequential model');
    case 'Conv2D':
      r = conv2d(c, layer, inputShape);
      break;
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      r = pool2d(c, layer, inputShape);
      break;
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      const [, , ch] = c.image(layer.type, inputShape);
      r = { out: [null, ch] };
      break;
    }
    case 'Flatten': {
      const dims = inputShape.slice(1);
      // An unknown dimension makes the flattened size unknown (Keras prints None).
      const n = dims.some((d) => d === null) ? null : product(dims as number[]);
      r = { out: [null, n] };
      break;
    }
    case 'Dense':
      r = dense(c, layer, inputShape);
      break;
    case 'Dropout': {
      c.rate(layer.rate);
      r = { out: inputShape.slice() };
      break;
    }
    case 'Activation':
      c.activation(layer.activation, true);
      r = { out: inputShape.slice() };
      break;
    case 'BatchNormalization': {
      // axis=-1: gamma and beta train, moving mean and variance do not.
      const ch = c.knownLast('BatchNormalization', inputShape);
      r = {
        out: inputShape.slice(),
        params: 4 * ch,
        trainable: 2 * ch,
        formula: `4x${ch} = ${formatCount(4 * ch)} (${formatCount(2 * ch)} non-trainable)`,
      };
      break;
    }
    case 'ZeroPadding2D':
      r = zeroPadding(c, layer, inputShape);
      break;
    case 'Reshape':
      r = reshape(c, layer, inputShape);
      break;
    case 'ReLU':
      c.num('maxValue', layer.maxValue, 0);
      r = { out: inputShape.slice() };
      break;
    case 'LeakyReLU':
    case 'ELU':
      c.num('alpha', layer.alpha);
      r = { out: inputShape.slice() };
      break;
    case 'Softmax':
      r = { out: inputShape.slice() };
      break;
    case 'SpatialDropout2D':
      c.rate(layer.rate);
      c.image('SpatialDropout2D', inputShape);
      r = { out: inputShape.slice() };
      break;
    case 'GaussianDropout':
      c.rate(layer.rate);
      r = { out: inputShape.slice() };
      break;
    case 'GaussianNoise':
      if (layer.stddev === undefined) c.fail('stddev is missing');
      c.num('stddev', layer.stddev, 0);
      r = { out: inputShape.slice() };
      break;
    case 'Rescaling':
      if (layer.scale === undefined) c.fail('scale is missing');
      c.num('scale', layer.scale);
      c.num('offset', layer.offset);
      r = { out: inputShape.slice() };
      break;
    case 'UpSampling2D': {
      const [fh, fw] = layer.size === undefined ? [2, 2] : c.pair('size', layer.size);
      const [h, w, ch] = c.image('UpSampling2D', inputShape);
      r = { out: [null, h === null ? null : h * fh, w === null ? null : w * fw, ch] };
      break;
    }
    case 'Cropping2D':
      r = cropping(c, layer, inputShape);
      break;
    case 'Permute':
      r = permute(c, layer, inputShape);
      break;
    case 'RepeatVector': {
      const n = c.posInt('n', layer.n);
      if (inputShape.length !== 2) c.fail(`RepeatVector needs a 2D input (batch, features), got ${formatShape(inputShape)}; add a Flatten before it`);
      r = { out: [null, n, inputShape[1]] };
      break;
    }
    case 'Conv2DTranspose':
      r = conv2dTranspose(c, layer, inputShape);
      break;
    case 'DepthwiseConv2D':
      r = depthwiseConv2d(c, layer, inputShape);
      break;
    case 'SeparableConv2D':
      r = separableConv2d(c, layer, inputShape);
      break;
    case 'RandomFlip':
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
    case 'RandomContrast':
    case 'RandomBrightness':
      r = { out: inputShape.slice() };
      break;
    default: {
      const t = (layer as { type?: unknown }).type;
      c.fail(`unsupported layer type ${show(t)}`);
    }
  }
  for (const d of r.out.slice(1)) {
    if (d !== null && d < 1) c.fail(`output shape ${formatShape(r.out)} has a zero or negative dimension`);
  }
  const params = r.params ?? 0;
  const trainable = r.trainable ?? 0;
  return {
    index,
    name,
    type: layer.type,
    inputShape: inputShape.slice(),
    outputShape: r.out,
    params,
    trainableParams: trainable,
    nonTrainableParams: params - trainable,
    formula: r.formula ?? '0',
    ...(isRandomAugmentation(layer.type)
      ? { note: `${layer.type} is a training-time augmentation: identity at inference (what the summary shows), 0 params. TensorFlow.js has no such layer, so LeNet Lab cannot train this model.` }
      : {}),
  };
}

/**
 * Infers a whole Sequential model. A leading InputLayer sets the input shape (and is not a row,
 * as in Keras's summary); it must agree with spec.inputShape when both are given.
 */
export function inferModel(spec: ModelSpec): InferResult {
  if (!Array.isArray(spec?.layers)) throw new ShapeError(-1, 'model', `layers must be a list, got ${show(spec?.layers)}`);
  const names = defaultLayerNames(spec.layers);
  let first = 0;
  let input: number[] = spec.inputShape;
  const head = spec.layers[0];
  if (head?.type === 'InputLayer') {
    first = 1;
    if (!isShape(head.shape)) {
      throw new ShapeError(0, names[0], `shape must be a non-empty list of positive integers such as [28, 28, 1], got ${show(head.shape)}`);
    }
    const given = Array.isArray(spec.inputShape) ? spec.inputShape : [];
    if (given.length > 0 && !sameShape(given, head.shape)) {
      throw new ShapeError(0, names[0], `input shape ${formatShape(withBatch(head.shape))} disagrees with the model's inputShape ${formatShape(withBatch(given))}`);
    }
    input = head.shape;
  }
  if (!isShape(input)) {
    const at = first === 1 ? names[0] : 'input';
    throw new ShapeError(first === 1 ? 0 : -1, at, `the input shape must be a non-empty list of positive integers such as [28, 28, 1], got ${show(input)}`);
  }
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const prev = seen.get(n);
    if (prev !== undefined) {
      throw new ShapeError(i, n, `the name '${n}' is already used by layer ${prev + 1}; layer names must be unique`);
    }
    seen.set(n, i);
  });
  const inputShape = withBatch(input);
  const layers: LayerInfo[] = [];
  let shape = inputShape;
  for (let i = first; i < spec.layers.length; i++) {
    const info = inferLayer(spec.layers[i], shape, names[i], i);
    layers.push(info);
    shape = info.outputShape;
  }
  const sum = (f: (l: LayerInfo) => number) => layers.reduce((s, l) => s + f(l), 0);
  return {
    name: spec.name ?? 'sequential',
    inputShape,
    layers,
    totalParams: sum((l) => l.params),
    trainableParams: sum((l) => l.trainableParams),
    nonTrainableParams: sum((l) => l.nonTrainableParams),
  };
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((d) => Number.isSafeInteger(d) && d >= 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
