// Milliseconds per LeNet-5 training step (batch 64, SGD 0.01) of the fused wasm SIMD step, with
// the time of each kernel, against the one-thread tfjs step without input gradient (wasm-fast).
// Usage: node --import tsx bench/fused-step.mjs [--steps N] [--batch N] [--json]
// Benchmark, not a test: numbers depend on machine load (printed with each run); it reports the
// median of per-step wall times and the process CPU time per step.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const steps = opt('--steps', 200);
const B = opt('--batch', 64);
const { registerWasmKernels } = await import('../src/worker/kernels/index.ts');
const { buildModel } = await import('../src/worker/buildModel.ts');
const { LENET5 } = await import('../src/model/lenet.ts');
const { FusedTrainStep } = await import('../src/worker/fused/step.ts');
const { fastTrainStep } = await import('../src/worker/parallel/fast_step.ts');

setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
registerWasmKernels(tf);
await tf.setBackend('wasm');
tf.env().set('PROD', true);

const images = new Float32Array(B * 784).map(() => Math.random());
const labels = Uint8Array.from({ length: B }, (_, i) => i % 10);
const batch = { images, labels, size: B };

function measure(step, kernelTimes) {
  for (let i = 0; i < 10; i++) step.run(batch); // warm-up
  if (kernelTimes) for (const k of Object.keys(kernelTimes)) kernelTimes[k] = 0;
  const times = [];
  const load = loadavg()[0];
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step.run(batch);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  return {
    medianMs: +times[times.length >> 1].toFixed(3), minMs: +times[0].toFixed(3),
    cpuMsPerStep: +((cpu.user + cpu.system) / 1000 / steps).toFixed(3), load: [+load.toFixed(2), +loadavg()[0].toFixed(2)],
  };
}

const rows = [];
{
  const model = buildModel(tf, LENET5, { seed: 1 });
  const step = fastTrainStep(tf, model, tf.train.sgd(0.01), [28, 28, 1], 10);
  rows.push({ step: step.name, ...measure(step) });
  model.dispose();
}
{
  const model = buildModel(tf, LENET5, { seed: 1 });
  const step = new FusedTrainStep(tf, model, tf.train.sgd(0.01), [28, 28, 1], 10, B);
  rows.push({ step: step.name, ...measure(step) });
  // Per kernel: the same step with each export timed (adds a little overhead per call).
  const kernelTimes = {};
  const raw = step.net.mem.k;
  step.net.mem.k = Object.fromEntries(Object.entries(raw).map(([name, f]) => [name, typeof f !== 'function' ? f
    : (...a) => { const t0 = performance.now(); const r = f(...a); kernelTimes[name] = (kernelTimes[name] ?? 0) + performance.now() - t0; return r; }]));
  const r = measure(step, kernelTimes);
  const perStep = Object.fromEntries(Object.entries(kernelTimes).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / steps).toFixed(3)]));
  const total = Object.values(perStep).reduce((a, b) => a + b, 0);
  rows.push({ step: `${step.name} (kernels timed)`, ...r, kernelMsPerStep: perStep, jsMsPerStep: +(r.medianMs - total).toFixed(3) });
  model.dispose();
}
for (const row of rows) console.log(args.includes('--json') ? JSON.stringify(row) : `${row.step}: median ${row.medianMs} ms/step (min ${row.minMs}), CPU ${row.cpuMsPerStep} ms/step, load ${row.load.join('->')}${row.kernelMsPerStep ? `\n  kernels ms/step ${JSON.stringify(row.kernelMsPerStep)}, rest (JS, softmax, copies) ${row.jsMsPerStep}` : ''}`);
