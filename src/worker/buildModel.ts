// Builds a tfjs LayersModel from a ModelSpec with Keras's defaults (glorot-uniform kernels, zero
// biases, Keras's layer names). tfjs is passed in by the caller (the worker owns the instance and
// its backend), so this module only imports types from it.
import type * as TF from '@tensorflow/tfjs';
import { formatShape, inferModel, type InferResult, type LayerInfo } from '../model/infer';
import type { LayerSpec, LayerType, ModelSpec } from '../model/spec';
import { LAYERS, type BuildContext, type LayerBuilder } from '../model/layers';
import { UserError } from '../shared/errors';
import { isRandomAugmentation, LAYER_TYPES } from '../model/vocab';

type Tf = typeof TF;

/** Every spec layer type the builder turns into a tfjs layer (InputLayer sets the input shape). */
export const TRAINABLE_LAYER_TYPES: ReadonlySet<LayerType> = new Set<LayerType>(
  LAYER_TYPES.filter((t) => LAYERS[t].build !== null),
);

/** Above this the worker would run out of memory long before training anything useful. */
export const MAX_TRAINABLE_PARAMS = 50_000_000;

/** tfjs names weights "<layer>/kernel" and accepts only these characters. */
const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

export class UntrainableModelError extends UserError<'MODEL'> {
  constructor(message: string) {
    super('MODEL', message);
    this.name = 'UntrainableModelError';
  }
}

export interface TrainableCheck {
  /** The dataset's image shape without the batch axis, e.g. [28, 28, 1]. */
  inputShape?: number[];
  /** Number of classes the labels have; the model must end in (None, classes). */
  classes?: number;
}

/**
 * Throws a clear error (ShapeError or UntrainableModelError) for a spec tfjs cannot build or
 * that cannot be trained on the given data; returns the inference otherwise.
 */
export function assertTrainable(spec: ModelSpec, check: TrainableCheck = {}): InferResult {
  spec.layers.forEach((l, i) => {
    if (isRandomAugmentation(l.type)) {
      throw new UntrainableModelError(
        `layer ${i + 1} (${l.name ?? l.type}): ${l.type} is a Keras training-time augmentation that TensorFlow.js does not have, so the trainer cannot build it; remove it to train here (it is identity at inference, so the summary does not change)`,
      );
    }
    if (l.type === 'ELU' && l.alpha !== undefined && l.alpha !== 1) {
      throw new UntrainableModelError(
        `layer ${i + 1} (${l.name ?? l.type}): TensorFlow.js's ELU supports only alpha 1, got ${l.alpha}; use alpha 1 (the default) to train here`,
      );
    }
    if (l.type === 'DepthwiseConv2D' && l.dilationRate && (l.dilationRate[0] !== 1 || l.dilationRate[1] !== 1)) {
      // tfjs 4.22's DepthwiseConv2D ignores the dilation in its output shape (Keras does not).
      throw new UntrainableModelError(
        `layer ${i + 1} (${l.name ?? l.type}): the trainer cannot build a DepthwiseConv2D with dilation ${l.dilationRate.join('x')} (TensorFlow.js computes its shape wrongly); use dilation 1`,
      );
    }
    if (!TRAINABLE_LAYER_TYPES.has(l.type)) {
      throw new UntrainableModelError(
        `layer ${i + 1} (${l.name ?? l.type}): the trainer cannot build ${l.type} layers; supported: ${[...TRAINABLE_LAYER_TYPES].join(', ')}`,
      );
    }
  });
  const r = inferModel(spec);
  if (r.layers.length === 0) {
    throw new UntrainableModelError('the model has no layers to train; add at least one layer after the input');
  }
  for (const l of r.layers) {
    if (!TFJS_NAME.test(l.name)) {
      throw new UntrainableModelError(
        `layer name '${l.name}' cannot be used by TensorFlow.js: use letters, digits, '_', '-' or '.', starting with a letter or digit`,
      );
    }
    if (l.outputShape.slice(1).some((d) => d === null)) {
      throw new UntrainableModelError(`${l.name}: output shape ${formatShape(l.outputShape)} is not fully known`);
    }
  }
  if (r.totalParams > MAX_TRAINABLE_PARAMS) {
    throw new UntrainableModelError(
      `the model has ${r.totalParams.toLocaleString('en-US')} parameters, more than the ${MAX_TRAINABLE_PARAMS.toLocaleString('en-US')} this trainer accepts; use fewer filters or units`,
    );
  }
  if (check.inputShape) {
    const want = formatShape([null, ...check.inputShape]);
    const have = formatShape(r.inputShape);
    if (want !== have) {
      throw new UntrainableModelError(`the model expects input ${have} but the dataset's images are ${want}; set the model's inputShape to [${check.inputShape.join(', ')}]`);
    }
  }
  if (check.classes !== undefined) {
    const last = r.layers[r.layers.length - 1];
    const out = last.outputShape;
    if (out.length !== 2 || out[1] !== check.classes) {
      throw new UntrainableModelError(
        `the last layer ${last.name} outputs ${formatShape(out)} but the labels have ${check.classes} classes; end the model with a Flatten and Dense(${check.classes}, activation 'softmax')`,
      );
    }
  }
  return r;
}

export interface BuildOptions {
  /** Seeds every random initializer (layer i uses seed + i), so the same spec builds the same weights. */
  seed?: number;
}

/**
 * Builds the Sequential model for `spec`. Layer names are the inferred ones (explicit or Keras
 * defaults), so tfjs's summary and ours agree. Throws what assertTrainable throws.
 */
export function buildModel(tf: Tf, spec: ModelSpec, opts: BuildOptions = {}): TF.LayersModel {
  const r = assertTrainable(spec);
  assertGradients(tf, spec);
  const model = tf.sequential({ name: r.name });
  const byIndex = new Map(r.layers.map((l) => [l.index, l]));
  let first = true;
  try {
    spec.layers.forEach((spec, i) => {
      const info = byIndex.get(i);
      if (!info) return; // the leading InputLayer: its shape goes to the first real layer
      const seed = opts.seed === undefined ? undefined : opts.seed + i;
      const base = { name: info.name, ...(first ? { inputShape: r.inputShape.slice(1) as number[] } : {}) };
      first = false;
      const layer = makeLayer(tf, spec, info, base, seed);
      try {
        model.add(layer);
      } catch (e) {
        // Not part of the model yet, so model.dispose() would not free the weights it built.
        try { layer.dispose(); } catch { /* it built nothing */ }
        throw e;
      }
    });
    // Our inference is what users see in the summary and hovers: refuse to train a model that
    // tfjs shapes differently (a bug here, never the user's mistake).
    model.layers.forEach((layer, i) => {
      const ours = formatShape(r.layers[i].outputShape);
      const theirs = formatShape(layer.outputShape as (number | null)[]);
      if (ours !== theirs) throw new Error(`internal error: ${layer.name} is ${theirs} in TensorFlow.js but ${ours} in LeNet Lab's inference`);
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Refuses, before training starts, a model whose gradients the active backend cannot compute. */
function assertGradients(tf: Tf, spec: ModelSpec): void {
  const backend = tf.getBackend();
  spec.layers.forEach((l, i) => {
    const missing = (LAYERS[l.type].gradientKernels ?? []).filter((k) => !tf.getKernel(k, backend));
    if (missing.length > 0) {
      throw new UntrainableModelError(
        `layer ${i + 1} (${l.name ?? l.type}): the ${backend} backend of TensorFlow.js cannot train ${l.type} layers (it has no ${missing[0]} kernel); choose the cpu backend (slower) or use Conv2D instead`,
      );
    }
  });
}

function makeLayer(tf: Tf, l: LayerSpec, info: LayerInfo, base: BuildContext['base'], seed: number | undefined): TF.layers.Layer {
  const build = LAYERS[l.type].build as LayerBuilder<LayerSpec> | null;
  // Random augmentation layers have none: assertTrainable refused them already.
  if (!build) throw new UntrainableModelError(`${base.name}: the trainer cannot build ${l.type} layers`);
  return build(tf, l, {
    base,
    inputShape: info.inputShape,
    known: info.outputShape.slice(1) as number[],
    seed,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: tf.initializers.zeros(),
  });
}
