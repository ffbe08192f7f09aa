// The closed vocabularies of the model spec as runtime values (spec.ts only has types). The
// validator, the JSON schema test and the builder all read these lists, so adding a layer type or
// an activation in one place shows up everywhere (and the schema test fails until it is updated).
import type { ActivationName, LayerType, Padding, RandomAugmentationType } from './spec';

/** Keras augmentation layers: identity at inference, refused by the (tfjs) trainer. */
export const RANDOM_AUGMENTATION_TYPES = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
] as const satisfies readonly RandomAugmentationType[];

export function isRandomAugmentation(t: unknown): t is RandomAugmentationType {
  return typeof t === 'string' && (RANDOM_AUGMENTATION_TYPES as readonly string[]).includes(t);
}

export const LAYER_TYPES = [
  'InputLayer', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'Activation', 'BatchNormalization',
  'ZeroPadding2D', 'Reshape', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'SpatialDropout2D', 'GaussianNoise',
  'GaussianDropout', 'Rescaling', 'UpSampling2D', 'Cropping2D', 'Permute', 'RepeatVector',
  'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', ...RANDOM_AUGMENTATION_TYPES,
] as const satisfies readonly LayerType[];

export const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'sigmoid', 'hard_sigmoid', 'softmax',
  'softplus', 'softsign', 'swish', 'gelu',
] as const satisfies readonly ActivationName[];

export const PADDINGS = ['valid', 'same'] as const satisfies readonly Padding[];

// Compile-time checks that the lists cover the unions (a missing member makes these `never`).
type Missing<U, L extends readonly unknown[]> = Exclude<U, L[number]>;
const layerTypesComplete: Missing<LayerType, typeof LAYER_TYPES> extends never ? true : never = true;
const activationsComplete: Missing<ActivationName, typeof ACTIVATIONS> extends never ? true : never = true;
void layerTypesComplete;
void activationsComplete;

export function isLayerType(s: unknown): s is LayerType {
  return typeof s === 'string' && (LAYER_TYPES as readonly string[]).includes(s);
}

export function isActivation(s: unknown): s is ActivationName {
  return typeof s === 'string' && (ACTIVATIONS as readonly string[]).includes(s);
}

/** Keras's class-name to layer-name rule (keras.src.utils.naming.to_snake_case). */
export function toSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
