// Regularization and normalization layers: active while training, shape-preserving. One definition
// per layer type: see ./definition.ts for what each part means.
import type { LayerDefinition, LayerShape } from './definition';
import { initializer } from './kerasConfig';
import { formatCount, type LayerCheck, type Shape } from '../shapeCheck';
import type { BatchNormalizationSpec } from '../spec';

export const Dropout: LayerDefinition<'Dropout'> = {
  description: 'Randomly zeroes a fraction of the inputs while training. No params.',
  keras: {
    positional: ['rate', 'noise_shape', 'seed'],
    h5: { weights: [], write: (l) => ({ rate: l.rate, noise_shape: null, seed: null }), read: (r) => ({ type: 'Dropout', rate: r.number('rate') }) },
  },
  tfjs: ['dropout'],
  build: (tf, l, { base, seed }) => tf.layers.dropout({ ...base, rate: l.rate, seed }),
  infer: (c, l, input) => {
    c.rate(l.rate);
    return { out: input.slice() };
  },
  fields: {
    rate: { kind: 'rate', required: true, description: 'Fraction of the inputs to drop while training: at least 0, less than 1.' },
  },
};

export const SpatialDropout2D: LayerDefinition<'SpatialDropout2D'> = {
  description: 'Drops whole channels (feature maps) while training. No params.',
  keras: { positional: ['rate', 'data_format'], h5: null },
  tfjs: [],
  build: (tf, l, { base, seed, known }) =>
    // Keras's SpatialDropout2D is a Dropout whose mask is shared over height and width.
    tf.layers.dropout({ ...base, rate: l.rate, seed, noiseShape: [null as unknown as number, 1, 1, known[2]] }),
  infer: (c, l, input) => {
    c.rate(l.rate);
    c.image('SpatialDropout2D', input);
    return { out: input.slice() };
  },
  fields: {
    rate: { kind: 'rate', required: true, description: 'Fraction of the channels to drop while training: at least 0, less than 1.' },
  },
};

export const GaussianNoise: LayerDefinition<'GaussianNoise'> = {
  description: 'Adds zero-mean Gaussian noise while training. No params.',
  keras: { positional: ['stddev', 'seed'], h5: null },
  tfjs: ['gaussianNoise'],
  build: (tf, l, { base }) => tf.layers.gaussianNoise({ ...base, stddev: l.stddev }),
  infer: (c, l, input) => {
    if (l.stddev === undefined) c.fail('stddev is missing');
    c.num('stddev', l.stddev, 0);
    return { out: input.slice() };
  },
  fields: {
    stddev: { kind: 'nonNegNumber', required: true, description: 'Standard deviation of the noise.' },
  },
};

export const GaussianDropout: LayerDefinition<'GaussianDropout'> = {
  description: 'Multiplies by 1-centred Gaussian noise while training. No params.',
  keras: { positional: ['rate', 'seed'], h5: null },
  tfjs: ['gaussianDropout'],
  build: (tf, l, { base }) => tf.layers.gaussianDropout({ ...base, rate: l.rate }),
  infer: (c, l, input) => {
    c.rate(l.rate);
    return { out: input.slice() };
  },
  fields: {
    rate: { kind: 'rate', required: true, description: 'Drop probability (the noise has stddev sqrt(rate / (1 - rate))).' },
  },
};

export const BatchNormalization: LayerDefinition<'BatchNormalization'> = {
  description: 'Normalizes the last axis. 4 x C params, 2 x C of them non-trainable (moving mean and variance).',
  keras: {
    positional: ['axis'],
    h5: {
      weights: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
      // The builder's settings (axis -1, momentum 0.99, epsilon 1e-3), as Keras 2.13 writes them.
      write: (_l, { input }) => ({
        axis: [input.length - 1], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
        beta_initializer: initializer('Zeros'), gamma_initializer: initializer('Ones'),
        moving_mean_initializer: initializer('Zeros'), moving_variance_initializer: initializer('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      }),
      read: () => ({ type: 'BatchNormalization' }),
    },
  },
  tfjs: ['batchNormalization'],
  build: (tf, _l, { base }) =>
    // Keras 3 defaults (axis -1, momentum 0.99, epsilon 1e-3) equal tfjs's.
    tf.layers.batchNormalization({ ...base, axis: -1 }),
  infer: batchNormalization,
  aliases: ['BatchNorm'],
  fields: {},
};

/** axis=-1: gamma and beta train, moving mean and variance do not. */
function batchNormalization(c: LayerCheck, _l: BatchNormalizationSpec, input: Shape): LayerShape {
  const ch = c.knownLast('BatchNormalization', input);
  return {
    out: input.slice(),
    params: 4 * ch,
    trainable: 2 * ch,
    formula: `4x${ch} = ${formatCount(4 * ch)} (${formatCount(2 * ch)} non-trainable)`,
  };
}
