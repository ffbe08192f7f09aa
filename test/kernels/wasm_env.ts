// Shared set-up for the kernel tests: real tfjs with the real wasm backend (SIMD build, single
// thread as tfjs uses it in Node) plus the cpu backend as the oracle.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';
import { registerWasmKernels } from '../../src/worker/kernels';

let ready: Promise<typeof tf> | undefined;

export function wasmTf(): Promise<typeof tf> {
  ready ??= (async () => {
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(dist);
    registerWasmKernels(tf);
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
    return tf;
  })();
  return ready;
}

/** Runs fn on the named backend and returns its result as a plain array (tensors disposed). */
export async function onBackend(name: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const t = fn();
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** The project's seeded PRNG (src/shared/random.ts), so failures reproduce. */
export { rng } from '../../src/shared/random';
