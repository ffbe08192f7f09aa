// The receptive field of one output pixel: the box of input pixels that influence it, traced back
// through the chain of layers. Sliding-window layers (convolutions, pooling) widen and shift the
// box by their kernel, stride, dilation and 'same' padding; layers that keep the height and width
// (activations, batch normalization, dropout) pass it through; any other change of the spatial
// layout (upsampling, cropping, reshape) leaves the field unknown.
import type { LayerWindow } from '../src/shared/protocol';

/** Inclusive input rows top..bottom and columns left..right. */
export interface Box { top: number; left: number; bottom: number; right: number }

export interface GeometryLayer { type?: string; shape: number[]; window?: LayerWindow }

/** Sliding-window layers: without their window (an answer read from a recording) the field is unknown. */
const WINDOWED = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D', 'LocallyConnected2D']);

/** One axis back through a window: output rows a..b of a layer whose input has `size` rows. */
function back(a: number, b: number, size: number, out: number, k: number, s: number, d: number, same: boolean): [number, number] {
  const span = (k - 1) * d + 1;
  // TensorFlow's 'same': total padding so out = ceil(in / stride), the smaller half before.
  const before = same ? Math.floor(Math.max((out - 1) * s + span - size, 0) / 2) : 0;
  // Clipped at every layer: a padded position is a constant, it depends on no input.
  return [Math.max(0, a * s - before), Math.min(size - 1, b * s - before + span - 1)];
}

/**
 * The input box that output pixel (y, x) of layer `upTo` depends on; `layers` in model order with
 * their output shapes (H x W x C), `input` the model's input shape. Null when a layer on the way
 * changes the layout in a way this does not trace.
 */
export function receptiveField(layers: GeometryLayer[], input: number[], upTo: number, y: number, x: number): Box | null {
  let [top, bottom, left, right] = [y, y, x, x];
  for (let i = upTo; i >= 0; i--) {
    const out = layers[i].shape;
    const inShape = i > 0 ? layers[i - 1].shape : input;
    if (out.length !== 3 || inShape.length !== 3) return null;
    const w = layers[i].window;
    if (w) {
      [top, bottom] = back(top, bottom, inShape[0], out[0], w.kernel[0], w.strides[0], w.dilation[0], w.padding === 'same');
      [left, right] = back(left, right, inShape[1], out[1], w.kernel[1], w.strides[1], w.dilation[1], w.padding === 'same');
    } else if (WINDOWED.has(layers[i].type ?? '') || out[0] !== inShape[0] || out[1] !== inShape[1]) {
      return null;
    }
  }
  return { top, left, bottom, right };
}
