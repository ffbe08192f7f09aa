// Convolution layers: plain, transposed, depthwise and separable. One definition per layer type:
// see ./definition.ts for what each part means.
import { tfActivation, KERAS_DEFAULTS as D, PAIR, type LayerDefinition } from './definition';
import { kernelAndBiasDefaults } from './kerasConfig';
import { formatShape, formatCount, x, hw, windowOut, type LayerCheck, type Shape } from '../shapeCheck';
import type { Conv2DSpec, Conv2DTransposeSpec, DepthwiseConv2DSpec, SeparableConv2DSpec } from '../spec';

export const Conv2D: LayerDefinition<'Conv2D'> = {
  description: '2D convolution (Keras Conv2D). Output (None, H\', W\', filters); params kh x kw x C x filters (+ filters with bias).',
  keras: {
    positional: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate'],
    aliases: ['Convolution2D'],
    h5: {
      weights: ['kernel', 'bias'],
      write: (l) => ({
        filters: l.filters, kernel_size: [...l.kernelSize], strides: [...(l.strides ?? D.strides)], padding: l.padding ?? D.padding,
        data_format: 'channels_last', dilation_rate: [...(l.dilationRate ?? D.dilationRate)], groups: 1,
        activation: l.activation ?? D.activation, use_bias: l.useBias ?? D.useBias, ...kernelAndBiasDefaults(),
      }),
      read: (r) => {
        r.channelsLast();
        if (r.config.groups !== undefined && r.config.groups !== 1) r.fail('only groups 1 is supported');
        return {
          type: 'Conv2D', filters: r.posInt('filters'), kernelSize: r.pair('kernel_size'), strides: r.pair('strides', D.strides),
          padding: r.padding(), dilationRate: r.pair('dilation_rate', D.dilationRate), activation: r.activation('activation', D.activation), ...r.useBias(),
        };
      },
    },
  },
  tfjs: ['conv2d'],
  build: (tf, l, { base, kernelInitializer, biasInitializer }) =>
    tf.layers.conv2d({
      ...base,
      filters: l.filters,
      kernelSize: [...l.kernelSize],
      strides: [...(l.strides ?? D.strides)],
      padding: l.padding ?? D.padding,
      dilationRate: [...(l.dilationRate ?? D.dilationRate)],
      activation: tfActivation(l.activation),
      useBias: l.useBias ?? D.useBias,
      kernelInitializer,
      biasInitializer,
    }),
  infer: conv2d,
  fields: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' (no padding, output shrinks) or 'same' (output size = ceil(input / stride)). Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]; cannot be combined with strides > 1. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
};

export const Conv2DTranspose: LayerDefinition<'Conv2DTranspose'> = {
  description: 'Transposed convolution (Keras Conv2DTranspose). Params kh x kw x filters x C (+ filters with bias).',
  keras: { positional: ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate'], aliases: ['Convolution2DTranspose'], h5: null },
  tfjs: ['conv2dTranspose'],
  build: (tf, l, { base, kernelInitializer, biasInitializer }) =>
    tf.layers.conv2dTranspose({
      ...base,
      filters: l.filters,
      kernelSize: [...l.kernelSize],
      strides: [...(l.strides ?? D.strides)],
      padding: l.padding ?? D.padding,
      activation: tfActivation(l.activation),
      useBias: l.useBias ?? D.useBias,
      kernelInitializer,
      biasInitializer,
    }),
  infer: conv2dTranspose,
  aliases: ['Deconvolution2D'],
  fields: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    strides: { kind: 'pair', description: `Upsampling step: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' (output n x stride + max(kernel - stride, 0)) or 'same' (n x stride). Default 'valid'." },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
};

export const DepthwiseConv2D: LayerDefinition<'DepthwiseConv2D'> = {
  description: 'Depthwise convolution: C x depthMultiplier output channels. Params kh x kw x C x depthMultiplier (+ C x depthMultiplier with bias). Trains only on the cpu backend (TF.js wasm has no gradient for it).',
  keras: { positional: ['kernel_size', 'strides', 'padding', 'depth_multiplier', 'data_format', 'dilation_rate'], h5: null },
  tfjs: ['depthwiseConv2d'],
  build: (tf, l, { base, kernelInitializer, biasInitializer }) =>
    tf.layers.depthwiseConv2d({
      ...base,
      kernelSize: [...l.kernelSize],
      depthMultiplier: l.depthMultiplier ?? 1,
      strides: [...(l.strides ?? D.strides)],
      padding: l.padding ?? D.padding,
      dilationRate: [...(l.dilationRate ?? D.dilationRate)],
      activation: tfActivation(l.activation),
      useBias: l.useBias ?? D.useBias,
      depthwiseInitializer: kernelInitializer,
      biasInitializer,
    }),
  gradientKernels: ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
  infer: depthwiseConv2d,
  aliases: ['DepthwiseConv'],
  fields: {
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    depthMultiplier: { kind: 'posInt', description: 'Output channels per input channel. Default 1. Keras: depth_multiplier.' },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per output channel. Default true. Keras: use_bias.' },
  },
};

export const SeparableConv2D: LayerDefinition<'SeparableConv2D'> = {
  description: 'Depthwise then pointwise convolution. Params kh x kw x C x dm + C x dm x filters (+ filters with bias). Trains only on the cpu backend (TF.js wasm has no gradient for it).',
  keras: { positional: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'depth_multiplier'], aliases: ['SeparableConvolution2D'], h5: null },
  tfjs: ['separableConv2d'],
  build: (tf, l, { base, seed, kernelInitializer, biasInitializer }) =>
    tf.layers.separableConv2d({
      ...base,
      filters: l.filters,
      kernelSize: [...l.kernelSize],
      depthMultiplier: l.depthMultiplier ?? 1,
      strides: [...(l.strides ?? D.strides)],
      padding: l.padding ?? D.padding,
      dilationRate: [...(l.dilationRate ?? D.dilationRate)],
      activation: tfActivation(l.activation),
      useBias: l.useBias ?? D.useBias,
      depthwiseInitializer: kernelInitializer,
      // Its own seed so the pointwise kernel is not a copy of the depthwise one's random stream.
      pointwiseInitializer: tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + 100_003 }),
      biasInitializer,
    }),
  gradientKernels: ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
  infer: separableConv2d,
  aliases: ['SeparableConv'],
  fields: {
    filters: { kind: 'posInt', required: true, description: 'Number of output channels (filters).' },
    kernelSize: { kind: 'pair', required: true, description: `Kernel size: ${PAIR}. Keras: kernel_size.` },
    depthMultiplier: { kind: 'posInt', description: 'Depthwise channels per input channel. Default 1. Keras: depth_multiplier.' },
    strides: { kind: 'pair', description: `Step of the kernel: ${PAIR}. Default [1, 1].` },
    padding: { kind: 'padding', description: "'valid' or 'same'. Default 'valid'." },
    dilationRate: { kind: 'pair', description: `Dilation of the kernel: ${PAIR}. Default [1, 1]. Keras: dilation_rate.` },
    activation: { kind: 'activation', description: "Activation applied to the output. Default 'linear' (none)." },
    useBias: { kind: 'bool', description: 'Whether the layer adds a bias per filter. Default true. Keras: use_bias.' },
  },
};

/** What Conv2D, DepthwiseConv2D and SeparableConv2D share: kernel, strides, dilation, window output. */
function convWindow(c: LayerCheck, l: Conv2DSpec | DepthwiseConv2DSpec | SeparableConv2DSpec, input: Shape) {
  const [kh, kw] = c.pair('kernelSize', l.kernelSize);
  const [sh, sw] = l.strides === undefined ? D.strides : c.pair('strides', l.strides);
  const [dh, dw] = l.dilationRate === undefined ? D.dilationRate : c.pair('dilationRate', l.dilationRate);
  const padding = c.padding(l.padding);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    c.fail(`strides ${x(sh, sw)} cannot be combined with dilation ${x(dh, dw)}; Keras allows strides > 1 only with dilation 1`);
  }
  const [h, w, cin] = c.image(l.type, input);
  if (cin === null) c.fail(`${l.type} needs a known number of input channels, got ${formatShape(input)}`);
  // Dilation spreads the kernel: effective size k + (k - 1)(d - 1).
  const eh = kh + (kh - 1) * (dh - 1);
  const ew = kw + (kw - 1) * (dw - 1);
  if (padding === 'valid' && ((h !== null && eh > h) || (w !== null && ew > w))) {
    const kernel = dh > 1 || dw > 1 ? `${x(kh, kw)} kernel with dilation ${x(dh, dw)} (spans ${x(eh, ew)})` : `${x(kh, kw)} kernel`;
    c.fail(`${kernel} is larger than its ${hw(h, w)} input with padding 'valid'`);
  }
  return { kh, kw, cin, useBias, oh: windowOut(h, eh, sh, padding), ow: windowOut(w, ew, sw, padding) };
}

function conv2d(c: LayerCheck, l: Conv2DSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const weights = kh * kw * cin * filters;
  const params = weights + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${cin}x${filters}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, filters] as Shape, params, trainable: params, formula };
}

/** One depthwise kernel per input channel and multiplier: channels out = C x depthMultiplier. */
function depthwiseConv2d(c: LayerCheck, l: DepthwiseConv2DSpec, input: Shape) {
  const dm = l.depthMultiplier === undefined ? 1 : c.posInt('depthMultiplier', l.depthMultiplier);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const outC = cin * dm;
  const params = kh * kw * cin * dm + (useBias ? outC : 0);
  const formula = `${kh}x${kw}x${cin}x${dm}${useBias ? ` + ${outC}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, outC] as Shape, params, trainable: params, formula };
}

/** Depthwise (kh x kw x C x dm) then pointwise (C x dm x filters), one bias per filter. */
function separableConv2d(c: LayerCheck, l: SeparableConv2DSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const dm = l.depthMultiplier === undefined ? 1 : c.posInt('depthMultiplier', l.depthMultiplier);
  const { kh, kw, cin, useBias, oh, ow } = convWindow(c, l, input);
  const params = kh * kw * cin * dm + cin * dm * filters + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${cin}x${dm} + ${cin * dm}x${filters}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, oh, ow, filters] as Shape, params, trainable: params, formula };
}

/** Keras deconv_output_length without output_padding: valid n*s + max(k - s, 0), same n*s. */
function conv2dTranspose(c: LayerCheck, l: Conv2DTransposeSpec, input: Shape) {
  const filters = c.posInt('filters', l.filters);
  const [kh, kw] = c.pair('kernelSize', l.kernelSize);
  const [sh, sw] = l.strides === undefined ? D.strides : c.pair('strides', l.strides);
  const padding = c.padding(l.padding);
  c.activation(l.activation, false);
  const useBias = c.bool('useBias', l.useBias);
  const [h, w, cin] = c.image('Conv2DTranspose', input);
  if (cin === null) c.fail(`Conv2DTranspose needs a known number of input channels, got ${formatShape(input)}`);
  const len = (n: number | null, k: number, st: number) =>
    n === null ? null : padding === 'same' ? n * st : n * st + Math.max(k - st, 0);
  const params = kh * kw * filters * cin + (useBias ? filters : 0);
  const formula = `${kh}x${kw}x${filters}x${cin}${useBias ? ` + ${filters}` : ''} = ${formatCount(params)}`;
  return { out: [null, len(h, kh, sh), len(w, kw, sw), filters] as Shape, params, trainable: params, formula };
}
