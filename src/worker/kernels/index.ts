// Kernels we add to tfjs's wasm backend so it can train conv nets (and train them fast).
// Call registerWasmKernels(tf) once the wasm backend package is imported (before or after
// tf.setBackend('wasm')); calling it again is a no-op. Only the 'wasm' backend is touched:
// tfjs-node and cpu keep the kernels tfjs ships.
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter';
import type { Tf } from './wasm_ops';

// Marks kernel functions we registered, so a second call (or a second bundle copy of this
// module sharing the same tfjs registry) recognises them. Symbol.for is global across copies.
const OURS = Symbol.for('lenet-lab.wasm-kernel');

export function registerWasmKernels(tf: Tf): void {
  addIfMissing(tf, conv2dBackpropFilterConfig(tf));
}

/** Names of the kernels this module registered on 'wasm' (for the worker's `ready` message). */
export function registeredWasmKernels(tf: Tf): string[] {
  return ['Conv2DBackpropFilter', 'Conv2DBackpropInput'].filter((name) => isOurs(tf, name));
}

function isOurs(tf: Tf, name: string): boolean {
  const k = tf.getKernel(name, 'wasm');
  return !!k && (k.kernelFunc as unknown as Record<symbol, unknown>)[OURS] === true;
}

function mark(config: KernelConfig): KernelConfig {
  (config.kernelFunc as unknown as Record<symbol, unknown>)[OURS] = true;
  return config;
}

/** Registers a kernel tfjs lacks; keeps tfjs's own if a later version ships one. */
function addIfMissing(tf: Tf, config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm')) return;
  tf.registerKernel(mark(config));
}
