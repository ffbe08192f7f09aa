// Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 ships none, so training any
// conv net on wasm throws). The filter gradient is itself a convolution, run on XNNPACK:
//   dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*sh+kh-pt, ow*sw+kw-pl, ci] * dy[n,oh,ow,co]
// = conv2d(input  = x  as [Cin, H, W, N]       (batch Cin, channels N),
//          filter = dy as [OH, OW, N, Cout]     (dilated by the forward stride),
//          stride 1, padding top/left = forward padding)  -> [Cin, KH, KW, Cout]
// transposed back to [KH, KW, Cin, Cout]. Cases the convolution cannot express fall back to a
// plain loop that is slow but exact.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { WasmOps, type ExplicitPad, type Tf, type WasmBackendLike } from './wasm_ops';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | ExplicitPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterConfig(tf: Tf): KernelConfig {
  let ops: WasmOps | undefined;
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackendLike;
      if (!ops || ops.backend !== b) ops = new WasmOps(tf, b);
      const { x, dy } = inputs;
      if (!x || !dy) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
      return conv2dBackpropFilter(tf, ops, x, dy, attrs as unknown as Attrs);
    },
  };
}

export function conv2dBackpropFilter(tf: Tf, ops: WasmOps, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const fmt = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, fmt);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  // Bottom/right padding that makes the gradient convolution produce exactly KH x KW outputs.
  // Negative means the forward pass never read the last rows/columns of x: crop them instead.
  const pb = KH - H - pt + (OH - 1) * sh;
  const pr = KW - W - pl + (OW - 1) * sw;
  const keepH = H + Math.min(0, pb);
  const keepW = W + Math.min(0, pr);
  const dyShapeOk = dy.shape[fmt === 'channelsLast' ? 1 : 2] === OH && dy.shape[fmt === 'channelsLast' ? 2 : 3] === OW;
  if (!dyShapeOk || keepH <= 0 || keepW <= 0 || x.dtype !== 'float32' || dy.dtype !== 'float32') {
    return conv2dBackpropFilterReference(tf, ops.backend, x, dy, attrs);
  }

  const channelsLast = fmt === 'channelsLast';
  const { batchSize: N, inChannels: C, outChannels: CO } = info;
  if (channelsLast && OH === 1 && OW === 1 && KH === H && KW === W && pt === 0 && pl === 0 && pb === 0 && pr === 0) {
    // One output pixel that saw the whole input (LeNet's C5): dW[(h,w,ci),co] = sum_n x[n,(h,w,ci)] dy[n,co].
    const xT = ops.transpose({ ...x, shape: [N, KH * KW * C] }, [1, 0]);
    const out = ops.matMul({ ...xT, shape: [1, KH * KW * C, N] }, { ...dy, shape: [1, N, CO] });
    ops.dispose(xT);
    return { ...out, shape: [KH, KW, C, CO] };
  }
  const xT = ops.transpose(x, channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0]); // [Cin, H, W, N]
  const dyT = ops.transpose(dy, channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1]); // [OH, OW, N, Cout]
  let input = xT;
  if (keepH < H || keepW < W) {
    input = ops.slice(xT, [0, 0, 0, 0], [xT.shape[0], keepH, keepW, xT.shape[3]]);
    ops.dispose(xT);
  }
  const padding: ExplicitPad = [[0, 0], [pt, Math.max(0, pb)], [pl, Math.max(0, pr)], [0, 0]];
  const g = ops.conv2d(input, dyT, [1, 1], [sh, sw], padding); // [Cin, KH, KW, Cout]
  ops.dispose(input, dyT);
  const dW = ops.transpose(g, [1, 2, 0, 3]);
  ops.dispose(g);
  return dW;
}

/** Direct loops over the definition: exact for every case the engine accepts, but slow. */
export function conv2dBackpropFilterReference(tf: Tf, backend: WasmBackendLike, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const fmt = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, fmt);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const xv = backend.readSync(x.dataId) as Float32Array;
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const last = fmt === 'channelsLast';
  // Element strides for (n, row, col, channel) in each layout.
  const xs = last ? [H * W * C, W * C, C, 1] : [C * H * W, W, 1, H * W];
  const ys = last ? [OH * OW * CO, OW * CO, CO, 1] : [CO * OH * OW, OW, 1, OH * OW];
  const out = backend.makeOutput([KH, KW, C, CO], 'float32');
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let ci = 0; ci < C; ci++) {
        for (let co = 0; co < CO; co++) {
          let s = 0;
          for (let n = 0; n < N; n++) {
            for (let oh = 0; oh < OH; oh++) {
              const r = oh * sh + kh - pt;
              if (r < 0 || r >= H) continue;
              for (let ow = 0; ow < OW; ow++) {
                const c = ow * sw + kw - pl;
                if (c < 0 || c >= W) continue;
                s += xv[n * xs[0] + r * xs[1] + c * xs[2] + ci * xs[3]] * dyv[n * ys[0] + oh * ys[1] + ow * ys[2] + co * ys[3]];
              }
            }
          }
          o[((kh * KW + kw) * C + ci) * CO + co] = s;
        }
      }
    }
  }
  return out;
}
