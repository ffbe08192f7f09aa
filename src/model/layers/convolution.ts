// Convolution layers: plain, transposed, depthwise and separable. One definition per layer type:
// see ./definition.ts for what each part means.
import { PAIR, type LayerDefinition } from './definition';

export const Conv2D: LayerDefinition<'Conv2D'> = {
  description: '2D convolution (Keras Conv2D). Output (None, H\', W\', filters); params kh x kw x C x filters (+ filters with bias).',
  trainable: true,
  aliases: ['Convolution2D'],
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
  trainable: true,
  aliases: ['Convolution2DTranspose', 'Deconvolution2D'],
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
  trainable: true,
  gradientKernels: ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
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
  trainable: true,
  gradientKernels: ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
  aliases: ['SeparableConvolution2D', 'SeparableConv'],
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
