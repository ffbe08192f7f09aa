// What the code knows about one layer type, in one place: its names, its fields (types, defaults,
// which are required, descriptions for the JSON schema and hovers), its shape and parameter rule
// and what the trainer needs.
// The registry (./index.ts) is typed so that a layer type without a complete definition does not
// compile; validate.ts, schema.ts and the builder read it instead of keeping their own tables.
import type { LayerCheck, Shape } from '../shapeCheck';
import type { LayerSpec, LayerType } from '../spec';

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

export interface LayerDefinition<T extends LayerType> {
  /** One line for the JSON schema's enum and the hovers. */
  description: string;
  /** Other spellings of the type (Keras aliases, older names), accepted as "did you mean" hints. */
  aliases?: readonly string[];
  fields: FieldsOf<T>;
  infer: ShapeRule<SpecOf<T>>;
  /** Whether the TF.js trainer can build the layer (Keras-only layers are summarised, not trained). */
  trainable: boolean;
  /** Gradient kernels a TF.js backend may lack; the trainer refuses the layer on such a backend. */
  gradientKernels?: readonly string[];
}

export const PAIR = 'two positive integers [height, width], or one integer for both';

/** The rule of layers that keep their input's shape and have no weights. */
export const keepShape = (_c: LayerCheck, _layer: unknown, input: Shape): LayerShape => ({ out: input.slice() });
