// The speed kernels we swap into the wasm backend (Conv2DBackpropInput, BatchMatMul, Tanh,
// AvgPoolGrad) against the cpu backend's kernels on random shapes, including the cases that
// must fall back to tfjs's own wasm kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { registeredWasmKernels } from '../../src/worker/kernels';
import { wasmTf, onBackend, maxAbsDiff, maxAbs, rng } from './wasm_env';

function values(shape: number[], r: () => number, scale = 1): Float32Array {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = (r() * 2 - 1) * scale;
  return v;
}

/** Runs one kernel on cpu and on wasm with the same inputs; returns the max abs error and the reference scale. */
async function compare(name: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object) {
  const run = () => {
    const ins: Record<string, tf.Tensor> = {};
    for (const [k, [v, s]] of Object.entries(inputs)) ins[k] = tf.tensor(v, s);
    const out = tf.engine().runKernel(name, ins, attrs as never) as tf.Tensor;
    tf.dispose(Object.values(ins));
    return out;
  };
  const ref = await onBackend('cpu', run);
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const got = await onBackend('wasm', run);
  assert.equal(tf.memory().numTensors, before, `${name}: no tensor leak`);
  return { err: maxAbsDiff(got, ref), scale: Math.max(1, maxAbs(ref)) };
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

test('our kernels are the ones registered on wasm', async () => {
  const tfw = await wasmTf();
  assert.deepEqual(registeredWasmKernels(tfw).sort(), ['AvgPoolGrad', 'BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Tanh']);
});

test('Conv2DBackpropInput matches cpu (fast paths and fallbacks)', async () => {
  await wasmTf();
  const r = rng(42);
  let n = 0, worst = 0;
  const cases: object[] = [
    // LeNet-5's three: C1 (same), C3 (valid), C5 (whole-input filter -> matrix product).
    { x: [4, 28, 28, 1], f: [5, 5, 1, 6], strides: 1, pad: 'same' },
    { x: [4, 14, 14, 6], f: [5, 5, 6, 16], strides: 1, pad: 'valid' },
    { x: [4, 5, 5, 16], f: [5, 5, 16, 120], strides: 1, pad: 'valid' },
    { x: [3, 5, 7, 2], f: [5, 7, 2, 3], strides: [2, 3], pad: 'valid' }, // whole input, strided
  ];
  while (cases.length < 120) {
    const H = int(r, 1, 11), W = int(r, 1, 11), K1 = int(r, 1, 5), K2 = int(r, 1, 5);
    const kind = int(r, 0, 3);
    const pad = kind === 0 ? 'valid' : kind === 1 ? 'same' : kind === 2 ? int(r, 0, 6)
      : [[0, 0], [int(r, 0, 6), int(r, 0, 6)], [int(r, 0, 6), int(r, 0, 6)], [0, 0]];
    const strides = r() < 0.7 ? 1 : [int(r, 1, 3), int(r, 1, 3)];
    cases.push({ x: [int(r, 1, 4), H, W, int(r, 1, 4)], f: [K1, K2, 0, int(r, 1, 5)], strides, pad, dimRoundingMode: typeof pad === 'number' ? 'floor' : undefined });
  }
  for (const c of cases as Array<{ x: number[]; f: number[]; strides: number | [number, number]; pad: never; dimRoundingMode?: 'floor' }>) {
    const f = [c.f[0], c.f[1], c.x[3], c.f[3]];
    let info;
    try {
      info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], f as [number, number, number, number], c.strides, 1, c.pad, c.dimRoundingMode);
    } catch { continue; }
    if (info.outHeight <= 0 || info.outWidth <= 0) continue;
    const dyShape = [c.x[0], info.outHeight, info.outWidth, f[3]];
    const { err, scale } = await compare('Conv2DBackpropInput', { dy: [values(dyShape, r), dyShape], filter: [values(f, r), f] },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x });
    assert.ok(err <= 1e-5 * scale, `case ${JSON.stringify(c)}: error ${err}`);
    worst = Math.max(worst, err);
    n++;
  }
  assert.ok(n >= 80, `only ${n} valid cases`);
  console.log(`# Conv2DBackpropInput wasm vs cpu: ${n} cases, worst max abs error ${worst.toExponential(2)}`);
});

test('BatchMatMul with transposes matches cpu', async () => {
  await wasmTf();
  const r = rng(5);
  let worst = 0;
  for (let i = 0; i < 60; i++) {
    const M = int(r, 1, 70), K = int(r, 1, 130), N = int(r, 1, 90);
    const batch = i % 3 === 0 ? int(r, 2, 3) : 1;
    const tA = r() < 0.5, tB = r() < 0.5;
    const aShape = [batch, tA ? K : M, tA ? M : K];
    const bShape = [i % 5 === 0 ? 1 : batch, tB ? N : K, tB ? K : N]; // sometimes broadcast b
    const { err, scale } = await compare('BatchMatMul', { a: [values(aShape, r), aShape], b: [values(bShape, r), bShape] },
      { transposeA: tA, transposeB: tB });
    assert.ok(err <= 1e-5 * scale, `a ${aShape} b ${bShape} tA ${tA} tB ${tB}: error ${err}`);
    worst = Math.max(worst, err / scale);
  }
  console.log(`# BatchMatMul wasm vs cpu: worst relative error ${worst.toExponential(2)}`);
});

test('Tanh matches cpu within float32 rounding, large and small inputs', async () => {
  await wasmTf();
  const r = rng(8);
  for (const [shape, scale] of [[[64, 28, 28, 6], 3], [[40000], 0.001], [[40000], 30], [[100], 2]] as const) {
    const v = values([...shape], r, scale);
    if (shape[0] === 40000) v.set([0, -0, 1e-30, -1e-8, 88, -88, 1e4, -1e4], 0);
    const { err } = await compare('Tanh', { x: [v, [...shape]] }, {});
    assert.ok(err <= 3e-7, `tanh on ${shape} x${scale}: max abs error ${err}`);
  }
  // NaN stays NaN (XNNPACK's sigmoid propagates it).
  const y = await onBackend('wasm', () => tf.tanh(tf.tensor1d(new Float32Array(20000).fill(NaN))));
  assert.ok(Number.isNaN(y[0]));
});

test('AvgPoolGrad matches cpu (tiling fast path and fallbacks)', async () => {
  await wasmTf();
  const r = rng(11);
  let n = 0;
  const cases: Array<{ x: number[]; k: [number, number]; s: [number, number]; pad: 'valid' | 'same' }> = [
    { x: [64, 28, 28, 6], k: [2, 2], s: [2, 2], pad: 'valid' },
    { x: [64, 10, 10, 16], k: [2, 2], s: [2, 2], pad: 'valid' },
    { x: [2, 7, 9, 3], k: [2, 2], s: [2, 2], pad: 'valid' }, // odd sizes: last row/column get nothing
    { x: [2, 7, 9, 3], k: [3, 2], s: [3, 2], pad: 'same' },  // padded: fallback
    { x: [2, 8, 8, 3], k: [3, 3], s: [1, 2], pad: 'valid' }, // overlapping: fallback
  ];
  for (let i = 0; i < 30; i++) {
    const k: [number, number] = [int(r, 1, 3), int(r, 1, 3)];
    const s: [number, number] = r() < 0.6 ? [k[0], k[1]] : [int(r, 1, 3), int(r, 1, 3)];
    cases.push({ x: [int(r, 1, 3), int(r, 3, 12), int(r, 3, 12), int(r, 1, 4)], k, s, pad: r() < 0.7 ? 'valid' : 'same' });
  }
  for (const c of cases) {
    const info = tf.backend_util.computePool2DInfo(c.x as [number, number, number, number], c.k, c.s, 1, c.pad);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.x[3]];
    const { err, scale } = await compare('AvgPoolGrad', { dy: [values(dyShape, r), dyShape], input: [values(c.x, r), c.x] },
      { filterSize: c.k, strides: c.s, pad: c.pad });
    assert.ok(err <= 1e-6 * scale, `case ${JSON.stringify(c)}: error ${err}`);
    n++;
  }
  assert.equal(n, cases.length);
});
