// The fused step's wasm SIMD kernels (c/fused.c, committed as c/fused.wasm) and a bump allocator
// over their memory. Buffers are float offsets into one Float32Array view.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type I = number;
/** The module's exports (pointers are byte offsets into its memory). */
export interface FusedExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gemm_nn(M: I, N: I, K: I, A: I, lda: I, B: I, ldb: I, C: I, ldc: I): void;
  gemm_tn(M: I, N: I, K: I, A: I, lda: I, B: I, ldb: I, C: I, ldc: I): void;
  transpose(R: I, C: I, src: I, dst: I): void;
  im2col(N: I, H: I, W: I, C: I, KH: I, KW: I, sh: I, sw: I, padT: I, padL: I, OH: I, OW: I, x: I, cols: I): void;
  col2im(N: I, H: I, W: I, C: I, KH: I, KW: I, sh: I, sw: I, padT: I, padL: I, OH: I, OW: I, cols: I, dx: I): void;
  bias_act(M: I, N: I, y: I, bias: I, act: I): void;
  act_grad(n: I, y: I, dy: I, act: I): void;
  col_sum(M: I, N: I, g: I, out: I): void;
  avgpool(N: I, H: I, W: I, C: I, PH: I, PW: I, sh: I, sw: I, OH: I, OW: I, x: I, y: I): void;
  avgpool_grad(N: I, H: I, W: I, C: I, PH: I, PW: I, sh: I, sw: I, OH: I, OW: I, dy: I, dx: I): void;
  maxpool(N: I, H: I, W: I, C: I, PH: I, PW: I, sh: I, sw: I, OH: I, OW: I, x: I, y: I, arg: I): void;
  maxpool_grad(nx: I, ny: I, dy: I, arg: I, dx: I): void;
  sgd(n: I, w: I, g: I, lr: number): void;
  momentum(n: I, w: I, g: I, acc: I, lr: number, mu: number, nesterov: I): void;
  adam(n: I, w: I, g: I, m: I, v: I, b1: number, omb1: number, b2: number, omb2: number, omab1: number, omab2: number, eps: number, nlr: number): void;
  rmsprop(n: I, w: I, g: I, ms: I, mom: I, rho: number, omrho: number, mu: number, eps: number, lr: number): void;
  dropout(n: I, x: I, y: I, mask: I, first: I, key1: I, key2: I, threshold: I, scale: number): void;
  mul_to(n: I, a: I, b: I, c: I): void;
  add_to(n: I, a: I, b: I): void;
}

/** Activation codes of fused.c. */
export const ACT = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;
export type ActName = keyof typeof ACT;

let compiled: WebAssembly.Module | undefined;

/** c/fused.wasm next to the sources, or next to the bundle in dist/. */
export function fusedWasmPath(): string {
  const candidates = [join(__dirname, 'fused.wasm'), join(__dirname, 'c', 'fused.wasm')];
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`fused.wasm not found in ${candidates.join(' or ')} (run npm run build)`);
}

function fusedModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(fusedWasmPath()));
  return compiled;
}

/** Slack after every buffer: GEMMs load whole 8-float tiles past a row's last valid column. */
const SLACK = 16;

/** One instance of the kernels with its own memory, and the buffers allocated in it. */
export class FusedMemory {
  readonly k: FusedExports;
  private top: number; // next free byte
  private view: Float32Array;

  constructor() {
    this.k = new WebAssembly.Instance(fusedModule(), {}).exports as unknown as FusedExports;
    this.top = Math.ceil((this.k.__heap_base.value as number) / 64) * 64;
    this.view = new Float32Array(this.k.memory.buffer);
  }

  /** Allocates `n` floats (zeroed: wasm memory starts zeroed and nothing is freed); returns a byte pointer. */
  alloc(n: number): number {
    const at = this.top;
    this.top += Math.ceil(((n + SLACK) * 4) / 64) * 64;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }

  /** The `n` floats at byte pointer `ptr`. */
  floats(ptr: number, n: number): Float32Array {
    return this.f32.subarray(ptr >> 2, (ptr >> 2) + n);
  }

  /** The memory as floats (refetched: growing the memory replaces its buffer). */
  get f32(): Float32Array {
    if (this.view.buffer !== this.k.memory.buffer) this.view = new Float32Array(this.k.memory.buffer);
    return this.view;
  }

  get bytes(): number {
    return this.top;
  }
}
