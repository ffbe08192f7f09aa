// A ModelSpec as the `model_config` Keras 2.x writes into an .h5 file, and back. The layer configs
// are those of Keras 2.13's get_config() in the legacy serialization ({class_name, config}, no
// module), with the InputLayer Sequential.get_config() puts first, named "<first layer>_input".
// Keras 3's legacy loader (keras/src/legacy/saving/saving_utils.py) reads the same form. Each layer
// type's config is in its definition (src/model/layers, `keras.h5`); this file assembles the model.
import { inferModel, type LayerInfo } from '../model/infer';
import type { LayerSpec, LayerType, ModelSpec } from '../model/spec';
import { LAYER_ALIASES, LAYERS, layerDefinition, type KerasH5Codec } from '../model/layers';
import { isJsonObject, KerasConfigReader, KerasFormatError } from '../model/layers/kerasConfig';
import { LAYER_TYPES } from '../model/vocab';

export { KerasFormatError };

type Json = Record<string, unknown>;
export interface KerasLayerConfig { class_name: string; config: Json }
export interface KerasModelConfig { class_name: 'Sequential'; config: { name: string; layers: KerasLayerConfig[] } }

/** Layer types the .h5 export and import handle (those whose definition has a Keras .h5 mapping). */
export const KERAS_H5_TYPES: readonly LayerType[] = (Object.keys(LAYERS) as LayerType[]).filter((t) => LAYERS[t].keras.h5 !== null);

const handled = () => KERAS_H5_TYPES.join(', ');

/** The weight names a layer has in Keras (kernel only without bias). */
export function kerasWeightNames(layer: LayerSpec): string[] {
  const names = layerDefinition(layer.type).keras.h5?.weights ?? [];
  return 'useBias' in layer && layer.useBias === false ? names.filter((n) => n !== 'bias') : [...names];
}

function layerConfig(l: LayerSpec, info: LayerInfo, batchInputShape: (number | null)[] | null): KerasLayerConfig {
  const codec = layerDefinition(l.type).keras.h5 as KerasH5Codec<LayerType> | null;
  if (!codec) throw new KerasFormatError(`${info.name}: the Keras .h5 export does not handle ${l.type} layers yet (it handles ${handled()})`);
  const base: Json = { name: info.name, trainable: true, dtype: 'float32', ...(batchInputShape ? { batch_input_shape: batchInputShape } : {}) };
  return { class_name: l.type, config: { ...base, ...codec.write(l as never, { input: info.inputShape, output: info.outputShape }) } };
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

const isObj = isJsonObject;

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
  const type = LAYER_TYPES.find((t) => t === k.class_name) ?? LAYER_ALIASES[k.class_name];
  const codec = type ? (LAYERS[type].keras.h5 as KerasH5Codec<LayerType> | null) : null;
  if (!type || !codec) throw new KerasFormatError(`${what}: ${k.class_name} layers cannot be read (supported: ${handled()})`);
  return { ...codec.read(new KerasConfigReader(c, what), type), name } as LayerSpec;
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
