// Our wasm Conv2DBackpropFilter against the cpu backend's kernel (the oracle) on random shapes,
// strides, paddings and both data formats, plus LeNet-5 training steps on wasm vs cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels, registeredWasmKernels } from '../../src/worker/kernels';
import { conv2dBackpropFilterReference } from '../../src/worker/kernels/conv2d_backprop_filter';
import { LENET5 } from '../../src/model/lenet';
import { buildModel } from '../../src/worker/buildModel';
import { wasmTf, onBackend, maxAbsDiff, maxAbs, rng } from './wasm_env';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: number[]; dy: number[]; filterShape: [number, number, number, number];
  strides: [number, number]; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'ceil' | 'round';
}

function randomCase(r: () => number): Case | undefined {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const N = int(1, 5), H = int(1, 12), W = int(1, 12), C = int(1, 4), CO = int(1, 5);
  const KH = int(1, 5), KW = int(1, 5);
  const strides: [number, number] = [int(1, 3), int(1, 3)];
  const kind = int(0, 3);
  const pad: Pad = kind === 0 ? 'valid' : kind === 1 ? 'same' : kind === 2 ? int(0, 3)
    : [[0, 0], [int(0, 3), int(0, 3)], [int(0, 3), int(0, 3)], [0, 0]];
  const dataFormat = r() < 0.8 ? 'NHWC' : 'NCHW';
  const dimRoundingMode = typeof pad === 'number' ? (['floor', 'ceil', 'round'] as const)[int(0, 2)] : undefined;
  const fmt = dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst';
  const xShape = dataFormat === 'NHWC' ? [N, H, W, C] : [N, C, H, W];
  let info;
  try {
    info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], [KH, KW, C, CO], strides, 1, pad, dimRoundingMode, false, fmt);
  } catch {
    return undefined;
  }
  if (info.outHeight <= 0 || info.outWidth <= 0) return undefined;
  const dyShape = dataFormat === 'NHWC' ? [N, info.outHeight, info.outWidth, CO] : [N, CO, info.outHeight, info.outWidth];
  return { x: xShape, dy: dyShape, filterShape: [KH, KW, C, CO], strides, pad, dataFormat, dimRoundingMode };
}

function values(shape: number[], r: () => number): Float32Array {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = r() * 2 - 1;
  return v;
}

function runKernel(c: Case, xv: Float32Array, dyv: Float32Array): tf.Tensor {
  const x = tf.tensor(xv, c.x);
  const dy = tf.tensor(dyv, c.dy);
  const { x: _x, dy: _dy, ...attrs } = c;
  const out = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
  x.dispose();
  dy.dispose();
  return out;
}

test('registerWasmKernels is idempotent and marks its kernels', async () => {
  const tfw = await wasmTf();
  registerWasmKernels(tfw);
  registerWasmKernels(tfw);
  assert.ok(registeredWasmKernels(tfw).includes('Conv2DBackpropFilter'));
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.backendName, 'cpu', 'cpu kernel untouched');
});

test('Conv2DBackpropFilter on wasm matches the cpu kernel on 150 random cases', async () => {
  await wasmTf();
  const r = rng(1234);
  let done = 0, nchw = 0, strided = 0, worst = 0;
  const kinds = new Set<string>();
  while (done < 150) {
    const c = randomCase(r);
    if (!c) continue;
    const xv = values(c.x, r), dyv = values(c.dy, r);
    const ref = await onBackend('cpu', () => runKernel(c, xv, dyv));
    const before = tf.memory().numTensors;
    const got = await onBackend('wasm', () => runKernel(c, xv, dyv));
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    const err = maxAbsDiff(got, ref);
    const tol = 1e-5 * Math.max(1, maxAbs(ref));
    assert.ok(err <= tol, `case ${JSON.stringify(c)}: max abs error ${err} > ${tol}`);
    worst = Math.max(worst, err);
    done++;
    if (c.dataFormat === 'NCHW') nchw++;
    if (c.strides[0] > 1 || c.strides[1] > 1) strided++;
    kinds.add(typeof c.pad === 'string' ? c.pad : typeof c.pad);
  }
  assert.ok(nchw > 10 && strided > 50 && kinds.size === 4, `coverage: nchw ${nchw}, strided ${strided}, pads ${[...kinds]}`);
  console.log(`# Conv2DBackpropFilter wasm vs cpu: worst max abs error ${worst.toExponential(2)}`);
});

test('the loop fallback matches the cpu kernel too', async () => {
  await wasmTf();
  const r = rng(99);
  for (let i = 0; i < 20; ) {
    const c = randomCase(r);
    if (!c) continue;
    const xv = values(c.x, r), dyv = values(c.dy, r);
    const ref = await onBackend('cpu', () => runKernel(c, xv, dyv));
    const got = await onBackend('wasm', () => {
      const x = tf.tensor(xv, c.x), dy = tf.tensor(dyv, c.dy);
      const info = conv2dBackpropFilterReference(tf, tf.backend() as never, x, dy, c);
      x.dispose();
      dy.dispose();
      return tf.engine().makeTensorFromTensorInfo(info);
    });
    assert.ok(maxAbsDiff(got, ref) <= 1e-5 * Math.max(1, maxAbs(ref)), JSON.stringify(c));
    i++;
  }
});

// The seed's LeNet-5 as the engine builds it (src/model/lenet.ts through buildModel).
const lenet = () => buildModel(tf, LENET5, { seed: 1 });

test('LeNet-5 training steps on wasm equal the same steps on cpu', async () => {
  await wasmTf();
  const r = rng(7);
  const batch = 8;
  const xv = values([batch, 28, 28, 1], r).map((v) => (v + 1) / 2);
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  let initial: Float32Array[] | undefined;
  const results: Record<string, { weights: Float32Array[]; losses: number[] }> = {};
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    tf.util.assert(tf.getBackend() === backend, () => `backend ${backend} not active`);
    const model = lenet();
    if (!initial) initial = model.getWeights().map((w) => w.dataSync() as Float32Array);
    else model.setWeights(model.getWeights().map((w, i) => tf.tensor(initial![i], w.shape)));
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor4d(xv, [batch, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      const out = (await model.trainOnBatch(x, y)) as number[];
      losses.push(out[0]);
    }
    results[backend] = { weights: model.getWeights().map((w) => w.dataSync() as Float32Array), losses };
    x.dispose();
    y.dispose();
    model.dispose();
  }
  const { cpu, wasm } = results;
  assert.ok(wasm.losses.every(Number.isFinite), `wasm losses ${wasm.losses}`);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(wasm.losses[i] - cpu.losses[i]) < 1e-4, `loss ${i}: ${wasm.losses[i]} vs ${cpu.losses[i]}`);
  let moved = 0;
  for (let i = 0; i < cpu.weights.length; i++) {
    assert.ok(maxAbsDiff(wasm.weights[i], cpu.weights[i]) < 1e-5, `weight ${i} differs`);
    moved = Math.max(moved, maxAbsDiff(wasm.weights[i], initial![i]));
  }
  assert.ok(moved > 1e-4, 'training changed the weights');
});
