// Input, dense and activation layers. One definition per layer type: see ./definition.ts for what
// each part means.
import { tfActivation, KERAS_DEFAULTS as D, type LayerDefinition, type LayerShape } from './definition';
import { kernelAndBiasDefaults } from './kerasConfig';
import { formatCount, product, type LayerCheck, type Shape } from '../shapeCheck';
import type { DenseSpec, FlattenSpec } from '../spec';

export const InputLayer: LayerDefinition<'InputLayer'> = {
  description: 'Declares the input shape (Keras Input). Only as the first layer; it is not a row of the summary.',
  keras: { positional: ['input_shape'], h5: null }, // model_config's InputLayer is the model's input shape
  tfjs: ['inputLayer'],
  build: () => {
    // buildModel turns a leading InputLayer into the first layer's input shape; inference refuses any other.
    throw new Error('an InputLayer can only be the first layer');
  },
  infer: (c) => c.fail('an InputLayer can only be the first layer of a Sequential model'),
  aliases: ['Input'],
  fields: {
    shape: { kind: 'shape', required: true, description: 'Input shape without the batch axis, e.g. [28, 28, 1] for MNIST (height, width, channels).' },
  },
};

export const Dense: LayerDefinition<'Dense'> = {
  description: 'Fully connected layer on the last axis (Keras Dense). Params C x units (+ units with bias).',
  keras: {
    positional: ['units', 'activation', 'use_bias'],
    h5: {
      weights: ['kernel', 'bias'],
      write: (l) => ({ units: l.units, activation: l.activation ?? D.activation, use_bias: l.useBias ?? D.useBias, ...kernelAndBiasDefaults() }),
      read: (r) => ({ type: 'Dense', units: r.posInt('units'), activation: r.activation('activation', D.activation), ...r.useBias() }),
    },
  },
  tfjs: ['dense'],
  build: (tf, l, { base, kernelInitializer, biasInitializer }) =>
    tf.layers.dense({
      ...base,
      units: l.units,
      activation: tfActivation(l.activation),
      useBias: l.useBias ?? D.useBias,
      kernelInitializer,
      biasInitializer,
    }),
  infer: dense,
  fields: {
    units: { kind: 'posInt', required: true, description: 'Number of output units.' },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none); 'softmax' for the class probabilities." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per unit. Default true. Keras: use_bias.' },
  },
};

export const Activation: LayerDefinition<'Activation'> = {
  description: 'Applies an activation function. No params.',
  keras: {
    positional: ['activation'],
    h5: { weights: [], write: (l) => ({ activation: l.activation }), read: (r) => ({ type: 'Activation', activation: r.activation() }) },
  },
  tfjs: ['activation'],
  build: (tf, l, { base }) => tf.layers.activation({ ...base, activation: tfActivation(l.activation) ?? 'linear' }),
  infer: (c, l, input) => {
    c.activation(l.activation, true);
    return { out: input.slice() };
  },
  fields: {
    activation: { kind: 'activation', required: true, description: 'The activation function.' },
  },
};

export const Flatten: LayerDefinition<'Flatten'> = {
  description: 'Flattens everything but the batch axis: (None, 1, 1, 120) -> (None, 120). No params.',
  keras: {
    positional: ['data_format'],
    h5: {
      weights: [],
      write: () => ({ data_format: 'channels_last' }),
      read: (r) => {
        r.channelsLast();
        return { type: 'Flatten' };
      },
    },
  },
  tfjs: ['flatten'],
  build: (tf, _l, { base, inputShape, known }) =>
    // tfjs's Flatten refuses a (None, n) input (min rank 3) where Keras passes it through;
    // a Reshape to (n) is the same operation.
    inputShape.length === 2 ? tf.layers.reshape({ ...base, targetShape: known }) : tf.layers.flatten(base),
  infer: flatten,
  fields: {},
};

function dense(c: LayerCheck, l: DenseSpec, input: Shape) {
  const units = c.posInt('units', l.units);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  // Keras's Dense works on the last axis of any input with rank >= 2 (batch included).
  const cin = c.knownLast('Dense', input);
  const params = cin * units + (useBias ? units : 0);
  const formula = `${cin}x${units}${useBias ? ` + ${units}` : ''} = ${formatCount(params)}`;
  return { out: [...input.slice(0, -1), units], params, trainable: params, formula };
}

function flatten(_c: LayerCheck, _l: FlattenSpec, input: Shape): LayerShape {
  const dims = input.slice(1);
  // An unknown dimension makes the flattened size unknown (Keras prints None).
  return { out: [null, dims.some((d) => d === null) ? null : product(dims as number[])] };
}
