// Thin wrappers that call the wasm backend's own registered kernels (XNNPACK-backed Conv2D,
// Transpose, Reverse, Slice) from inside our kernels. Kernels must not call tf ops (that would
// record on the gradient tape and create engine-tracked tensors), so we call kernel functions
// directly on TensorInfo and free intermediates with backend.disposeData.
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';

export type Tf = typeof tfType;
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** The subset of BackendWasm our kernels use (kept structural to avoid a hard type import). */
export interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): unknown;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export class WasmOps {
  private readonly conv2dFn: KernelFunc;
  private readonly transposeFn: KernelFunc;
  private readonly reverseFn: KernelFunc;
  private readonly sliceFn: KernelFunc;
  private readonly matMulFn: KernelFunc;
  private readonly binaryFns: Record<'Add' | 'Sub' | 'Multiply', KernelFunc>;
  private readonly sigmoidFn: KernelFunc;

  constructor(
    private readonly tf: Tf,
    readonly backend: WasmBackendLike,
  ) {
    this.conv2dFn = stockKernel(tf, 'Conv2D');
    this.transposeFn = stockKernel(tf, 'Transpose');
    this.reverseFn = stockKernel(tf, 'Reverse');
    this.sliceFn = stockKernel(tf, 'Slice');
    this.matMulFn = stockKernel(tf, 'BatchMatMul');
    this.binaryFns = { Add: stockKernel(tf, 'Add'), Sub: stockKernel(tf, 'Sub'), Multiply: stockKernel(tf, 'Multiply') };
    this.sigmoidFn = stockKernel(tf, 'Sigmoid');
  }

  private call(fn: KernelFunc, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): TensorInfo {
    // The kernel registry types attrs loosely (NamedAttrMap); our callers pass well-formed attrs.
    const out = fn({ inputs, backend: this.backend as never, attrs: attrs as never });
    return Array.isArray(out) ? out[0] : out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.call(this.transposeFn, { x }, { perm });
  }

  /** NHWC convolution on XNNPACK with explicit padding (stride, dilation per axis). */
  conv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: ExplicitPad): TensorInfo {
    return this.call(this.conv2dFn, { x, filter }, {
      strides,
      pad,
      dilations,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.call(this.reverseFn, { x }, { dims });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.call(this.sliceFn, { x }, { begin, size });
  }

  /**
   * Matrix product of rank-3 a [1, M, K] and b [1, K, N]. Untransposed operands on purpose: only
   * then does tfjs-wasm's BatchMatMul use XNNPACK (with a transpose flag it runs plain loops,
   * about 10x slower).
   */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.call(this.matMulFn, { a, b }, { transposeA: false, transposeB: false });
  }

  binary(op: 'Add' | 'Sub' | 'Multiply', a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.call(this.binaryFns[op], { a, b }, {});
  }

  sigmoid(x: TensorInfo): TensorInfo {
    return this.call(this.sigmoidFn, { x }, {});
  }

  /** A float32 scalar on the wasm heap (the binary kernels broadcast it). */
  scalar(value: number): TensorInfo {
    const t = this.backend.makeOutput([], 'float32');
    this.backend.typedArrayFromHeap(t)[0] = value;
    return t;
  }

  /** Float32 view of a tensor's wasm memory. Take it after the last makeOutput: growing the
   * wasm heap detaches older views. */
  view(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  dispose(...infos: TensorInfo[]): void {
    for (const t of infos) this.backend.disposeData(t.dataId);
  }
}

function stockKernel(tf: Tf, name: string): KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) {
    throw new Error(`The wasm backend has no '${name}' kernel; is @tensorflow/tfjs-backend-wasm 4.22.0 loaded?`);
  }
  return k.kernelFunc;
}
