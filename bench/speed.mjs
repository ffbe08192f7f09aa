// Training speed of the wasm TrainStep variants on the real Fashion-MNIST, through the worker's
// own training loop (runTraining: shuffle, steps, validation on the 10k test set, run folder).
// Usage: node --import tsx bench/speed.mjs [--step default|fast|parallel|parallel-always|fused|fused-parallel]... [--limit N] [--seed N] [--json]
//   default: tfjs-layers' step (plus our kernels); fast: no input gradient, one thread;
//   parallel: two threads when that is faster; parallel-always: two threads always;
//   fused: the fused wasm SIMD step (src/worker/fused), one thread; fused-parallel: it on two
//   threads when that is faster.
// Benchmark, not a test: prints the load average before and after; repeat when the machine is busy.
import { loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const steps = args.flatMap((a, i) => (args[i - 1] === '--step' ? [a] : []));
if (!steps.length) steps.push('default', 'fast', 'parallel');
const limit = Number(opt('--limit', 0));
const seed = Number(opt('--seed', 1));

const { initBackend } = await import('../src/worker/backend.ts');
const { runTraining } = await import('../src/worker/train.ts');
const { defaultTrainStep } = await import('../src/worker/trainStep.ts');
const { wasmDir } = await import('../src/worker/backend.ts');
const { loadIdxFolder, DEBIAN_FASHION_MNIST_DIR, FASHION_CLASSES } = await import('../src/data/datasets.ts');
const { LENET5 } = await import('../src/model/lenet.ts');
const parallel = await import('../src/worker/parallel/index.ts');

const info = await initBackend('wasm');
const { tf } = info;
const { train, test } = await loadIdxFolder(DEBIAN_FASHION_MNIST_DIR);
const data = { name: 'fashion-mnist', source: DEBIAN_FASHION_MNIST_DIR, classes: [...FASHION_CLASSES], train, test };

let wanted = 'default';
let made;
const createStep = async (ctx) => {
  if (wanted === 'default') return (made = defaultTrainStep(ctx));
  if (wanted.startsWith('fused')) {
    return (made = await parallel.createWasmTrainStep(ctx, { fused: true, threads: wanted === 'fused' ? 1 : 2, wasmDir: wasmDir() }));
  }
  const split = wanted.startsWith('parallel');
  return (made = await parallel.createWasmTrainStep(ctx, { threads: split ? 2 : 1, adaptive: wanted !== 'parallel-always', wasmDir: wasmDir(), profile: true }));
};

const out = mkdtempSync(join(tmpdir(), 'lenet-bench-'));
const results = [];
for (const name of steps) {
  wanted = name;
  const config = {
    dataset: 'fashion-mnist', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'wasm',
    seed, limit, outDir: out, cacheDir: out,
  };
  const loadBefore = loadavg()[0];
  let epochEnd;
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runTraining({ tf, backend: 'wasm', versions: info.versions, createStep, emit: (e) => { if (e.type === 'epochEnd') epochEnd = e; }, stopRequested: () => false },
    config, data, LENET5, { layers: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 });
  const total = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  r.model.dispose();
  const row = {
    step: name, seconds: +epochEnd.seconds.toFixed(2), total: +total.toFixed(2), cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), samplesPerSecond: Math.round(epochEnd.samplesPerSecond),
    loss: +epochEnd.loss.toFixed(4), acc: +epochEnd.acc.toFixed(4), val_acc: +epochEnd.val_acc.toFixed(4), val_loss: +epochEnd.val_loss.toFixed(4),
    numTensors: [tensorsBefore, tf.memory().numTensors], load: [+loadBefore.toFixed(2), +loadavg()[0].toFixed(2)],
    rssMB: Math.round(process.memoryUsage().rss / 1e6), stepsSplit: made.chooser?.counts,
    threadShare: made.threadShare,
    phasesMs: made.profile && Object.fromEntries(Object.entries(made.profile.main).map(([k, v]) => [k, Math.round(v)])),
    threadPhasesMs: made.profile && Object.fromEntries(Object.entries(made.profile.thread).map(([k, v]) => [k, Math.round(v)])),
  };
  results.push(row);
  const expected = { fused: 'wasm-fused', 'fused-parallel': 'wasm-fused-2-threads' }[name];
  if (expected && made.name !== expected) throw new Error(`asked for ${name}, ran ${made.name}`);
  console.log(args.includes('--json') ? JSON.stringify(row) : `${name.padEnd(9)} epoch ${row.seconds} s (incl. validation; whole call ${row.total} s, CPU of all threads ${row.cpuSeconds} s), ${row.samplesPerSecond} samples/s train, loss ${row.loss} acc ${row.acc} val_acc ${row.val_acc}, tensors ${row.numTensors.join('->')}, load ${row.load.join('->')}, rss ${row.rssMB} MB${row.stepsSplit ? `, steps split/alone ${row.stepsSplit.split}/${row.stepsSplit.solo}, thread share ${row.threadShare?.toFixed(3)}` : ''}${row.phasesMs ? `, main thread ms ${JSON.stringify(row.phasesMs)}, other thread ms (split steps) ${JSON.stringify(row.threadPhasesMs)}` : ''}`);
}
rmSync(out, { recursive: true, force: true });
