// Builds a tfjs LayersModel from a ModelSpec with Keras's defaults (glorot-uniform kernels, zero
// biases, Keras's layer names). tfjs is passed in by the caller (the worker owns the instance and
// its backend), so this module only imports types from it.
import type * as TF from '@tensorflow/tfjs';
import { formatShape, type LayerInfo } from '../model/infer';
import { assertTrainable, UntrainableModelError } from '../model/trainable';
import type { LayerSpec, ModelSpec } from '../model/spec';
import { LAYERS, type BuildContext, type LayerBuilder } from '../model/layers';

type Tf = typeof TF;

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
