// Activation layers: shape-preserving, no params. One definition per layer type: see
// ./definition.ts for what each part means.
import { keepShape, type LayerDefinition } from './definition';

export const ReLU: LayerDefinition<'ReLU'> = {
  description: 'ReLU activation layer (optionally capped at maxValue). No params.',
  keras: { positional: ['max_value', 'negative_slope', 'threshold'], h5: null },
  tfjs: ['reLU'],
  build: (tf, l, { base }) => tf.layers.reLU({ ...base, maxValue: l.maxValue }),
  infer: (c, l, input) => {
    c.num('maxValue', l.maxValue, 0);
    return { out: input.slice() };
  },
  fields: {
    maxValue: { kind: 'nonNegNumber', description: 'Upper limit of the output (ReLU6: 6). Default: none. Keras: max_value.' },
  },
};

export const LeakyReLU: LayerDefinition<'LeakyReLU'> = {
  description: 'Leaky ReLU activation layer: x for x >= 0, alpha * x below. No params.',
  keras: { positional: ['negative_slope'], h5: null }, // Keras 2 called it alpha: same meaning
  tfjs: ['leakyReLU'],
  build: (tf, l, { base }) => tf.layers.leakyReLU({ ...base, alpha: l.alpha ?? 0.3 }),
  infer: (c, l, input) => {
    c.num('alpha', l.alpha);
    return { out: input.slice() };
  },
  fields: {
    alpha: { kind: 'number', description: 'Slope below zero. Default 0.3. Keras 3: negative_slope.' },
  },
};

export const ELU: LayerDefinition<'ELU'> = {
  description: 'ELU activation layer. No params.',
  keras: { positional: ['alpha'], h5: null },
  tfjs: ['elu'],
  build: (tf, l, { base }) => tf.layers.elu({ ...base, alpha: l.alpha ?? 1 }),
  infer: (c, l, input) => {
    c.num('alpha', l.alpha);
    return { out: input.slice() };
  },
  fields: {
    alpha: { kind: 'number', description: 'Scale of the negative part. Default 1.' },
  },
};

export const Softmax: LayerDefinition<'Softmax'> = {
  description: 'Softmax over the last axis. No params.',
  keras: { positional: ['axis'], h5: null },
  tfjs: ['softmax'],
  build: (tf, _l, { base }) => tf.layers.softmax({ ...base, axis: -1 }),
  infer: keepShape,
  fields: {},
};
