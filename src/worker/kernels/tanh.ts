// Tanh for the wasm backend through XNNPACK's vectorised sigmoid: tanh(x) = 2*sigmoid(2x) - 1.
// tfjs-wasm's own Tanh calls scalar std::tanh per element (about 3 ms for LeNet's C1 output of
// a batch of 64; this is about 0.5 ms). Same function within float32 rounding: absolute error
// below 3e-7 (checked against the cpu kernel in test/kernels).
import type { KernelConfig } from '@tensorflow/tfjs';
import { WasmOps, type Tf, type WasmBackendLike } from './wasm_ops';

export function tanhConfig(tf: Tf, stock: KernelConfig): KernelConfig {
  let ops: WasmOps | undefined;
  return {
    kernelName: 'Tanh',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const x = args.inputs.x;
      // Small tensors: four kernel launches cost more than the scalar loop saves.
      if (!x || x.dtype !== 'float32' || sizeOf(x.shape) < 16384) return stock.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackendLike;
      if (!ops || ops.backend !== backend) ops = new WasmOps(tf, backend);
      const two = ops.scalar(2);
      const one = ops.scalar(1);
      const x2 = ops.binary('Multiply', x, two);
      const s = ops.sigmoid(x2);
      const s2 = ops.binary('Multiply', s, two);
      const y = ops.binary('Sub', s2, one);
      ops.dispose(two, one, x2, s, s2);
      return y;
    },
  };
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
