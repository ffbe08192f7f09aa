// What the code knows about one layer type, in one place: its names, its fields (types, defaults,
// which are required, descriptions for the JSON schema and hovers), its shape and parameter rule
// and what the trainer needs.
// The registry (./index.ts) is typed so that a layer type without a complete definition does not
// compile; validate.ts, schema.ts and the builder read it instead of keeping their own tables.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../../worker/tf';
import type { LayerCheck, Shape } from '../shapeCheck';
import type { ActivationName, LayerSpec, LayerType, Padding, Pair } from '../spec';
import type { Json, KerasConfigReader, KerasLayerShapes } from './kerasConfig';

export type FieldKind =
  | 'posInt' | 'pair' | 'pairOrNull' | 'padding' | 'activation' | 'bool' | 'rate' | 'shape'
  | 'targetShape' | 'zeroPadding' | 'number' | 'nonNegNumber' | 'permutation';

export interface FieldDef {
  kind: FieldKind;
  required?: boolean;
  description: string;
  /** Applied when the field is absent and the spec type needs a value. */
  default?: unknown;
  /**
   * Keras's default when a Python or TF.js call leaves the option out (the source readers apply
   * it), where the model file format asks for the field or fills in its own `default`.
   */
  sourceDefault?: unknown;
}

/** The spec interface of one layer type (some specs serve several types, e.g. the two poolings). */
type SpecFor<S, T> = S extends { type: infer U } ? (T extends U ? S : never) : never;
export type SpecOf<T extends LayerType> = SpecFor<LayerSpec, T>;

/** Every field of the spec except `type` and `name`, so a field the spec has cannot be left out. */
export type FieldsOf<T extends LayerType> = { [K in Exclude<keyof SpecOf<T>, 'type' | 'name'>]-?: FieldDef };

/** Output shape (with the batch axis) and, for layers with weights, the parameter counts. */
export interface LayerShape {
  out: Shape;
  params?: number;
  /** Trainable part of params (the rest, e.g. BatchNormalization's moving statistics, is not). */
  trainable?: number;
  /** How params was computed, e.g. "5x5x6x16 + 16 = 2,416". */
  formula?: string;
}

/** Keras's shape rule for one layer: throws through `c` when Keras would refuse the layer. */
export type ShapeRule<S> = (c: LayerCheck, layer: S, input: Shape) => LayerShape;

type Initializer = ReturnType<Tf['initializers']['zeros']>;

/** What a builder gets besides the spec: the inferred shapes, the name (and input shape of the first layer), the seed. */
export interface BuildContext {
  /** Keras name, plus the model's input shape when this is the first layer. */
  base: { name: string; inputShape?: number[] };
  inputShape: Shape;
  /** The inferred output shape without the batch axis (fully known: the trainer checked it). */
  known: number[];
  /** Seeds the layer's random initializers and noise (undefined: unseeded). */
  seed: number | undefined;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
}

// Arrays are copied before they reach tfjs: some tfjs layers modify their arguments in place
// (Reshape turns -1 into null), and the spec belongs to the caller.
export type LayerBuilder<S> = (tf: Tf, layer: S, at: BuildContext) => TF.layers.Layer;

type TfActivation = NonNullable<Parameters<Tf['layers']['dense']>[0]>['activation'];

/** Keras activation names, in tfjs spelling where it differs. */
export function tfActivation(a: ActivationName | undefined): TfActivation {
  if (a === undefined) return undefined;
  return (a === 'hard_sigmoid' ? 'hardSigmoid' : a) as TfActivation;
}

export interface LayerDefinition<T extends LayerType> {
  /** One line for the JSON schema's enum and the hovers. */
  description: string;
  /** Other spellings people write (not Keras classes), offered as "did you mean" hints only. */
  aliases?: readonly string[];
  /**
   * Keras's Python API: the positional parameters in order (snake_case, only those stable across
   * versions) and the other class names Keras exports for the layer; the Python reader reads both.
   */
  keras: { positional: readonly string[]; aliases?: readonly string[]; h5: KerasH5Codec<T> | null };
  /** tf.layers factory names the TF.js reader reads (the canonical one first); empty when TF.js has none. */
  tfjs: readonly string[];
  fields: FieldsOf<T>;
  infer: ShapeRule<SpecOf<T>>;
  /**
   * Builds the TF.js layer; null when TF.js has no such layer (Keras-only layers are summarised,
   * not trained). tfjs is passed in: this module only imports its types.
   */
  build: LayerBuilder<SpecOf<T>> | null;
  /** Gradient kernels a TF.js backend may lack; the trainer refuses the layer on such a backend. */
  gradientKernels?: readonly string[];
}

/**
 * How the layer is written into and read from a Keras .h5 model_config (Keras 2.13's get_config()),
 * with its weights' names in Keras's order; null when the .h5 export and import do not handle it.
 */
export interface KerasH5Codec<T extends LayerType> {
  /** Weight names in the order Keras stores them (a layer without bias drops 'bias'). */
  weights: readonly string[];
  /** The config fields besides name, trainable, dtype and batch_input_shape. */
  write(layer: SpecOf<T>, shapes: KerasLayerShapes): Json;
  /** The spec (without its name) from a config; throws a KerasFormatError through `r`. */
  read(r: KerasConfigReader, className: T): Omit<SpecOf<T>, 'name'>;
}

/** Keras's defaults of the optional fields several layer types share (builders, .h5 configs and shape rules read these). */
export const KERAS_DEFAULTS = {
  strides: [1, 1] as Pair,
  dilationRate: [1, 1] as Pair,
  poolSize: [2, 2] as Pair,
  padding: 'valid' as Padding,
  activation: 'linear' as ActivationName,
  useBias: true,
} as const;

export const PAIR = 'two positive integers [height, width], or one integer for both';

/** The rule of layers that keep their input's shape and have no weights. */
export const keepShape = (_c: LayerCheck, _layer: unknown, input: Shape): LayerShape => ({ out: input.slice() });
