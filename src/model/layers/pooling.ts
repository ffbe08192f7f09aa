// Pooling layers, windowed and global. One definition per layer type: see ./definition.ts for what
// each part means.
import { PAIR, type LayerDefinition } from './definition';

export const MaxPooling2D: LayerDefinition<'MaxPooling2D'> = {
  description: 'Max pooling over windows (Keras MaxPooling2D). No params.',
  trainable: true,
  aliases: ['MaxPool2D'],
  fields: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
};

export const AveragePooling2D: LayerDefinition<'AveragePooling2D'> = {
  description: 'Average pooling over windows (Keras AveragePooling2D), as in the seed LeNet-5 (S2, S4). No params.',
  trainable: true,
  aliases: ['AvgPool2D', 'AveragePool2D'],
  fields: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
};

export const GlobalAveragePooling2D: LayerDefinition<'GlobalAveragePooling2D'> = {
  description: 'Mean over height and width: (None, H, W, C) -> (None, C). No params.',
  trainable: true,
  aliases: ['GlobalAvgPool2D'],
  fields: {},
};

export const GlobalMaxPooling2D: LayerDefinition<'GlobalMaxPooling2D'> = {
  description: 'Max over height and width: (None, H, W, C) -> (None, C). No params.',
  trainable: true,
  aliases: ['GlobalMaxPool2D'],
  fields: {},
};
