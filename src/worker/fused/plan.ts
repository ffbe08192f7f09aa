// Which models the fused step serves, and each layer's shapes as the kernels need them. A model
// it cannot serve gets a one-line reason (and keeps the tfjs step).
import type { LayersModel } from '@tensorflow/tfjs';
import { isPlainChain } from '../parallel/forward';
import { ACT, type ActName } from './kernels';

/** One trainable tensor: its index in model.trainableWeights and its element count. */
export interface ParamRef {
  index: number;
  size: number;
}

export interface ConvOp {
  kind: 'conv';
  H: number; W: number; C: number;
  KH: number; KW: number; sh: number; sw: number; padT: number; padL: number;
  OH: number; OW: number; F: number;
  act: ActName;
  kernel: ParamRef;
  bias?: ParamRef;
}

export interface PoolOp {
  kind: 'avgpool' | 'maxpool';
  H: number; W: number; C: number;
  PH: number; PW: number; sh: number; sw: number; OH: number; OW: number;
}

export interface DenseOp {
  kind: 'dense';
  inF: number; units: number;
  /** 'softmax' only on the last layer, where it is fused with the cross-entropy's gradient. */
  act: ActName | 'softmax';
  kernel: ParamRef;
  bias?: ParamRef;
}

/** Keras's inverted dropout (training only) over `size` values per image. */
export interface DropoutOp {
  kind: 'dropout';
  size: number;
  rate: number;
}

export type Op = ConvOp | PoolOp | DenseOp | DropoutOp;

export type Plan = { ops: Op[]; inputSize: number; numClasses: number } | { reason: string };

interface LayerView {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  input: { shape: (number | null)[] };
  output: { shape: (number | null)[] };
  trainableWeights: Array<{ shape: number[] }>;
}

const pair = (v: unknown, dflt: number): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : v == null ? [dflt, dflt] : [Number(v), Number(v)];

const dims = (s: (number | null)[]): number[] => s.slice(1).map((d) => d ?? 0);

function activation(c: Record<string, unknown>): ActName | 'softmax' | null {
  const a = String(c.activation ?? 'linear');
  return a === 'softmax' || a in ACT ? (a as ActName | 'softmax') : null;
}

/** The op list for `model`, or why the fused step cannot train it. */
export function planModel(model: LayersModel, inputShape: number[], numClasses: number): Plan {
  if (!isPlainChain(model)) return { reason: 'not a plain chain of layers' };
  if (model.nonTrainableWeights.length > 0) return { reason: 'the model has non-trainable weights' };
  const ops: Op[] = [];
  let index = 0;
  const param = (shape: number[]): ParamRef => ({ index: index++, size: shape.reduce((a, b) => a * b, 1) });
  for (const layer of model.layers as unknown as LayerView[]) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer' || cls === 'Flatten') continue;
    const c = layer.getConfig();
    // A plain chain: one input and one output tensor per layer.
    const inS = dims(layer.input.shape);
    const outS = dims(layer.output.shape);
    const act = activation(c);
    const unsupported = (why: string): Plan => ({ reason: `${cls} layer '${layer.name}': ${why}` });
    if (ops.length > 0 && ops[ops.length - 1].kind === 'dense' && (ops[ops.length - 1] as DenseOp).act === 'softmax') {
      return unsupported('softmax must be the last layer');
    }
    if (cls === 'Dropout') {
      const rate = Number(c.rate);
      if (rate === 0) continue;
      // SpatialDropout2D is a Dropout with a noise shape: one draw per channel.
      if (c.noiseShape != null) return unsupported('a noise shape is not fused');
      if (!(rate > 0 && rate < 1)) return unsupported(`rate ${String(c.rate)}`);
      ops.push({ kind: 'dropout', size: inS.reduce((a, b) => a * b, 1), rate });
      continue;
    }
    if (cls === 'Conv2D') {
      const [dh, dw] = pair(c.dilationRate, 1);
      if (c.dataFormat === 'channelsFirst') return unsupported('channelsFirst');
      if (dh !== 1 || dw !== 1) return unsupported('dilation');
      if (act === null || act === 'softmax') return unsupported(`activation ${String(c.activation)}`);
      const [KH, KW] = pair(c.kernelSize, 1);
      const [sh, sw] = pair(c.strides, 1);
      const [H, W, C] = inS;
      const [OH, OW, F] = outS;
      const same = c.padding === 'same';
      const padT = same ? Math.floor(Math.max(0, (OH - 1) * sh + KH - H) / 2) : 0;
      const padL = same ? Math.floor(Math.max(0, (OW - 1) * sw + KW - W) / 2) : 0;
      const [k, b] = layer.trainableWeights;
      ops.push({ kind: 'conv', H, W, C, KH, KW, sh, sw, padT, padL, OH, OW, F, act, kernel: param(k.shape), bias: b ? param(b.shape) : undefined });
    } else if (cls === 'AveragePooling2D' || cls === 'MaxPooling2D') {
      if (c.dataFormat === 'channelsFirst') return unsupported('channelsFirst');
      if (c.padding === 'same') return unsupported("padding 'same'");
      const [PH, PW] = pair(c.poolSize, 2);
      const [sh, sw] = pair(c.strides ?? c.poolSize, 2);
      const [H, W, C] = inS;
      const [OH, OW] = outS;
      ops.push({ kind: cls === 'MaxPooling2D' ? 'maxpool' : 'avgpool', H, W, C, PH, PW, sh, sw, OH, OW });
    } else if (cls === 'Dense') {
      if (inS.length !== 1) return unsupported('input is not flat');
      if (act === null) return unsupported(`activation ${String(c.activation)}`);
      const [k, b] = layer.trainableWeights;
      ops.push({ kind: 'dense', inF: inS[0], units: outS[0], act, kernel: param(k.shape), bias: b ? param(b.shape) : undefined });
    } else {
      return unsupported('not fused');
    }
  }
  const last = ops[ops.length - 1];
  if (!last || last.kind !== 'dense' || last.act !== 'softmax') return { reason: 'the last layer is not a Dense softmax' };
  if (last.units !== numClasses) return { reason: `the output has ${last.units} units for ${numClasses} classes` };
  if (index !== model.trainableWeights.length) return { reason: 'unexpected trainable weights' };
  return { ops, inputSize: inputShape.reduce((a, b) => a * b, 1), numClasses };
}
