// A ModelSpec as the `model_config` Keras 2.x writes into an .h5 file, and back. The layer configs
// are those of Keras 2.13's get_config() in the legacy serialization ({class_name, config}, no
// module), with the InputLayer Sequential.get_config() puts first, named "<first layer>_input".
// Keras 3's legacy loader (keras/src/legacy/saving/saving_utils.py) reads the same form.
import { inferModel, type LayerInfo } from '../model/infer';
import type { ActivationName, LayerSpec, ModelSpec, Padding, Pair } from '../model/spec';
import { isActivation } from '../model/vocab';

export class KerasFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KerasFormatError';
  }
}

type Json = Record<string, unknown>;
export interface KerasLayerConfig { class_name: string; config: Json }
export interface KerasModelConfig { class_name: 'Sequential'; config: { name: string; layers: KerasLayerConfig[] } }

/** Layer types the .h5 export and import handle, with the names of their weights in Keras's order. */
export const KERAS_WEIGHTS: Partial<Record<LayerSpec['type'], string[]>> = {
  Conv2D: ['kernel', 'bias'],
  Dense: ['kernel', 'bias'],
  BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  MaxPooling2D: [], AveragePooling2D: [], GlobalAveragePooling2D: [], GlobalMaxPooling2D: [],
  Flatten: [], Dropout: [], Activation: [], ZeroPadding2D: [], Reshape: [],
};

/** The weight names a layer has in Keras (kernel only without bias). */
export function kerasWeightNames(layer: LayerSpec): string[] {
  const names = KERAS_WEIGHTS[layer.type] ?? [];
  return 'useBias' in layer && layer.useBias === false ? names.filter((n) => n !== 'bias') : names;
}

const initializer = (className: string, config: Json = {}) => ({ class_name: className, config });
const DENSE_TAIL = () => ({
  kernel_initializer: initializer('GlorotUniform', { seed: null }),
  bias_initializer: initializer('Zeros'),
  kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
  kernel_constraint: null, bias_constraint: null,
});

function layerConfig(l: LayerSpec, info: LayerInfo, batchInputShape: (number | null)[] | null): KerasLayerConfig {
  const base: Json = { name: info.name, trainable: true, dtype: 'float32', ...(batchInputShape ? { batch_input_shape: batchInputShape } : {}) };
  const c = (config: Json): KerasLayerConfig => ({ class_name: l.type, config: { ...base, ...config } });
  switch (l.type) {
    case 'Conv2D':
      return c({
        filters: l.filters, kernel_size: [...l.kernelSize], strides: [...(l.strides ?? [1, 1])], padding: l.padding ?? 'valid',
        data_format: 'channels_last', dilation_rate: [...(l.dilationRate ?? [1, 1])], groups: 1,
        activation: l.activation ?? 'linear', use_bias: l.useBias ?? true, ...DENSE_TAIL(),
      });
    case 'Dense':
      return c({ units: l.units, activation: l.activation ?? 'linear', use_bias: l.useBias ?? true, ...DENSE_TAIL() });
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return c({ pool_size: [...l.poolSize], padding: l.padding ?? 'valid', strides: [...(l.strides ?? l.poolSize)], data_format: 'channels_last' });
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return c({ data_format: 'channels_last', keepdims: false });
    case 'Flatten':
      return c({ data_format: 'channels_last' });
    case 'Dropout':
      return c({ rate: l.rate, noise_shape: null, seed: null });
    case 'Activation':
      return c({ activation: l.activation });
    case 'ZeroPadding2D':
      return c({ padding: [[...l.padding[0]], [...l.padding[1]]], data_format: 'channels_last' });
    case 'Reshape':
      return c({ target_shape: (info.outputShape.slice(1) as number[]) });
    case 'BatchNormalization':
      return c({
        axis: [info.inputShape.length - 1], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
        beta_initializer: initializer('Zeros'), gamma_initializer: initializer('Ones'),
        moving_mean_initializer: initializer('Zeros'), moving_variance_initializer: initializer('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      });
    default:
      throw new KerasFormatError(
        `${info.name}: the Keras .h5 export does not handle ${l.type} layers yet (it handles ${Object.keys(KERAS_WEIGHTS).join(', ')})`,
      );
  }
}

/** The model_config Keras 2.x writes for this Sequential model. */
export function toKerasModelConfig(spec: ModelSpec): KerasModelConfig {
  const r = inferModel(spec);
  const byIndex = new Map(r.layers.map((l) => [l.index, l]));
  const layers: KerasLayerConfig[] = [];
  const first = r.layers[0];
  if (!first) throw new KerasFormatError('the model has no layers to export');
  layers.push({
    class_name: 'InputLayer',
    config: { batch_input_shape: r.inputShape, dtype: 'float32', sparse: false, ragged: false, name: `${first.name}_input` },
  });
  spec.layers.forEach((l, i) => {
    const info = byIndex.get(i);
    if (info) layers.push(layerConfig(l, info, info === first ? r.inputShape : null));
  });
  return { class_name: 'Sequential', config: { name: r.name, layers } };
}

// ---- reading ---------------------------------------------------------------------------------

const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function pair(x: unknown, what: string): Pair {
  if (typeof x === 'number' && Number.isInteger(x) && x > 0) return [x, x];
  if (Array.isArray(x) && x.length === 2 && x.every((n) => Number.isInteger(n) && n > 0)) return [x[0], x[1]];
  throw new KerasFormatError(`${what} must be a positive integer or a pair of them, got ${JSON.stringify(x)}`);
}

function activation(x: unknown, what: string): ActivationName {
  const name = isObj(x) ? x.class_name : x; // Keras 3 may serialise activations as objects
  if (isActivation(name)) return name;
  throw new KerasFormatError(`${what}: activation ${JSON.stringify(name)} is not one LeNet Lab knows`);
}

function padding(x: unknown, what: string): Padding {
  if (x === 'valid' || x === 'same') return x;
  throw new KerasFormatError(`${what}: padding must be 'valid' or 'same', got ${JSON.stringify(x)}`);
}

function channelsLast(c: Json, what: string): void {
  if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last') {
    throw new KerasFormatError(`${what}: only data_format 'channels_last' is supported, got ${JSON.stringify(c.data_format)}`);
  }
}

/** Input shape without the batch axis from batch_input_shape (Keras 2) or batch_shape (Keras 3). */
function inputShapeOf(c: Json): number[] | null {
  const s = c.batch_input_shape ?? c.batch_shape;
  if (!Array.isArray(s)) return null;
  const dims = s.slice(1);
  if (!dims.length || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new KerasFormatError(`the input shape must be fully known, got ${JSON.stringify(s)}`);
  }
  return dims as number[];
}

function layerFromKeras(k: unknown, index: number): LayerSpec {
  if (!isObj(k) || typeof k.class_name !== 'string' || !isObj(k.config)) {
    throw new KerasFormatError(`layer ${index + 1}: expected {"class_name", "config"}, got ${JSON.stringify(k)?.slice(0, 80)}`);
  }
  const c = k.config;
  const name = typeof c.name === 'string' ? c.name : undefined;
  const what = `layer ${index + 1} (${name ?? k.class_name})`;
  const useBias = c.use_bias === false ? { useBias: false } : {};
  switch (k.class_name) {
    case 'Conv2D': {
      channelsLast(c, what);
      if (c.groups !== undefined && c.groups !== 1) throw new KerasFormatError(`${what}: only groups 1 is supported`);
      return {
        type: 'Conv2D', name, filters: Number(c.filters), kernelSize: pair(c.kernel_size, `${what} kernel_size`),
        strides: pair(c.strides ?? 1, `${what} strides`), padding: padding(c.padding ?? 'valid', what),
        dilationRate: pair(c.dilation_rate ?? 1, `${what} dilation_rate`), activation: activation(c.activation ?? 'linear', what), ...useBias,
      };
    }
    case 'Dense':
      return { type: 'Dense', name, units: Number(c.units), activation: activation(c.activation ?? 'linear', what), ...useBias };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      channelsLast(c, what);
      const poolSize = pair(c.pool_size ?? 2, `${what} pool_size`);
      return { type: k.class_name, name, poolSize, strides: c.strides == null ? poolSize : pair(c.strides, `${what} strides`), padding: padding(c.padding ?? 'valid', what) };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      channelsLast(c, what);
      if (c.keepdims === true) throw new KerasFormatError(`${what}: keepdims true is not supported`);
      return { type: k.class_name, name };
    case 'Flatten':
      channelsLast(c, what);
      return { type: 'Flatten', name };
    case 'Dropout':
      return { type: 'Dropout', name, rate: Number(c.rate) };
    case 'Activation':
      return { type: 'Activation', name, activation: activation(c.activation, what) };
    case 'ZeroPadding2D': {
      channelsLast(c, what);
      const p = c.padding;
      const two = (x: unknown): Pair => (typeof x === 'number' ? [x, x] : pair(x, `${what} padding`));
      const padding2: [Pair, Pair] = typeof p === 'number' ? [[p, p], [p, p]] : Array.isArray(p) && p.length === 2 ? [two(p[0]), two(p[1])] : (() => { throw new KerasFormatError(`${what}: padding ${JSON.stringify(p)} is not understood`); })();
      return { type: 'ZeroPadding2D', name, padding: padding2 };
    }
    case 'Reshape':
      if (!Array.isArray(c.target_shape)) throw new KerasFormatError(`${what}: target_shape must be a list`);
      return { type: 'Reshape', name, targetShape: c.target_shape as number[] };
    case 'BatchNormalization':
      return { type: 'BatchNormalization', name };
    default:
      throw new KerasFormatError(`${what}: ${k.class_name} layers cannot be read (supported: ${Object.keys(KERAS_WEIGHTS).join(', ')})`);
  }
}

/** The ModelSpec of a Sequential model_config (Keras 2.x, or Keras 3's legacy h5 form). */
export function fromKerasModelConfig(json: unknown): ModelSpec {
  if (!isObj(json)) throw new KerasFormatError('model_config is not a JSON object');
  if (json.class_name !== 'Sequential') {
    throw new KerasFormatError(`only Sequential models can be read, this file holds a ${JSON.stringify(json.class_name)} model`);
  }
  const cfg = json.config;
  // Keras 2.0-2.1 wrote the layer list itself as the config.
  const list = Array.isArray(cfg) ? cfg : isObj(cfg) && Array.isArray(cfg.layers) ? cfg.layers : null;
  if (!list) throw new KerasFormatError('model_config has no layer list');
  const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : 'sequential';
  let inputShape: number[] | null = null;
  const layers: LayerSpec[] = [];
  list.forEach((k, i) => {
    if (isObj(k) && k.class_name === 'InputLayer' && isObj(k.config)) {
      inputShape ??= inputShapeOf(k.config);
      return;
    }
    if (isObj(k) && isObj(k.config)) inputShape ??= inputShapeOf(k.config);
    layers.push(layerFromKeras(k, i));
  });
  if (!inputShape) throw new KerasFormatError('model_config gives no input shape (no InputLayer and no batch_input_shape)');
  return { name, inputShape, layers };
}
