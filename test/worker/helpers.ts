// Shared set-up for the worker and CLI tests: the real built bundles (dist/worker.js, dist/cli.js),
// built here when a source is newer than the bundle so a filtered test run needs no separate build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerClient } from '../../src/client/workerClient';
import type { TrainConfig, WorkerEvent } from '../../src/shared/protocol';

export const ROOT = join(__dirname, '..', '..');
export const WORKER = join(ROOT, 'dist', 'worker.js');
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return t;
}

let built = false;
/** Builds dist/ once per test process if any source is newer than the bundles. */
export function ensureBuilt(): void {
  if (built) return;
  const bundleTime = (() => {
    try {
      return Math.min(statSync(WORKER).mtimeMs, statSync(CLI).mtimeMs);
    } catch {
      return 0;
    }
  })();
  if (newestMtime(join(ROOT, 'src')) > bundleTime) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }
  built = true;
}

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'lenet-worker-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function config(outDir: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: 'mnist-sample', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'auto',
    seed: 1, limit: 256, outDir, cacheDir: join(outDir, 'cache'), ...over,
  };
}

/** A worker whose events are recorded; stderr output collected in `logs`. */
export function startWorker(t: { after: (fn: () => Promise<void> | void) => void }, opts: { env?: NodeJS.ProcessEnv } = {}) {
  ensureBuilt();
  const logs: string[] = [];
  const client = new WorkerClient({ workerPath: WORKER, env: opts.env, log: (s) => logs.push(s) });
  const events: WorkerEvent[] = [];
  client.onEvent((e) => events.push(e));
  t.after(() => client.dispose(2000));
  return { client, events, logs };
}

export const types = (events: WorkerEvent[]) => events.map((e) => e.type);
