// Inside the network: every layer's output for one input and every layer's kernels, read from a
// trained model. Outputs come from one forward pass of a model with the same input and every
// layer's output as outputs (Keras's feature-extraction idiom), so they are exactly what a model
// cut at each layer returns, for any chain (or graph) of layers. Answers are bounded: a tensor
// larger than MAX_TENSOR_VALUES sends only a leading box of its values, and one answer sends at
// most MAX_ANSWER_VALUES values in all, each cut said in `notes`.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { LayerActivation, LayerKernel, LayerWindow, TensorValues } from '../shared/protocol';
import type { Tf } from './tf';
import { WorkerError } from './errors';
import { loadModel, MODEL_FILE, WEIGHTS_FILE } from './runDir';

/** Values sent for one tensor: C5's 5x5x16x120 kernel (48,000) fits, a 256x256x3 map's channels do not. */
export const MAX_TENSOR_VALUES = 65_536;
/** Values sent in one answer (about 4 MB as float32, 1.5 MB of JSON for LeNet-5's 70,000). */
export const MAX_ANSWER_VALUES = 1_048_576;

export interface Activations {
  layers: LayerActivation[];
  kernels: LayerKernel[];
  notes: string[];
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * The leading box of `shape` that holds at most `budget` values, cutting the last axis first (the
 * channels of a feature map, the filters of a kernel, the units of a Dense matrix), then earlier ones.
 */
export function boundedShape(shape: number[], budget: number): number[] {
  if (budget <= 0) return shape.map(() => 0);
  const shown = shape.slice();
  for (let ax = shown.length - 1; ax >= 0 && product(shown) > budget; ax--) {
    const rest = product(shown) / shown[ax];
    shown[ax] = Math.max(1, Math.floor(budget / rest));
  }
  return shown;
}

/** The values of the leading box `shown` of a row-major array of shape `shape`. */
function leadingBox(data: ArrayLike<number>, shape: number[], shown: number[]): number[] {
  if (shown.every((d, i) => d === shape[i])) return Array.from(data);
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    const stride = product(shape.slice(axis + 1));
    if (axis === shape.length - 1) {
      for (let i = 0; i < shown[axis]; i++) out.push(data[offset + i]);
      return;
    }
    for (let i = 0; i < shown[axis]; i++) walk(axis + 1, offset + i * stride);
  };
  if (product(shown) > 0) walk(0, 0);
  return out;
}

/** Statistics over the finite values (NaN when there are none: a diverged model). */
function stats(data: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity, max = -Infinity, sum = 0, n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n ? { min, max, mean: sum / n } : { min: NaN, max: NaN, mean: NaN };
}

/** Values sent per tensor and per answer. */
export interface Limits { tensor: number; answer: number }

/** Builds the bounded TensorValues of one tensor's data, noting any cut. */
class Budget {
  private left: number;
  readonly notes: string[] = [];

  constructor(private readonly limits: Limits) {
    this.left = limits.answer;
  }

  take(what: string, data: ArrayLike<number>, shape: number[]): TensorValues {
    const { tensor, answer } = this.limits;
    const shown = boundedShape(shape, Math.min(tensor, this.left));
    const values = leadingBox(data, shape, shown);
    this.left -= values.length;
    const cut = values.length < data.length;
    if (cut) {
      this.notes.push(values.length === 0
        ? `${what}: values left out (this answer already holds ${answer.toLocaleString('en-US')} values); ask for this layer alone`
        : `${what}: showing the first [${shown.join(', ')}] of [${shape.join(', ')}] (at most ${tensor.toLocaleString('en-US')} values per tensor)`);
    }
    return { shape, ...stats(data), values, ...(cut ? { shown } : {}) };
  }
}

const pair = (v: unknown, fallback: number): [number, number] => {
  const a = Array.isArray(v) ? v : v === undefined || v === null ? [fallback] : [v];
  return [Number(a[0]), Number(a[1] ?? a[0])];
};

/** The sliding window of a convolution or pooling layer, from its Keras config; undefined for other layers. */
export function windowOf(l: TF.layers.Layer): LayerWindow | undefined {
  const type = l.getClassName();
  const c = l.getConfig() as Record<string, unknown>;
  if (type === 'Conv2D' || type === 'DepthwiseConv2D' || type === 'SeparableConv2D') {
    return { kernel: pair(c.kernelSize, 1), strides: pair(c.strides, 1), padding: c.padding === 'same' ? 'same' : 'valid', dilation: pair(c.dilationRate, 1) };
  }
  if (type === 'MaxPooling2D' || type === 'AveragePooling2D') {
    const kernel = pair(c.poolSize, 2);
    return { kernel, strides: c.strides ? pair(c.strides, 1) : kernel, padding: c.padding === 'same' ? 'same' : 'valid', dilation: [1, 1] };
  }
  return undefined;
}

/** The model's layers that compute something (not its InputLayer). */
function innerLayers(model: TF.LayersModel): TF.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer');
}

/** The model's input shape without the batch axis; every dimension must be known. */
export function inputShapeOf(model: TF.LayersModel): number[] {
  const shape = (model.inputs[0].shape as (number | null)[]).slice(1);
  if (model.inputs.length !== 1 || shape.some((d) => d === null)) {
    throw new WorkerError('MODEL', `the model's input ${JSON.stringify(model.inputs[0].shape)} is not one fully known image shape`);
  }
  return shape as number[];
}

/** Feature models are cheap (no weights of their own) but not free to build: one per model and layer choice. */
const featureModels = new WeakMap<TF.LayersModel, Map<string, TF.LayersModel>>();

function featureModel(tf: Tf, model: TF.LayersModel, layers: TF.layers.Layer[]): TF.LayersModel {
  const key = layers.map((l) => l.name).join('\0');
  let byKey = featureModels.get(model);
  if (!byKey) featureModels.set(model, (byKey = new Map()));
  let m = byKey.get(key);
  if (!m) {
    m = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as TF.SymbolicTensor) });
    byKey.set(key, m);
  }
  return m;
}

export interface ActivationOptions {
  /** Only this layer's output and kernels. */
  layer?: string;
  /** Leave out the layers' outputs (false) or their kernels (false); both by default. */
  outputs?: boolean;
  kernels?: boolean;
  limits?: Limits;
}

/**
 * Every layer's output for `input` (values in the model's input shape, row-major) and every
 * layer's kernels; with `layer`, only that layer's. Leaves no tensors behind.
 */
export function computeActivations(tf: Tf, model: TF.LayersModel, input: ArrayLike<number>, opts: ActivationOptions = {}): Activations {
  const inputShape = inputShapeOf(model);
  if (input.length !== product(inputShape)) {
    throw new WorkerError('BAD_MESSAGE', `the input has ${input.length} values but the model expects [${inputShape.join(', ')}] = ${product(inputShape)}`);
  }
  let layers = innerLayers(model);
  if (opts.layer !== undefined) {
    const one = layers.find((l) => l.name === opts.layer);
    if (!one) throw new WorkerError('BAD_CONFIG', `the model has no layer '${opts.layer}' (its layers: ${layers.map((l) => l.name).join(', ')})`);
    layers = [one];
  }
  const budget = new Budget(opts.limits ?? { tensor: MAX_TENSOR_VALUES, answer: MAX_ANSWER_VALUES });
  const outputs = opts.outputs === false ? [] : tf.tidy(() => {
    const x = tf.tensor(Array.from(input), [1, ...inputShape], 'float32');
    const y = featureModel(tf, model, layers).predict(x);
    return Array.isArray(y) ? y : [y as TF.Tensor];
  });
  const result: LayerActivation[] = [];
  try {
    outputs.forEach((t, i) => {
      const shape = t.shape.slice(1);
      const window = windowOf(layers[i]);
      result.push({ name: layers[i].name, type: layers[i].getClassName(), ...budget.take(layers[i].name, t.dataSync(), shape), ...(window ? { window } : {}) });
    });
  } finally {
    tf.dispose(outputs);
  }
  const kernels: LayerKernel[] = [];
  for (const l of opts.kernels === false ? [] : layers) {
    for (const w of l.weights) {
      // kernel, depthwise_kernel, pointwise_kernel: the learned filters and matrices (not biases or statistics).
      if (!/kernel$/.test(w.originalName)) continue;
      const data = w.read().dataSync();
      kernels.push({ layer: l.name, name: w.originalName, ...budget.take(w.originalName, data, w.shape as number[]) });
    }
  }
  return { layers: result, kernels, notes: budget.notes };
}

/** The last model loaded for inspection, reloaded when its files change (a run still training). */
let loaded: { dir: string; stamp: string; model: TF.LayersModel } | null = null;

function stampOf(dir: string): string {
  try {
    return [MODEL_FILE, WEIGHTS_FILE].map((f) => statSync(join(dir, f)).mtimeMs).join('/');
  } catch {
    return ''; // missing files: loadModel says which
  }
}

/** The saved model in `dir`, loaded once per version of its files. */
export async function modelToInspect(tf: Tf, dir: string): Promise<TF.LayersModel> {
  const stamp = stampOf(dir);
  if (loaded && loaded.dir === dir && loaded.stamp === stamp && stamp) return loaded.model;
  const model = await loadModel(tf, dir);
  loaded?.model.dispose();
  loaded = { dir, stamp, model };
  return model;
}
