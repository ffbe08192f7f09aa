// wasm training speed against PyTorch in the same run: alternates one epoch of the seed's
// LeNet-5 on the full Fashion-MNIST through the real worker (bench/epoch.mjs, wasm backend) with
// the same epoch in PyTorch (bench/pytorch_lenet.py, Debian python3-torch, 1 and 2 threads), N
// rounds, then prints every run, the load average around it, and the median ratio.
// Usage: node bench/speed-vs-pytorch.mjs [--rounds N] [--timeout S]   (after npm run build)
// Benchmark, not a test. A busy machine hurts two-thread runs most (PyTorch's OpenMP threads spin).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const rounds = opt('--rounds', 3);
const timeout = opt('--timeout', 120) * 1000;
const python = '/usr/bin/python3';
const load = () => loadavg()[0].toFixed(2);

function run(cmd, argv) {
  const before = load();
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', timeout });
  const after = load();
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return { error: `timed out after ${timeout / 1000} s`, load: [before, after] };
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').pop(), load: [before, after] };
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return { ...JSON.parse(line), load: [before, after] };
}

const torchOk = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!torchOk) console.log('PyTorch: not available (apt-get install -y python3-torch); wasm only');
const rows = { wasm: [], torch1: [], torch2: [] };
for (let i = 1; i <= rounds; i++) {
  const w = run(process.execPath, [join(root, 'bench/epoch.mjs'), '--backend', 'wasm', '--json']);
  rows.wasm.push(w.error ? null : w.secondsPerEpoch);
  console.log(`round ${i} wasm (${w.trainStep ?? '?'}): ${w.error ?? `${w.secondsPerEpoch.toFixed(2)} s/epoch, val_acc ${w.valAcc.toFixed(4)}, peak RSS ${w.peakRssMB} MB`} | load ${w.load.join('->')}`);
  if (!torchOk) continue;
  for (const t of [1, 2]) {
    const p = run(python, [join(root, 'bench/pytorch_lenet.py'), '--threads', String(t), '--json']);
    rows[`torch${t}`].push(p.error ? null : p.seconds);
    console.log(`round ${i} pytorch ${t} thread(s): ${p.error ?? `${p.seconds.toFixed(2)} s/epoch, val_acc ${p.val_acc.toFixed(4)}`} | load ${p.load.join('->')}`);
  }
}
const median = (xs) => {
  const v = xs.filter((x) => x != null).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
};
const mw = median(rows.wasm), m1 = median(rows.torch1), m2 = median(rows.torch2);
console.log(`median s/epoch: wasm ${mw.toFixed(2)}${torchOk ? `, pytorch 1 thread ${m1.toFixed(2)}, 2 threads ${Number.isNaN(m2) ? 'n/a' : m2.toFixed(2)}` : ''}`);
if (torchOk) {
  const best = Math.min(...[m1, m2].filter((x) => !Number.isNaN(x)));
  console.log(`wasm / best PyTorch: ${(mw / best).toFixed(2)}x (goal <= 1.0x, 1.5x at the very worst)`);
}
