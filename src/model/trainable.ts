// Whether the trainer can build and train a model: the layer types TF.js has, names it accepts,
// known shapes, a bounded size, and (given the data) the input shape and class count. The editor
// checks a model with this before offering to train it; the worker checks again before building.
import { formatShape, inferModel, type InferResult } from './infer';
import type { LayerType, ModelSpec } from './spec';
import { LAYERS } from './layers';
import { UserError } from '../shared/errors';
import { isRandomAugmentation, LAYER_TYPES } from './vocab';

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
