// Keras shape and parameter inference for the layers of spec.ts, without running anything.
// Shapes here always include the batch axis as null, like Keras prints them: [null, 28, 28, 6].
// Formulas follow Keras 3 (keras.src.ops.operation_utils.compute_conv_output_shape and
// compute_pooling_output_shape), which tfjs-layers shares (conv_utils.convOutputLength).
// Each layer type's rule lives in its definition (src/model/layers/); this file walks the model.
// The property test in test/model checks the rules against tfjs on hundreds of random models.
import { LAYERS, type ShapeRule } from './layers';
import { formatShape, LayerCheck, ShapeError, show, type Shape } from './shapeCheck';
import type { LayerSpec, LayerType, ModelSpec } from './spec';
import { isLayerType, isRandomAugmentation, toSnakeCase } from './vocab';

export { formatCount, formatShape, ShapeError, type Shape } from './shapeCheck';

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

/** A definition's rule, for a spec already checked to be of its type. */
function inferRule(type: LayerType): ShapeRule<LayerSpec> {
  return LAYERS[type].infer as ShapeRule<LayerSpec>;
}

/**
 * Infers one layer given its input shape (with the batch axis). Throws ShapeError when Keras
 * would reject the layer for this input. `name` is the layer's display name (explicit or default).
 */
export function inferLayer(layer: LayerSpec, inputShape: Shape, name: string, index: number): LayerInfo {
  const c: LayerCheck = new LayerCheck(index, name);
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
  const type = (layer as { type?: unknown }).type;
  if (!isLayerType(type)) c.fail(`unsupported layer type ${show(type)}`);
  const r = inferRule(type)(c, layer, inputShape);
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
