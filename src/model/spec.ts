// Layer and model specs: the one vocabulary shared by the trainer, the summary, the CLI and the
// source-code hovers. Pure data (JSON-serialisable), Keras semantics, shapes exclude the batch axis.

export type Padding = 'valid' | 'same';

/** Activations Keras and tfjs both know by name. */
export type ActivationName =
  | 'linear' | 'relu' | 'relu6' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'hard_sigmoid'
  | 'softmax' | 'softplus' | 'softsign' | 'swish' | 'gelu';

export type Pair = [number, number];

interface Named {
  /** Keras layer name; when absent Keras-style defaults are generated (conv2d, conv2d_1, ...). */
  name?: string;
}

export interface InputLayerSpec extends Named { type: 'InputLayer'; shape: number[] }
export interface Conv2DSpec extends Named {
  type: 'Conv2D';
  filters: number;
  kernelSize: Pair;
  strides?: Pair;            // default [1, 1]
  padding?: Padding;         // default 'valid'
  dilationRate?: Pair;       // default [1, 1]
  activation?: ActivationName; // default 'linear'
  useBias?: boolean;         // default true
}
export interface Pool2DSpec extends Named {
  type: 'MaxPooling2D' | 'AveragePooling2D';
  poolSize: Pair;            // default [2, 2]
  strides?: Pair | null;     // default: poolSize
  padding?: Padding;         // default 'valid'
}
export interface GlobalPool2DSpec extends Named { type: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D' }
export interface FlattenSpec extends Named { type: 'Flatten' }
export interface DenseSpec extends Named {
  type: 'Dense';
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
}
export interface DropoutSpec extends Named { type: 'Dropout'; rate: number }
export interface ActivationSpec extends Named { type: 'Activation'; activation: ActivationName }
export interface BatchNormalizationSpec extends Named { type: 'BatchNormalization' }
export interface ZeroPadding2DSpec extends Named {
  type: 'ZeroPadding2D';
  /** [[top, bottom], [left, right]] */
  padding: [Pair, Pair];
}
export interface ReshapeSpec extends Named {
  type: 'Reshape';
  /** May contain one -1 (inferred), like Keras. */
  targetShape: number[];
}

export type LayerSpec =
  | InputLayerSpec | Conv2DSpec | Pool2DSpec | GlobalPool2DSpec | FlattenSpec | DenseSpec
  | DropoutSpec | ActivationSpec | BatchNormalizationSpec | ZeroPadding2DSpec | ReshapeSpec;

export type LayerType = LayerSpec['type'];

export interface ModelSpec {
  /** Keras model name, "sequential" by default. */
  name?: string;
  /** Input shape without the batch axis, e.g. [28, 28, 1]. */
  inputShape: number[];
  layers: LayerSpec[];
}
