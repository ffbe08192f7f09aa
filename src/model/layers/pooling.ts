// Pooling layers, windowed and global. One definition per layer type: see ./definition.ts for what
// each part means.
import { PAIR, type BuildContext, type LayerDefinition, type LayerShape } from './definition';
import { x, hw, windowOut, type LayerCheck, type Shape } from '../shapeCheck';
import type { GlobalPool2DSpec, Pool2DSpec } from '../spec';

export const MaxPooling2D: LayerDefinition<'MaxPooling2D'> = {
  description: 'Max pooling over windows (Keras MaxPooling2D). No params.',
  keras: { positional: ['pool_size', 'strides', 'padding', 'data_format'], aliases: ['MaxPool2D'] },
  tfjs: ['maxPooling2d', 'maxPool2d'],
  build: (tf, l, { base }) => tf.layers.maxPooling2d(poolArgs(l, base)),
  infer: pool2d,
  fields: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
};

export const AveragePooling2D: LayerDefinition<'AveragePooling2D'> = {
  description: 'Average pooling over windows (Keras AveragePooling2D), as in the seed LeNet-5 (S2, S4). No params.',
  keras: { positional: ['pool_size', 'strides', 'padding', 'data_format'], aliases: ['AvgPool2D'] },
  tfjs: ['averagePooling2d', 'avgPool2d'],
  build: (tf, l, { base }) => tf.layers.averagePooling2d(poolArgs(l, base)),
  infer: pool2d,
  aliases: ['AveragePool2D'],
  fields: {
    poolSize: { kind: 'pair', default: [2, 2], description: `Window size: ${PAIR}. Default [2, 2]. Keras: pool_size.` },
    strides: { kind: 'pairOrNull', description: `Step of the window: ${PAIR}. Default (or null): the pool size.` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
  },
};

export const GlobalAveragePooling2D: LayerDefinition<'GlobalAveragePooling2D'> = {
  description: 'Mean over height and width: (None, H, W, C) -> (None, C). No params.',
  keras: { positional: ['data_format', 'keepdims'], aliases: ['GlobalAvgPool2D'] },
  tfjs: ['globalAveragePooling2d'],
  build: (tf, _l, { base }) => tf.layers.globalAveragePooling2d(base),
  infer: globalPool,
  fields: {},
};

export const GlobalMaxPooling2D: LayerDefinition<'GlobalMaxPooling2D'> = {
  description: 'Max over height and width: (None, H, W, C) -> (None, C). No params.',
  keras: { positional: ['data_format', 'keepdims'], aliases: ['GlobalMaxPool2D'] },
  tfjs: ['globalMaxPooling2d', 'globalMaxPool2d'],
  build: (tf, _l, { base }) => tf.layers.globalMaxPooling2d(base),
  infer: globalPool,
  fields: {},
};

function pool2d(c: LayerCheck, l: Pool2DSpec, input: Shape) {
  const [ph, pw] = l.poolSize === undefined ? [2, 2] : c.pair('poolSize', l.poolSize);
  // Keras: strides=None means strides = pool_size.
  const [sh, sw] = l.strides === undefined || l.strides === null ? [ph, pw] : c.pair('strides', l.strides);
  const padding = c.padding(l.padding);
  const [h, w, ch] = c.image(l.type, input);
  if (padding === 'valid' && ((h !== null && ph > h) || (w !== null && pw > w))) {
    c.fail(`${x(ph, pw)} pool is larger than its ${hw(h, w)} input with padding 'valid'`);
  }
  return { out: [null, windowOut(h, ph, sh, padding), windowOut(w, pw, sw, padding), ch] as Shape };
}

function globalPool(c: LayerCheck, l: GlobalPool2DSpec, input: Shape): LayerShape {
  const [, , ch] = c.image(l.type, input);
  return { out: [null, ch] };
}

function poolArgs(l: Pool2DSpec, base: BuildContext['base']) {
  const poolSize: [number, number] = [...(l.poolSize ?? [2, 2])];
  return { ...base, poolSize, strides: [...(l.strides ?? poolSize)] as [number, number], padding: l.padding ?? 'valid' };
}
