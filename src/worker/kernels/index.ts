// Kernels we add to tfjs's wasm backend so it can train conv nets (and train them fast).
// Call registerWasmKernels(tf) once the wasm backend package is imported (before or after
// tf.setBackend('wasm')); calling it again is a no-op. Only the 'wasm' backend is touched:
// tfjs-node and cpu keep the kernels tfjs ships.
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter';
import { conv2dBackpropInputConfig } from './conv2d_backprop_input';
import { batchMatMulConfig } from './batch_mat_mul';
import { tanhConfig } from './tanh';
import { avgPoolGradConfig } from './avg_pool_grad';
import type { Tf } from './wasm_ops';

// Marks kernel functions we registered, so a second call (or a second bundle copy of this
// module sharing the same tfjs registry) recognises them. Symbol.for is global across copies.
const OURS = Symbol.for('lenet-lab.wasm-kernel');

export interface WasmKernelOptions {
  /** false: only add the missing Conv2DBackpropFilter, keep every tfjs kernel (for benchmarks). */
  fast?: boolean;
}

export function registerWasmKernels(tf: Tf, opts: WasmKernelOptions = {}): void {
  addIfMissing(tf, conv2dBackpropFilterConfig(tf));
  if (opts.fast === false) return;
  replace(tf, 'Conv2DBackpropInput', (stock) => conv2dBackpropInputConfig(tf, stock));
  replace(tf, 'BatchMatMul', (stock) => batchMatMulConfig(tf, stock));
  replace(tf, 'Tanh', (stock) => tanhConfig(tf, stock));
  replace(tf, 'AvgPoolGrad', (stock) => avgPoolGradConfig(tf, stock));
}

/** Names of the kernels this module registered on 'wasm' (for the worker's `ready` message). */
export function registeredWasmKernels(tf: Tf): string[] {
  return ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', 'Tanh', 'AvgPoolGrad'].filter((name) => isOurs(tf, name));
}

function isOurs(tf: Tf, name: string): boolean {
  const k = tf.getKernel(name, 'wasm');
  return !!k && (k.kernelFunc as unknown as Record<symbol, unknown>)[OURS] === true;
}

function mark(config: KernelConfig): KernelConfig {
  (config.kernelFunc as unknown as Record<symbol, unknown>)[OURS] = true;
  return config;
}

/** Swaps tfjs's wasm kernel for ours (which falls back to it); no-op if ours is already in. */
function replace(tf: Tf, name: string, make: (stock: KernelConfig) => KernelConfig): void {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) throw new Error(`The wasm backend has no '${name}' kernel; is @tensorflow/tfjs-backend-wasm 4.22.0 loaded?`);
  if (isOurs(tf, name)) return;
  const config = mark(make(stock));
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
}

/** Registers a kernel tfjs lacks; keeps tfjs's own if a later version ships one. */
function addIfMissing(tf: Tf, config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm')) return;
  tf.registerKernel(mark(config));
}
