// One activations request for a LeNet-5 input through the real worker on the wasm backend: the
// round trip a user waits for when the panel or `lenet-lab inspect` asks for every layer's output
// and kernels (validation on both sides and IPC included). Budget 100 ms (median); the exit code
// is 1 when over. Also prints the answer's size as JSON, what the webview receives.
// Usage: node esbuild.mjs && node --import tsx bench/activations.ts [--json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WorkerClient } from '../src/client/workerClient';
import { LENET5 } from '../src/model/lenet';
import { buildModel } from '../src/worker/buildModel';
import { saveModel } from '../src/worker/runDir';
import { rng } from '../src/shared/random';

const BUDGET_MS = 100;
const RUNS = 21;
const json = process.argv.includes('--json');

async function main(): Promise<number> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const run = mkdtempSync(join(tmpdir(), 'lenet-bench-inside-'));
  const model = buildModel(tf, LENET5, { seed: 1 });
  await saveModel(tf, model, run);
  model.dispose();
  writeFileSync(join(run, 'config.json'), JSON.stringify({ resolvedDataset: { name: 'mnist-sample' } }));
  const client = new WorkerClient({ workerPath: join(__dirname, '..', 'dist', 'worker.js'), backend: 'wasm' });
  try {
    const ready = await client.waitFor('ready', 60_000);
    const r = rng(3);
    const pixels = Array.from({ length: 784 }, () => r());
    let id = 0;
    const once = async (body: { pixels: number[] } | { testIndex: number }) => {
      const t0 = performance.now();
      client.send({ type: 'activations', id: ++id, modelDir: run, ...body });
      const e = await client.waitFor('activations', 60_000);
      return { ms: performance.now() - t0, bytes: JSON.stringify(e).length };
    };
    const median = async (body: { pixels: number[] } | { testIndex: number }) => {
      await once(body); // warm-up: model load, dataset load, kernel compilation
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const o = await once(body);
        ms.push(o.ms);
        bytes = o.bytes;
      }
      return { ms: ms.sort((a, b) => a - b)[RUNS >> 1], bytes };
    };
    const results = [
      { name: 'drawn pixels, all layers and kernels', ...(await median({ pixels })) },
      { name: 'test image by index, all layers and kernels', ...(await median({ testIndex: 7 })) },
    ];
    const over = results.filter((x) => x.ms > BUDGET_MS);
    if (json) console.log(JSON.stringify({ backend: ready.backend, budgetMs: BUDGET_MS, results }));
    else {
      console.log(`# activations request, LeNet-5, ${ready.backend} (${cpus()[0]?.model}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)})`);
      for (const x of results) {
        console.log(`${x.ms > BUDGET_MS ? 'OVER' : 'ok  '}  ${x.name.padEnd(44)} ${x.ms.toFixed(1).padStart(7)} ms  (budget ${BUDGET_MS} ms)  ${(x.bytes / 1e6).toFixed(2)} MB as JSON`);
      }
    }
    return over.length ? 1 : 0;
  } finally {
    await client.dispose();
    rmSync(run, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
