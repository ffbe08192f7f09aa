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

/** Activation layers (Keras ReLU, LeakyReLU, ELU, Softmax): shape-preserving, no params. */
export interface ReLUSpec extends Named { type: 'ReLU'; maxValue?: number }
export interface LeakyReLUSpec extends Named { type: 'LeakyReLU'; alpha?: number } // Keras 3: negative_slope, default 0.3
export interface ELUSpec extends Named { type: 'ELU'; alpha?: number }              // default 1.0
export interface SoftmaxSpec extends Named { type: 'Softmax' }                      // last axis only
/** Drops whole channels while training (noise shape (batch, 1, 1, channels)). */
export interface SpatialDropout2DSpec extends Named { type: 'SpatialDropout2D'; rate: number }
export interface GaussianNoiseSpec extends Named { type: 'GaussianNoise'; stddev: number }
export interface GaussianDropoutSpec extends Named { type: 'GaussianDropout'; rate: number }
/** x * scale + offset, e.g. scale 1/255 for pixel values. */
export interface RescalingSpec extends Named { type: 'Rescaling'; scale: number; offset?: number }
/**
 * Keras's random image augmentation layers: identity at inference, so shape-preserving with no
 * params. TF.js has no such layers: the trainer refuses them.
 */
export type RandomAugmentationType =
  | 'RandomFlip' | 'RandomRotation' | 'RandomZoom' | 'RandomTranslation' | 'RandomContrast' | 'RandomBrightness';
export interface RandomAugmentationSpec extends Named { type: RandomAugmentationType }
export interface UpSampling2DSpec extends Named { type: 'UpSampling2D'; size?: Pair } // default [2, 2]
export interface Cropping2DSpec extends Named {
  type: 'Cropping2D';
  /** [[top, bottom], [left, right]] */
  cropping: [Pair, Pair];
}
/** Keras Permute: `dims` is a permutation of 1..rank (the batch axis stays first). */
export interface PermuteSpec extends Named { type: 'Permute'; dims: number[] }
export interface RepeatVectorSpec extends Named { type: 'RepeatVector'; n: number }
export interface Conv2DTransposeSpec extends Named {
  type: 'Conv2DTranspose';
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  activation?: ActivationName;
  useBias?: boolean;
}
export interface DepthwiseConv2DSpec extends Named {
  type: 'DepthwiseConv2D';
  kernelSize: Pair;
  depthMultiplier?: number;  // default 1
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
  activation?: ActivationName;
  useBias?: boolean;
}
export interface SeparableConv2DSpec extends Named {
  type: 'SeparableConv2D';
  filters: number;
  kernelSize: Pair;
  depthMultiplier?: number;  // default 1
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
  activation?: ActivationName;
  useBias?: boolean;
}

export type LayerSpec =
  | InputLayerSpec | Conv2DSpec | Pool2DSpec | GlobalPool2DSpec | FlattenSpec | DenseSpec
  | DropoutSpec | ActivationSpec | BatchNormalizationSpec | ZeroPadding2DSpec | ReshapeSpec
  | ReLUSpec | LeakyReLUSpec | ELUSpec | SoftmaxSpec | SpatialDropout2DSpec | GaussianNoiseSpec
  | GaussianDropoutSpec | RescalingSpec | RandomAugmentationSpec | UpSampling2DSpec | Cropping2DSpec
  | PermuteSpec | RepeatVectorSpec | Conv2DTransposeSpec | DepthwiseConv2DSpec | SeparableConv2DSpec;

export type LayerType = LayerSpec['type'];

export interface ModelSpec {
  /** Keras model name, "sequential" by default. */
  name?: string;
  /** Input shape without the batch axis, e.g. [28, 28, 1]. */
  inputShape: number[];
  layers: LayerSpec[];
}
