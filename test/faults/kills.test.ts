// Random kills over whole training runs (SIGKILL of the CLI and worker together, of the worker
// alone, of the CLI alone), at least 25 per run of the suite. After each: every run folder is
// consistent (each file whole, model.json matching its weights, best/ whole), the killed run
// evaluates or fails with a clear NO_MODEL error, and the model trained before stays intact.
// The next write to the output folder removes what the killed processes left.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerClient } from '../../src/client/workerClient';
import { rng } from '../../src/shared/random';
import { WORKER } from '../worker/helpers';
import { assertOneLine, assertPeak, assertRunConsistent, fingerprint, leftovers, processTree, runCli, runFolders } from './harness';

const KILLS = Number(process.env.LENET_FAULTS_KILLS ?? 25);
const SEED = Number(process.env.LENET_FAULTS_SEED ?? Date.now() % 1e9);
const BOUND_MB = 600;
const base = mkdtempSync(join(tmpdir(), 'lenet-faults-kills-'));
after(() => rmSync(base, { recursive: true, force: true }));

const TRAIN = ['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '64', '--json'];
type Target = 'group' | 'worker' | 'cli';
const TARGETS: Target[] = ['group', 'worker', 'cli'];

function killTree(root: number, which: Target): number[] {
  const tree = processTree(root);
  const victims = which === 'group' ? tree : which === 'cli' ? [root] : tree.filter((p) => p !== root);
  for (const p of victims) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return tree;
}

async function gone(pids: number[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (pids.every((p) => {
      try {
        process.kill(p, 0);
        return false;
      } catch {
        return true;
      }
    })) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`processes still running after the kill: ${pids.join(', ')}`);
}

/** Evaluates one model folder in a long-lived worker: 'ok', or the error's code and message. */
async function evaluateIn(client: WorkerClient, modelDir: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const answer = client.waitFor('evaluation', 60_000);
  client.send({ type: 'evaluate', modelDir });
  try {
    await answer;
    return { ok: true };
  } catch (err) {
    return { ok: false, code: (err as { code: string }).code, message: (err as Error).message };
  }
}

test(`${KILLS} random kills over whole runs: consistent folders, evaluate or a clear error, the earlier model intact (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
  const out = join(base, 'runs');
  const first = await runCli([...TRAIN, '--epochs', '1', '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  const [good] = runFolders(out);
  const goodPrint = fingerprint(good);
  const evaluator = new WorkerClient({ workerPath: WORKER, log: () => undefined });
  t.after(() => evaluator.dispose(2000));
  const random = rng(SEED);
  const killedPids = new Set<number>();
  const tally = { evaluated: 0, noModel: 0, peakMB: 0 };
  for (let k = 0; k < KILLS; k++) {
    const target = TARGETS[k % TARGETS.length];
    // One kill in five during start-up (backend, dataset, run folder), the others timed from the
    // first epoch's start to a few epochs in (an epoch here is about 0.3 s): every write gets its turn.
    const duringStartup = k % 5 === 4;
    const delay = Math.floor(random() * (duringStartup ? 1500 : 3000));
    let tree: number[] = [];
    let armed = false;
    const arm = (child: import('node:child_process').ChildProcess) => {
      armed = true;
      const fire = () => {
        // Before the worker is forked there is no worker to kill yet: try again in a moment.
        if (target === 'worker' && processTree(child.pid!).length < 2) return void setTimeout(fire, 20);
        tree = killTree(child.pid!, target);
        for (const p of tree) killedPids.add(p);
      };
      setTimeout(fire, delay);
    };
    const r = await runCli([...TRAIN, '--epochs', '1000', '--out', out], {
      onSpawn: (child) => duringStartup && arm(child),
      onStdout: (text, child) => {
        if (!armed && text.includes('"type":"epochBegin"')) arm(child);
      },
    });
    await gone(tree);
    const what = `kill ${k + 1} (${target}, ${delay} ms after ${duringStartup ? 'start' : 'the first epoch began'}, seed ${SEED})`;
    if (target === 'worker') {
      // The CLI outlives its worker and says what happened, in one line.
      if (r.code !== 0) assertOneLine(r.stderr, /^lenet-lab: error: the training worker was killed by SIGKILL$/, what);
    } else {
      assert.equal(r.signal, 'SIGKILL', what);
    }
    assertPeak(r, BOUND_MB, what);
    tally.peakMB = Math.max(tally.peakMB, r.peakMB);
    // Leftovers may exist only from the processes just killed; the next run's write removes them.
    for (const l of leftovers(out)) assert.ok(killedPids.has(Number(/-(\d+)$/.exec(l)?.[1])), `${what}: ${l} belongs to a killed process`);
    const runs = runFolders(out);
    for (const run of runs) assertRunConsistent(run);
    const killedRun = runs[runs.length - 1];
    if (killedRun !== good) {
      const ev = await evaluateIn(evaluator, killedRun);
      if (ev.ok) tally.evaluated++;
      else {
        assert.equal(ev.code, 'NO_MODEL', `${what}: ${ev.message}`);
        assert.match(ev.message, /^no model\.json in .* \(train a model first, or pass the folder of a saved run\)$/);
        tally.noModel++;
      }
    }
    assert.equal(fingerprint(good), goodPrint, `${what}: the earlier model is intact`);
  }
  // One more run: its first write removes everything the killed processes left.
  const last = await runCli([...TRAIN, '--epochs', '1', '--out', out]);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(leftovers(out), [], 'no leftovers after the next write');
  assert.deepEqual(await evaluateIn(evaluator, good), { ok: true });
  t.diagnostic(`${KILLS} kills: ${tally.evaluated} killed runs evaluated, ${tally.noModel} had no model yet (clear NO_MODEL); peak ${tally.peakMB} MB`);
});
