// Input, dense and activation layers. One definition per layer type: see ./definition.ts for what
// each part means.
import type { LayerDefinition } from './definition';

export const InputLayer: LayerDefinition<'InputLayer'> = {
  description: 'Declares the input shape (Keras Input). Only as the first layer; it is not a row of the summary.',
  trainable: true,
  aliases: ['Input'],
  fields: {
    shape: { kind: 'shape', required: true, description: 'Input shape without the batch axis, e.g. [28, 28, 1] for MNIST (height, width, channels).' },
  },
};

export const Dense: LayerDefinition<'Dense'> = {
  description: 'Fully connected layer on the last axis (Keras Dense). Params C x units (+ units with bias).',
  trainable: true,
  fields: {
    units: { kind: 'posInt', required: true, description: 'Number of output units.' },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none); 'softmax' for the class probabilities." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per unit. Default true. Keras: use_bias.' },
  },
};

export const Activation: LayerDefinition<'Activation'> = {
  description: 'Applies an activation function. No params.',
  trainable: true,
  fields: {
    activation: { kind: 'activation', required: true, description: 'The activation function.' },
  },
};

export const Flatten: LayerDefinition<'Flatten'> = {
  description: 'Flattens everything but the batch axis: (None, 1, 1, 120) -> (None, 120). No params.',
  trainable: true,
  fields: {},
};
