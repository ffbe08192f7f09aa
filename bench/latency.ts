// Latency budgets of the pure code paths a user waits on (benchmark, not a test: wall-clock
// limits do not belong in unit tests on a shared machine). Each line prints the measured median
// of several runs next to its budget; the exit code is 1 when a median is over budget.
//   chart data   47,000 points per series merged for both charts: within a frame (16 ms)
//   idx decode   60,000 images of bytes to floats (x / 255)
//   fashion      the full Debian Fashion-MNIST loaded (gunzip + decode), when installed
//   parser       the slowest of 3,000 mutated Keras sources through analysis + hovers
// Usage: node --import tsx bench/latency.ts [--json]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignedSeries } from '../webview/chartData';
import { bytesToUnitFloats } from '../src/data/idx';
import { DEBIAN_FASHION_MNIST_DIR, loadDataset } from '../src/data/datasets';
import { analyzeSource } from '../src/lang/index';
import { hoverMarkdown } from '../src/lang/hover';
import { rng } from '../test/model/randomSpec';

const root = join(__dirname, '..');
const json = process.argv.includes('--json');

async function median(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}

async function main(): Promise<void> {
  const results: { name: string; ms: number; budgetMs: number }[] = [];

  {
    const n = 47_000;
    const x = Array.from({ length: n }, (_, i) => (i + 1) / 938);
    const loss = x.map((v) => 2 * Math.exp(-v) + 0.05);
    const hist = Array.from({ length: 50 }, (_, i) => ({ epoch: i + 1, loss: 0, acc: 0, val_loss: 0.1, val_acc: 0.9, seconds: 1 }));
    results.push({ name: 'chart data, 47,000 points', budgetMs: 16, ms: await median(15, () => alignedSeries({ x, loss, acc: loss }, hist, 'loss', 0.6)) });
  }
  {
    const px = new Uint8Array(60000 * 784).map((_, i) => i & 255);
    results.push({ name: 'idx decode, 60,000 images', budgetMs: 500, ms: await median(7, () => bytesToUnitFloats(px)) });
  }
  if (existsSync(DEBIAN_FASHION_MNIST_DIR)) {
    const cache = mkdtempSync(join(tmpdir(), 'lenet-bench-'));
    results.push({ name: 'fashion-mnist load (Debian)', budgetMs: 3000, ms: await median(3, () => loadDataset('fashion-mnist', { cacheDir: cache, mirrors: { fashionMnist: [] } })) });
    rmSync(cache, { recursive: true, force: true });
  }
  {
    const seed = readFileSync(join(root, 'test/e2e/fixtures/workspace/lenet_seed.py'), 'utf8');
    const r = rng(4242);
    const inputs = Array.from({ length: 3000 }, () => {
      const at = Math.floor(r() * seed.length);
      return seed.slice(0, at) + '(['.repeat(Math.floor(r() * 50)) + seed.slice(at + Math.floor(r() * 40));
    });
    let slowest = 0;
    for (const src of inputs) {
      const t0 = performance.now();
      const a = analyzeSource(src, 'python');
      for (const m of a.models) for (const l of m.layers) hoverMarkdown(m, l);
      slowest = Math.max(slowest, performance.now() - t0);
    }
    results.push({ name: 'parser, slowest of 3,000 mutated sources', budgetMs: 100, ms: slowest });
  }

  const over = results.filter((r) => r.ms > r.budgetMs);
  if (json) console.log(JSON.stringify({ cpus: cpus().length, load: loadavg()[0], results }));
  else {
    console.log(`# latency budgets (${cpus()[0]?.model}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)})`);
    for (const r of results) console.log(`${r.ms > r.budgetMs ? 'OVER' : 'ok  '}  ${r.name.padEnd(42)} ${r.ms.toFixed(1).padStart(8)} ms  (budget ${r.budgetMs} ms)`);
  }
  if (over.length) process.exitCode = 1;
}

void main();
