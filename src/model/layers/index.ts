// The layer registry: every layer type's definition, keyed by type. The mapped type makes a type
// added to LayerType (src/model/spec.ts) without a definition here a compile error.
import type { LayerType } from '../spec';
import type { LayerDefinition } from './definition';
import * as activations from './activations';
import * as augmentation from './augmentation';
import * as convolution from './convolution';
import * as core from './core';
import * as pooling from './pooling';
import * as regularization from './regularization';
import * as reshaping from './reshaping';

export type LayerRegistry = { readonly [T in LayerType]: LayerDefinition<T> };

export const LAYERS: LayerRegistry = {
  ...core, ...convolution, ...pooling, ...activations, ...regularization, ...reshaping, ...augmentation,
};

export function layerDefinition<T extends LayerType>(type: T): LayerDefinition<T> {
  return LAYERS[type] as LayerDefinition<T>;
}

const TYPES = Object.keys(LAYERS) as LayerType[];

/** Alias -> layer type: Keras's other class names and the hint-only spellings of every definition. */
export const LAYER_ALIASES: Readonly<Record<string, LayerType>> = Object.fromEntries(
  TYPES.flatMap((t) => [...(LAYERS[t].keras.aliases ?? []), ...(LAYERS[t].aliases ?? [])].map((a) => [a, t])),
);

export type { BuildContext, FieldDef, FieldKind, KerasH5Codec, LayerBuilder, LayerDefinition, LayerShape, ShapeRule } from './definition';
