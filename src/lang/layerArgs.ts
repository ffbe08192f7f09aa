// Turns the options of one layer call (already evaluated, keys in camelCase whatever the source
// language) into a LayerSpec. Shared by the Python and the TF.js readers so both read a layer the
// same way. Values of the wrong kind are passed through on purpose: the model core's inferLayer
// then reports them with its own message ("filters must be a positive integer, got 0").
import type { Shape } from '../model/infer';
import type { LayerSpec, LayerType } from '../model/spec';
import { LAYERS, type FieldDef } from '../model/layers';
import { isActivation } from '../model/vocab';
import { showVal, type Val } from './values';

export interface LayerOpts {
  /** camelCase option name -> value. */
  opts: Map<string, Val>;
  /** How the option is spelled in the source (kernel_size in Python), for messages. */
  spell: (camel: string) => string;
}

export interface BuiltLayer {
  spec?: LayerSpec;
  notAnalyzed?: string;
  unresolved?: string[];
  /** The input shape this layer declares (input_shape=, inputShape, input_dim, Input(shape=)). */
  input?: { shape?: Shape; note?: string };
}

/** Types this reader models; anything else is "not analyzed". */
export type ReadableType = LayerType | 'Input';

class Unresolved extends Error {}

function raw(v: Val): unknown {
  switch (v.t) {
    case 'num': return v.v;
    case 'str': return v.v;
    case 'bool': return v.v;
    case 'none': return null;
    case 'seq': {
      const items = v.items.map(raw);
      return items.includes(undefined) ? undefined : items;
    }
    default: return undefined;
  }
}

/** The activation name from 'relu', tf.nn.relu, keras.activations.relu, 'hardSigmoid', None. */
export function activationName(v: Val): string | undefined {
  if (v.t === 'none') return 'linear';
  let s: string | undefined;
  if (v.t === 'str') s = v.v;
  else if (v.t === 'ref') s = v.path[v.path.length - 1];
  if (s === undefined) return undefined;
  const snake = s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  // Anything else (leaky_relu, a typo, a function of the user's) does not change shapes: the
  // caller lists it as unresolved instead of calling it a shape error.
  return isActivation(snake) ? snake : undefined;
}

/** Keras's ZeroPadding2D/Cropping2D argument: int -> all sides; (a, b) -> a rows top/bottom, b columns left/right. */
function sides(p: unknown): unknown {
  if (typeof p === 'number') return [[p, p], [p, p]];
  if (Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) return [[p[0], p[0]], [p[1], p[1]]];
  return p;
}

/** Required fields a source call cannot leave out (Keras gives the others a default). */
function requiredOptions(type: ReadableType): string[] {
  if (type === 'Input' || type === 'InputLayer') return [];
  return Object.entries(LAYERS[type].fields as Record<string, FieldDef>)
    .filter(([, def]) => def.required && def.sourceDefault === undefined)
    .map(([k]) => k);
}

export function buildLayer(type: ReadableType, a: LayerOpts): BuiltLayer {
  const unresolved: string[] = [];
  const has = (k: string) => a.opts.has(k);
  const get = (k: string): Val | undefined => a.opts.get(k);
  const why = (k: string, v: Val) =>
    `${a.spell(k)}=${showVal(v)} is not a constant${v.t === 'unknown' && v.why ? ` (${v.why})` : ''}`;
  /** A value shapes depend on: unknown means the layer cannot be analyzed. */
  const need = (k: string): unknown => {
    const v = get(k);
    if (v === undefined) return undefined;
    const r = raw(v);
    if (r === undefined) throw new Unresolved(why(k, v));
    return r;
  };
  const pair = (k: string): unknown => {
    const r = need(k);
    return typeof r === 'number' ? [r, r] : r;
  };
  const activation = (k: string): string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const n = activationName(v);
    if (n === undefined) unresolved.push(`${a.spell(k)}=${showVal(v)}`);
    return n;
  };
  const str = (k: string): string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    if (v.t === 'str') return v.v;
    if (v.t !== 'none') unresolved.push(`${a.spell(k)}=${showVal(v)}`);
    return undefined;
  };
  const bool = (k: string): unknown => need(k);
  const padding = (): unknown => {
    const p = need('padding');
    return typeof p === 'string' ? p.toLowerCase() : p;
  };
  const channelsLast = () => {
    const f = get('dataFormat');
    if (f === undefined || f.t === 'none') return;
    if (f.t === 'str' && f.v === 'channels_last') return;
    if (f.t === 'str' && (f.v === 'channels_first')) throw new Unresolved(`${a.spell('dataFormat')}='channels_first' is not modelled (only channels_last)`);
    throw new Unresolved(why('dataFormat', f));
  };
  const set = <T extends object>(o: T, k: string, v: unknown) => {
    if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  };

  let spec: Record<string, unknown> = { type };
  let input: BuiltLayer['input'];
  try {
    // Declared input shape (Keras: input_shape / batch_input_shape / input_dim; tfjs: inputShape...).
    // keras.Input(shape=), tf.layers.inputLayer({inputShape}) and InputLayer(input_shape=) all count.
    const shapeOpt = type === 'Input' ? ['shape', 'batchShape', 'inputShape', 'batchInputShape'] : ['inputShape', 'batchInputShape'];
    for (const k of shapeOpt) {
      const v = get(k);
      if (v === undefined) continue;
      const r = raw(v);
      const batch = k.startsWith('batch');
      if (Array.isArray(r) && r.every((d) => d === null || typeof d === 'number')) {
        input = { shape: batch ? [null, ...(r.slice(1) as Shape)] : [null, ...(r as Shape)] };
      } else if (typeof r === 'number' && !batch) {
        input = { shape: [null, r] };
      } else {
        input = { note: `${a.spell(k)}=${showVal(v)} is not known before running` };
      }
    }
    const dim = get('inputDim');
    if (dim !== undefined) {
      input = dim.t === 'num' ? { shape: [null, dim.v] } : { note: `${a.spell('inputDim')} is not known before running` };
    }
    set(spec, 'name', str('name'));
    // The options the layer's definition requires; without one the call is not analyzed.
    const missing = requiredOptions(type).find((k) => !has(k));
    if (missing !== undefined) return { notAnalyzed: `${a.spell(missing)} is missing` };
    switch (type) {
      case 'Input':
      case 'InputLayer':
        spec = { type: 'InputLayer' };
        break;
      case 'Conv2D': {
        channelsLast();
        const groups = need('groups');
        if (groups !== undefined && groups !== 1) throw new Unresolved(`${a.spell('groups')}=${String(groups)} is not modelled`);
        set(spec, 'filters', need('filters'));
        set(spec, 'kernelSize', pair('kernelSize'));
        set(spec, 'strides', pair('strides'));
        set(spec, 'padding', padding());
        set(spec, 'dilationRate', pair('dilationRate'));
        set(spec, 'activation', activation('activation'));
        set(spec, 'useBias', bool('useBias'));
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        channelsLast();
        set(spec, 'poolSize', pair('poolSize'));
        set(spec, 'strides', pair('strides'));
        set(spec, 'padding', padding());
        break;
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        channelsLast();
        const keep = need('keepdims');
        if (keep === true) throw new Unresolved(`${a.spell('keepdims')}=True is not modelled`);
        break;
      }
      case 'Flatten':
        channelsLast();
        break;
      case 'Dense':
        set(spec, 'units', need('units'));
        set(spec, 'activation', activation('activation'));
        set(spec, 'useBias', bool('useBias'));
        break;
      case 'Dropout':
        set(spec, 'rate', need('rate'));
        break;
      case 'Activation':
        // An activation we cannot name still keeps the shape: analyse it as identity, list it as unresolved.
        spec.activation = activation('activation') ?? 'linear';
        break;
      case 'BatchNormalization': {
        const axis = need('axis');
        if (axis !== undefined && axis !== -1) throw new Unresolved(`${a.spell('axis')}=${JSON.stringify(axis)} is not modelled (only the last axis)`);
        for (const k of ['center', 'scale']) {
          if (need(k) === false) throw new Unresolved(`${a.spell(k)}=False is not modelled`);
        }
        break;
      }
      case 'ZeroPadding2D': {
        channelsLast();
        spec.padding = sides(has('padding') ? need('padding') : LAYERS.ZeroPadding2D.fields.padding.sourceDefault);
        break;
      }
      case 'Reshape':
        set(spec, 'targetShape', need('targetShape'));
        break;
      case 'ReLU': {
        const max = need('maxValue');
        if (max !== null) set(spec, 'maxValue', max);
        // Shapes do not depend on these; the trainer's ReLU has neither, so say they were not read.
        for (const k of ['negativeSlope', 'threshold']) {
          const v = get(k);
          if (v !== undefined && !(v.t === 'num' && v.v === 0)) unresolved.push(`${a.spell(k)}=${showVal(v)}`);
        }
        break;
      }
      case 'LeakyReLU':
        // Keras 2 and tfjs: alpha; Keras 3: negative_slope. Same meaning.
        set(spec, 'alpha', has('alpha') ? need('alpha') : need('negativeSlope'));
        break;
      case 'ELU':
        set(spec, 'alpha', need('alpha'));
        break;
      case 'Softmax': {
        const axis = need('axis');
        if (axis !== undefined && axis !== -1) throw new Unresolved(`${a.spell('axis')}=${JSON.stringify(axis)} is not modelled (only the last axis)`);
        break;
      }
      case 'SpatialDropout2D':
      case 'GaussianDropout':
        if (type === 'SpatialDropout2D') channelsLast();
        set(spec, 'rate', need('rate'));
        break;
      case 'GaussianNoise':
        set(spec, 'stddev', need('stddev'));
        break;
      case 'Rescaling':
        set(spec, 'scale', need('scale'));
        set(spec, 'offset', need('offset'));
        break;
      case 'UpSampling2D':
        channelsLast();
        set(spec, 'size', pair('size'));
        break;
      case 'Cropping2D': {
        channelsLast();
        const p = has('cropping') ? need('cropping') : LAYERS.Cropping2D.fields.cropping.sourceDefault;
        spec.cropping = sides(p);
        break;
      }
      case 'Permute':
        set(spec, 'dims', need('dims'));
        break;
      case 'RepeatVector':
        set(spec, 'n', need('n'));
        break;
      case 'Conv2DTranspose':
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        channelsLast();
        if (type === 'Conv2DTranspose') {
          const op = need('outputPadding');
          if (op !== undefined && op !== null) throw new Unresolved(`${a.spell('outputPadding')}=${JSON.stringify(op)} is not modelled`);
          const d = pair('dilationRate');
          if (d !== undefined && JSON.stringify(d) !== '[1,1]') throw new Unresolved(`${a.spell('dilationRate')}=${JSON.stringify(d)} is not modelled for transposed convolutions`);
        } else {
          set(spec, 'depthMultiplier', need('depthMultiplier'));
          set(spec, 'dilationRate', pair('dilationRate'));
        }
        set(spec, 'filters', need('filters'));
        set(spec, 'kernelSize', pair('kernelSize'));
        set(spec, 'strides', pair('strides'));
        set(spec, 'padding', padding());
        set(spec, 'activation', activation('activation'));
        set(spec, 'useBias', bool('useBias'));
        break;
      }
      case 'RandomFlip':
      case 'RandomRotation':
      case 'RandomZoom':
      case 'RandomTranslation':
      case 'RandomContrast':
      case 'RandomBrightness':
        // Identity at inference: their options do not matter.
        break;
      default:
        // A layer type without a case here does not compile.
        return type satisfies never;
    }
  } catch (e) {
    if (e instanceof Unresolved) return { notAnalyzed: e.message, input };
    throw e;
  }
  const out: BuiltLayer = { spec: spec as unknown as LayerSpec, input };
  if (unresolved.length > 0) out.unresolved = unresolved;
  return out;
}
