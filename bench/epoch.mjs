// One epoch of the seed's configuration (LeNet-5, batch 64, SGD lr 0.01) on the full 60,000-image
// Fashion-MNIST, through the real training worker (dist/worker.js), for each available backend.
// Benchmark, not a test: numbers depend on the machine and its load (printed with them).
//
// Usage: node bench/epoch.mjs [--backend tensorflow|wasm|cpu] [--all] [--json] [--limit N] [--dataset NAME]
//   default: tensorflow (if it loads) and wasm; cpu only with --all or --backend cpu (about an hour).
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const worker = join(root, 'dist', 'worker.js');
const args = process.argv.slice(2);
const flag = (n) => args.includes(n);
const opt = (n, d) => {
  const i = args.indexOf(n);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : d;
};
const json = flag('--json');
const chosen = opt('--backend');
const backends = chosen ? [chosen] : flag('--all') ? ['tensorflow', 'wasm', 'cpu'] : ['tensorflow', 'wasm'];
const limit = Number(opt('--limit', '0'));
const dataset = opt('--dataset', 'fashion-mnist');
if (!existsSync(worker)) {
  console.error('bench: dist/worker.js is missing: run npm run build (npm run bench does)');
  process.exit(2);
}

/** Peak resident set of a process (kB), from /proc (Linux). */
function vmHWM(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function runOne(backend) {
  const out = mkdtempSync(join(tmpdir(), 'lenet-bench-'));
  const child = fork(worker, ['--backend', backend], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const r = { backend, dataset, limit };
  const t0 = performance.now();
  return new Promise((resolve) => {
    const finish = (extra) => {
      Object.assign(r, extra);
      r.peakRssMB = r.peakRssMB ?? null;
      child.removeAllListeners('exit');
      child.send({ v: 1, type: 'shutdown' });
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        rmSync(out, { recursive: true, force: true });
        resolve(r);
      });
    };
    child.on('exit', (code, signal) => resolve({ ...r, error: `worker exited (${signal ?? code}) ${stderr.trim().slice(-300)}` }));
    child.on('message', (e) => {
      switch (e.type) {
        case 'ready':
          r.actualBackend = e.backend;
          r.reason = e.reason;
          if (e.backend !== backend) return finish({ error: `asked for ${backend}, got ${e.backend}` });
          child.send({ v: 1, type: 'train', config: {
            dataset, epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend, seed: 42, limit, outDir: out, cacheDir: '',
          } });
          break;
        case 'dataset':
          r.train = limit ? Math.min(limit, e.train) : e.train;
          r.test = e.test;
          r.loadSeconds = (performance.now() - t0) / 1000;
          break;
        case 'epochBegin':
          r.batches = e.batches;
          r.numTensorsBefore = e.numTensors;
          break;
        case 'epochEnd': {
          const trainSeconds = r.train / e.samplesPerSecond;
          Object.assign(r, {
            secondsPerEpoch: e.seconds, trainSeconds, validationSeconds: e.seconds - trainSeconds,
            samplesPerSecond: e.samplesPerSecond, msPerStep: (trainSeconds * 1000) / r.batches,
            loss: e.loss, acc: e.acc, valLoss: e.val_loss, valAcc: e.val_acc, numTensorsAfter: e.numTensors,
          });
          if (!json) process.stderr.write('\n');
          break;
        }
        case 'batchEnd':
          if (!json && process.stderr.isTTY) process.stderr.write(`\r  ${backend}: batch ${e.batch}/${e.batches} loss ${e.loss.toFixed(4)}`);
          break;
        case 'done':
          r.peakRssMB = Math.round((vmHWM(child.pid) ?? 0) / 1024) || null;
          r.trainStep = JSON.parse(readFileSync(join(e.runDir, 'config.json'), 'utf8')).trainStep;
          finish({});
          break;
        case 'error':
          finish(e.code === 'BACKEND' ? { unavailable: e.message } : { error: `${e.code}: ${e.message}` });
          break;
      }
    });
  });
}

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model?.trim(), load: loadavg().map((x) => x.toFixed(2)).join(' '), node: process.versions.node };
if (!json) console.log(`LeNet-5, 1 epoch, batch 64, SGD 0.01, ${dataset}${limit ? ` (first ${limit})` : ''} | ${machine.cpus} x ${machine.cpu} | load ${machine.load}`);
for (const b of backends) {
  const r = await runOne(b);
  if (json) {
    console.log(JSON.stringify({ ...r, machine }));
    continue;
  }
  if (r.unavailable) {
    console.log(`${b}: not available here: ${r.unavailable}`);
    continue;
  }
  if (r.error) {
    console.log(`${b}: not measured: ${r.error}`);
    continue;
  }
  console.log([
    `${r.backend} (${r.trainStep} step)`,
    `${r.secondsPerEpoch.toFixed(1)} s/epoch (${r.trainSeconds.toFixed(1)} s training + ${r.validationSeconds.toFixed(1)} s validation)`,
    `${Math.round(r.samplesPerSecond)} samples/s`,
    `${r.msPerStep.toFixed(1)} ms/step`,
    `peak RSS ${r.peakRssMB} MB`,
    `numTensors ${r.numTensorsBefore} -> ${r.numTensorsAfter}`,
    `val_accuracy ${r.valAcc.toFixed(4)} (loss ${r.valLoss.toFixed(4)})`,
    `data load ${r.loadSeconds.toFixed(1)} s`,
  ].join(' | '));
}
