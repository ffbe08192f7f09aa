// Keras's random image augmentation layers: identity at inference, refused by the TF.js trainer.
// One definition per layer type: see ./definition.ts for what each part means.
import { keepShape, type LayerDefinition } from './definition';

export const RandomFlip: LayerDefinition<'RandomFlip'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['mode'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};

export const RandomRotation: LayerDefinition<'RandomRotation'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['factor'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};

export const RandomZoom: LayerDefinition<'RandomZoom'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['height_factor', 'width_factor'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};

export const RandomTranslation: LayerDefinition<'RandomTranslation'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['height_factor', 'width_factor'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};

export const RandomContrast: LayerDefinition<'RandomContrast'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['factor'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};

export const RandomBrightness: LayerDefinition<'RandomBrightness'> = {
  description: 'Keras random augmentation, active only while training: identity at inference, no params. TensorFlow.js has no such layer, so the trainer refuses models with it.',
  keras: { positional: ['factor'], h5: null },
  tfjs: [],
  build: null,
  infer: keepShape,
  fields: {},
};
