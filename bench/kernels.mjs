// Per-kernel profile of one LeNet-5 training step (batch 64, SGD 0.01) on the wasm backend.
// Usage: node --import tsx bench/kernels.mjs [--stock] [--fast-step] [--steps N] [--batch N] [--json]
//   --stock      only the missing Conv2DBackpropFilter kernel, none of the speed-ups
//   --fast-step  our one-thread train step (no input gradient) instead of model.trainOnBatch
// Benchmark, not a test: numbers depend on machine load (it prints `uptime`'s load average).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const stock = args.includes('--stock');
const steps = Number(args[args.indexOf('--steps') + 1]) || 50;
const B = args.includes('--batch') ? Number(args[args.indexOf('--batch') + 1]) : 64;
const kernels = await import('../src/worker/kernels/index.ts');
const { buildModel } = await import('../src/worker/buildModel.ts');
const { LENET5 } = await import('../src/model/lenet.ts');

setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
if (stock) kernels.registerWasmKernels(tf, { fast: false });
else kernels.registerWasmKernels(tf);
await tf.setBackend('wasm');

// The seed's LeNet-5 as the engine builds it.
const model = buildModel(tf, LENET5, { seed: 1 });
const optimizer = tf.train.sgd(0.01);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const x = tf.randomUniform([B, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32', 2), 10);
let step = () => model.trainOnBatch(x, y);
if (args.includes('--fast-step')) {
  const { fastTrainStep } = await import('../src/worker/parallel/fast_step.ts');
  const s = fastTrainStep(tf, model, optimizer, [28, 28, 1], 10);
  const batch = { images: x.dataSync(), labels: Uint8Array.from(y.argMax(-1).dataSync()), size: B };
  step = async () => s.run(batch);
}

for (let i = 0; i < 5; i++) await step();
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) await step();
const msPerStep = (performance.now() - t0) / steps;
const c1 = process.cpuUsage(c0);
const cpuMsPerStep = (c1.user + c1.system) / 1000 / steps;

// Several profiled steps; per kernel the fastest one, which filters out time this process spent
// preempted when other work shares the cores.
const byKernel = new Map();
for (let rep = 0; rep < 7; rep++) {
  const prof = await tf.profile(step);
  const sums = new Map();
  for (const k of prof.kernels) {
    const shape = k.inputShapes.map((s) => `[${s}]`).join(' ');
    const key = k.name === 'Conv2DBackpropInput' || k.name === 'Conv2DBackpropFilter' || k.name === 'FusedConv2D' || k.name === 'Tanh'
      ? `${k.name} ${shape}` : k.name;
    const e = sums.get(key) ?? { ms: 0, n: 0 };
    e.ms += k.kernelTimeMs;
    e.n++;
    sums.set(key, e);
  }
  for (const [key, e] of sums) {
    const best = byKernel.get(key);
    if (!best || e.ms < best.ms) byKernel.set(key, e);
  }
}
// customGrad wrappers ('...__op', our 'forward') contain kernels listed separately: not counted twice.
const total = [...byKernel.entries()].filter(([k]) => !k.endsWith('__op') && k !== 'forward').reduce((a, [, e]) => a + e.ms, 0);
const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
if (args.includes('--json')) {
  console.log(JSON.stringify({ stock, msPerStep, cpuMsPerStep, kernelTotalMs: total, kernels: Object.fromEntries(rows.map(([k, e]) => [k, e.ms])), load: loadavg() }));
} else {
  console.log(`wasm ${stock ? '(Conv2DBackpropFilter kernel only)' : '(fast kernels)'}: ${msPerStep.toFixed(1)} ms/step wall, ${cpuMsPerStep.toFixed(1)} ms/step CPU, over ${steps} steps of ${B} (${args.includes('--fast-step') ? 'fast step' : 'trainOnBatch'}); load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`kernels of one step (each kernel's best of 7 profiled steps): sum ${total.toFixed(1)} ms`);
  for (const [k, e] of rows.slice(0, 25)) console.log(`${e.ms.toFixed(2).padStart(8)} ms ${(100 * e.ms / total).toFixed(1).padStart(5)}%  x${e.n}  ${k}`);
}
tf.dispose([x, y]);
model.dispose();
