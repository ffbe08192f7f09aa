// The training forward pass and loss for one (part of a) batch, arranged so the backward pass
// skips the gradient with respect to the input images, which nothing uses.
//
// Why: tfjs-layers runs Conv2D as tf.fused.conv2d, whose gradient is a customGrad that always
// computes dx (for LeNet's C1 a 64x28x28x1 Conv2DBackpropInput every step, about 20% of it on
// wasm). The plain tf.conv2d gradient is lazy per input, and the tape never asks for the
// gradient of the images. So a Conv2D that sits before every trainable layer (it sees only the
// images) is applied here as conv2d + bias + activation: the same numbers, less work. All other
// layers run through their own call().
import type { LayersModel, Tensor, Tensor1D, Tensor4D, Scalar } from '@tensorflow/tfjs';
import type { Tf } from '../tf';

/** The parts of a tfjs-layers Conv2D we read (public config plus its weights and activation). */
interface ConvLayerView {
  getClassName(): string;
  getConfig(): { strides?: number[]; padding?: string; dataFormat?: string; dilationRate?: number | number[]; useBias?: boolean };
  trainableWeights: Array<{ read(): Tensor }>;
  activation?: { apply(x: Tensor): Tensor };
}

/** True when no layer before this one has trainable weights: its input is the images themselves. */
function seesOnlyInput(model: LayersModel, index: number): boolean {
  for (let i = 0; i < index; i++) if (model.layers[i].trainableWeights.length > 0) return false;
  return true;
}

function applyConvWithoutInputGrad(tf: Tf, layer: ConvLayerView, x: Tensor): Tensor | null {
  const c = layer.getConfig();
  const dil = c.dilationRate ?? 1;
  const dilations = (Array.isArray(dil) ? dil : [dil, dil]) as [number, number];
  if (c.dataFormat === 'channelsFirst' || !layer.activation || dilations.some((d) => d !== 1)) return null;
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
  const strides = (c.strides ?? [1, 1]) as [number, number];
  const pad = c.padding === 'same' ? 'same' : 'valid';
  const useBias = c.useBias !== false && !!bias;
  // Forward: one fused conv + bias (XNNPACK). Backward: only the kernel and bias gradients.
  const convBias = tf.customGrad((...args: unknown[]) => {
    // customGrad appends its save() function to the inputs: only take a bias if we passed one.
    const k = args[0] as Tensor4D;
    const b = useBias ? (args[1] as Tensor1D) : undefined;
    const save = args[args.length - 1] as (ts: Tensor[]) => void;
    // x may be an intermediate (e.g. after ZeroPadding2D) that the forward scope would dispose.
    save([x]);
    const value = tf.fused.conv2d({ x: x as Tensor4D, filter: k, strides, pad, bias: b });
    const gradFunc = (dy: Tensor, saved: Tensor[]) => {
      const dk = tf.engine().runKernel('Conv2DBackpropFilter', { x: saved[0], dy },
        { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: k.shape } as never) as Tensor;
      return b ? [dk, tf.sum(dy, [0, 1, 2])] : [dk];
    };
    return { value, gradFunc };
  });
  const y = useBias ? convBias(kernel, bias) : convBias(kernel);
  return layer.activation.apply(y);
}

/** Output probabilities of a Sequential model in training mode (dropout active). */
export function trainingForward(tf: Tf, model: LayersModel, xs: Tensor): Tensor {
  let y = xs;
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'InputLayer') return;
    const view = layer as unknown as ConvLayerView;
    const direct = layer.getClassName() === 'Conv2D' && seesOnlyInput(model, i)
      ? applyConvWithoutInputGrad(tf, view, y) : null;
    y = direct ?? (layer.apply(y, { training: true }) as Tensor);
  });
  return y;
}

/** Whether trainingForward can run this model (a plain chain of single-input layers). */
export function isPlainChain(model: LayersModel): boolean {
  return model.inputs.length === 1 && model.outputs.length === 1 &&
    model.layers.every((l) => l.inboundNodes.length === 1 && l.inboundNodes[0].inboundLayers.length <= 1);
}

/**
 * Keras's categorical cross-entropy summed over this part of the batch and divided by the whole
 * batch size, so the gradients of the parts add up to the gradient of the batch mean. Returns it
 * with the number of correct predictions.
 */
export function partLoss(tf: Tf, probs: Tensor, labels: Tensor1D, numClasses: number, batchSize: number): { loss: Scalar; correct: Scalar } {
  const ys = tf.oneHot(labels, numClasses);
  const perExample = tf.metrics.categoricalCrossentropy(ys, probs);
  const loss = tf.div(tf.sum(perExample), batchSize) as Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), labels), 'float32')) as Scalar;
  return { loss, correct };
}
