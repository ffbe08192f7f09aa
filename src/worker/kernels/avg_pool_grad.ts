// AvgPoolGrad for the wasm backend when the pooling windows tile the input without overlap or
// padding (stride == pool size, 'valid'), as in LeNet's S2/S4: each dy value spreads evenly over
// its own window, one streaming pass. tfjs-wasm's kernel walks every window of every input pixel
// (about 2 ms per LeNet step; this is about 0.2 ms). Other cases use tfjs's kernel.
import type { KernelConfig } from '@tensorflow/tfjs';
import { WasmOps, type Tf, type WasmBackendLike } from './wasm_ops';

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function avgPoolGradConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  let ops: WasmOps | undefined;
  return {
    kernelName: 'AvgPoolGrad',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs;
      const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as Attrs;
      if (!dy || !input || dy.dtype !== 'float32' || input.shape.length !== 4) return stock.kernelFunc(args);
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
      const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
      const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, padInfo } = info;
      const tiles = sh === KH && sw === KW && padInfo.top === 0 && padInfo.left === 0 &&
        OH * KH <= H && OW * KW <= W && dy.shape[1] === OH && dy.shape[2] === OW && dy.shape[3] === C;
      if (!tiles) return stock.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackendLike;
      if (!ops || ops.backend !== backend) ops = new WasmOps(tf, backend);
      const out = backend.makeOutput(input.shape.slice(), 'float32');
      const dx = ops.view(out);
      const g = ops.view(dy);
      const k = 1 / (KH * KW);
      // Rows/columns past the last full window got no gradient.
      if (OH * KH < H || OW * KW < W) dx.fill(0);
      const rowLen = W * C;
      for (let n = 0; n < N; n++) {
        for (let oh = 0; oh < OH; oh++) {
          // Spread one row of dy over the first row of its windows, then copy that row to the
          // window's other rows (a memcpy): only 1/KH of dx is written element by element.
          const first = (n * H + oh * KH) * rowLen;
          let d = first;
          let g0 = (n * OH + oh) * OW * C;
          for (let ow = 0; ow < OW; ow++, g0 += C) {
            for (let j = 0; j < KW; j++) {
              for (let c = 0; c < C; c++) dx[d++] = g[g0 + c] * k;
            }
          }
          for (let i = 1; i < KH; i++) dx.copyWithin(first + i * rowLen, first, first + rowLen);
        }
      }
      return out;
    },
  };
}
