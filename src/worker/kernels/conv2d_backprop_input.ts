// Faster Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm's own kernel is plain C++
// loops (about 40% of a LeNet-5 training step); the same sums can run on XNNPACK:
// - stride 1: dx = conv2d(dy padded by (K-1-pad), filter flipped in space with in/out channels
//   swapped), "full" correlation:
//     dx[n,i,j,ci] = sum_{kh,kw,co} dy[n, i+pt-kh, j+pl-kw, co] * W[kh,kw,ci,co]
// - a filter covering the whole (unpadded) input, one output pixel (LeNet's C5): dx = dy . W^T,
//   a matrix product.
// Anything else (strides > 1 with several output pixels, NCHW, paddings wider than the filter)
// goes to tfjs's own kernel, unchanged.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { WasmOps, type ExplicitPad, type Tf, type WasmBackendLike } from './wasm_ops';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | ExplicitPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  let ops: WasmOps | undefined;
  const fallback: KernelFunc = stock.kernelFunc;
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The stock kernel's setup binds its C++ function; keep it for the fallback path.
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const b = args.backend as unknown as WasmBackendLike;
      if (!ops || ops.backend !== b) ops = new WasmOps(tf, b);
      const { dy, filter } = args.inputs;
      const fast = dy && filter ? conv2dBackpropInputFast(tf, ops, dy, filter, args.attrs as unknown as Attrs) : undefined;
      return fast ?? fallback(args);
    },
  };
}

/** Returns dx, or undefined when the case is not one the fast paths cover. */
export function conv2dBackpropInputFast(tf: Tf, ops: WasmOps, dy: TensorInfo, filter: TensorInfo, attrs: Attrs): TensorInfo | undefined {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW } = info;
  const { top: pt, left: pl, bottom: pb, right: pr } = info.padInfo;
  if (dy.shape[1] !== OH || dy.shape[2] !== OW) return undefined;

  if (OH === 1 && OW === 1 && KH === H && KW === W && pt === 0 && pl === 0 && pb === 0 && pr === 0) {
    // One output pixel that saw the whole input: dx[n, (h,w,ci)] = sum_co dy[n,co] W[(h,w,ci),co].
    const wT = ops.transpose({ ...filter, shape: [KH * KW * C, CO] }, [1, 0]);
    const out = ops.matMul({ ...dy, shape: [1, N, CO] }, { ...wT, shape: [1, CO, KH * KW * C] }); // [1, N, KH*KW*C]
    ops.dispose(wT);
    return { ...out, shape: [N, H, W, C] };
  }

  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  const top = KH - 1 - pt, left = KW - 1 - pl;
  const bottom = H - OH + pt, right = W - OW + pl; // = K - 1 - (forward bottom/right padding)
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  const flipped = ops.reverse(filter, [0, 1]);
  const swapped = ops.transpose(flipped, [0, 1, 3, 2]); // [KH, KW, CO, C]
  ops.dispose(flipped);
  const dx = ops.conv2d(dy, swapped, [1, 1], [1, 1], [[0, 0], [top, bottom], [left, right], [0, 0]]);
  ops.dispose(swapped);
  return dx;
}
