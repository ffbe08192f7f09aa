// Pooling layers, windowed and global. One definition per layer type: see ./definition.ts for what
// each part means.
import { KERAS_DEFAULTS as D, PAIR, type BuildContext, type KerasH5Codec, type LayerDefinition, type LayerShape } from './definition';
import { x, hw, windowOut, type LayerCheck, type Shape } from '../shapeCheck';
import type { GlobalPool2DSpec, Pool2DSpec } from '../spec';

export const MaxPooling2D: LayerDefinition<'MaxPooling2D'> = {
  description: 'Max pooling over windows (Keras MaxPooling2D). No params.',
  keras: { positional: ['pool_size', 'strides', 'padding', 'data_format'], aliases: ['MaxPool2D'], h5: poolH5() },
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
  keras: { positional: ['pool_size', 'strides', 'padding', 'data_format'], aliases: ['AvgPool2D'], h5: poolH5() },
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
  keras: { positional: ['data_format', 'keepdims'], aliases: ['GlobalAvgPool2D'], h5: globalPoolH5() },
  tfjs: ['globalAveragePooling2d'],
  build: (tf, _l, { base }) => tf.layers.globalAveragePooling2d(base),
  infer: globalPool,
  fields: {},
};

export const GlobalMaxPooling2D: LayerDefinition<'GlobalMaxPooling2D'> = {
  description: 'Max over height and width: (None, H, W, C) -> (None, C). No params.',
  keras: { positional: ['data_format', 'keepdims'], aliases: ['GlobalMaxPool2D'], h5: globalPoolH5() },
  tfjs: ['globalMaxPooling2d', 'globalMaxPool2d'],
  build: (tf, _l, { base }) => tf.layers.globalMaxPooling2d(base),
  infer: globalPool,
  fields: {},
};

function pool2d(c: LayerCheck, l: Pool2DSpec, input: Shape) {
  const [ph, pw] = l.poolSize === undefined ? D.poolSize : c.pair('poolSize', l.poolSize);
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
  const poolSize: [number, number] = [...(l.poolSize ?? D.poolSize)];
  return { ...base, poolSize, strides: [...(l.strides ?? poolSize)] as [number, number], padding: l.padding ?? D.padding };
}

/** Keras's (Max|Average)Pooling2D config; strides None means the pool size. */
function poolH5(): KerasH5Codec<'MaxPooling2D' | 'AveragePooling2D'> {
  return {
    weights: [],
    write: (l) => ({
      pool_size: [...(l.poolSize ?? D.poolSize)], padding: l.padding ?? D.padding,
      strides: [...(l.strides ?? l.poolSize ?? D.poolSize)], data_format: 'channels_last',
    }),
    read: (r, type) => {
      r.channelsLast();
      const poolSize = r.pair('pool_size', D.poolSize);
      const strides = r.config.strides == null ? poolSize : r.pair('strides');
      return { type, poolSize, strides, padding: r.padding() };
    },
  };
}

function globalPoolH5(): KerasH5Codec<'GlobalAveragePooling2D' | 'GlobalMaxPooling2D'> {
  return {
    weights: [],
    write: () => ({ data_format: 'channels_last', keepdims: false }),
    read: (r, type) => {
      r.channelsLast();
      if (r.config.keepdims === true) r.fail('keepdims true is not supported');
      return { type };
    },
  };
}
