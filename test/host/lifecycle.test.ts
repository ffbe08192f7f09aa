// The run lifecycle paths of the extension that a user reaches by timing rather than by a single
// command: Stop and Start New (also after the run ended while the question was open, and with a
// worker that does not stop), a stop racing the end of a run, the progress notification's Cancel,
// closing and reopening the panel mid-run, the refusals between training and evaluation, a worker
// crash during evaluation and during prediction, evaluating past runs and best/. Driven in plain
// Node with the fake VS Code against the real worker (hostHarness.ts); needs `npm run build`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LONG_SETTINGS, QUICK_SETTINGS, root, startHost, workerBuilt } from './hostHarness';
import { QUICK_SAMPLE_RUN, QUICK_SAMPLE_VAL_ACC_FLOOR } from '../shared/learningFloors';
import { listRuns } from '../../src/host/runs';
import { datasetCacheDir } from '../../src/host/settings';
import { WorkerClient } from '../../src/client/workerClient';
import type { WorkerEvent } from '../../src/shared/protocol';

const h = startHost('lenet-lifecycle-');
const { fake } = h;
const runsDir = join(h.ws, '.lenet', 'runs');
const runNames = () => (existsSync(runsDir) ? readdirSync(runsDir).sort() : []);
const summaryOf = (name: string) => JSON.parse(readFileSync(join(runsDir, name, 'summary.json'), 'utf8')) as {
  stopped: boolean; epochsCompleted: number; best: { epoch: number; val_accuracy: number } | null; status?: string; reason?: string;
};
/** An IDX dataset (the four files, uncompressed) of random 28x28 images, labels 0..9 in turn. */
function writeIdxDataset(dir: string, train: number, test: number): void {
  mkdirSync(dir, { recursive: true });
  const file = (name: string, magic: number, dims: number[], data: Uint8Array) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    writeFileSync(join(dir, name), Buffer.concat([header, data]));
  };
  for (const [prefix, n] of [['train', train], ['t10k', test]] as const) {
    file(`${prefix}-images-idx3-ubyte`, 0x803, [n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, i) => (i * 2654435761) % 256));
    file(`${prefix}-labels-idx1-ubyte`, 0x801, [n], Uint8Array.from({ length: n }, (_, i) => i % 10));
  }
}
const infos = (re: RegExp) => fake.shown.filter((s) => re.test(s.message));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

after(async () => {
  await h.close();
});

test('run lifecycle with the real worker', { skip: workerBuilt ? false : 'dist/worker.js missing: run npm run build', timeout: 600_000 }, async (t) => {
  const c = h.activate();

  await t.test('Stop and Start New after the run ended while the question was open: the new run starts at once', async () => {
    fake.state.settings = { ...QUICK_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    let answer!: (choice: string | undefined) => void;
    fake.heldAnswers.warning.push((resolve) => (answer = resolve));
    const second = h.run('lenet.startTraining');
    await h.until('the question', 5_000, () => answer);
    assert.equal(fake.shown.at(-1)!.message, 'LeNet: A training run is active.');
    const first = await h.settled('done');
    assert.equal(fake.contexts['lenet.trainingActive'], false);
    const t0 = Date.now();
    answer('Stop and Start New');
    assert.equal(await second, true, 'the new run started');
    const ms = Date.now() - t0;
    assert.ok(ms < 2_000, `the new run started ${ms} ms after the answer (nothing was left to stop)`);
    assert.deepEqual(infos(/no training run is active/), [], 'no "no training run is active" for a stop the user did not ask for');
    const done = await h.settled('done');
    assert.notEqual(done.runDir, first.runDir, 'a new run folder');
    assert.doesNotMatch(fake.output.join(''), /did not stop within/);
    assert.ok(done.history.at(-1)!.val_acc >= QUICK_SAMPLE_VAL_ACC_FLOOR, `val_accuracy ${done.history.at(-1)!.val_acc} is under the floor ${QUICK_SAMPLE_VAL_ACC_FLOOR}`);
  });

  await t.test('Stop and Start New during a run: the old run stops and keeps its folder, a new one runs', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    const before = runNames();
    const pid = h.worker()!.pid!;
    fake.state.settings = { ...QUICK_SETTINGS };
    fake.answers.warning.push('Stop and Start New');
    const t0 = Date.now();
    assert.equal(await h.run('lenet.startTraining'), true);
    const ms = Date.now() - t0;
    assert.ok(ms < 5_000, `the old run stopped and the new one started in ${ms} ms`);
    assert.equal(h.worker()!.pid, pid, 'the same worker runs the new training');
    const done = await h.settled('done');
    assert.equal(done.epochs, QUICK_SAMPLE_RUN.epochs, 'the new run has the new settings');
    const old = before.at(-1)!;
    assert.equal(summaryOf(old).stopped, true, `${old} was stopped`);
    assert.ok(existsSync(join(runsDir, old, 'model.json')), 'the stopped run saved its weights');
  });

  await t.test('Stop and Start New with a worker that does not stop: killed after 15 s, then the new run runs', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    const stuck = h.worker()!;
    const pid = stuck.pid!;
    process.kill(pid, 'SIGSTOP'); // it can no longer read the stop request
    try {
      fake.state.settings = { ...QUICK_SETTINGS };
      fake.answers.warning.push('Stop and Start New');
      const t0 = Date.now();
      assert.equal(await h.run('lenet.startTraining'), true);
      const ms = Date.now() - t0;
      assert.ok(ms >= 15_000 && ms < 20_000, `waited ${ms} ms for the stop (15 s, then the kill)`);
      assert.match(fake.output.join(''), /The run did not stop within 15 s of the stop request; its worker was ended\./);
      const killed = runNames().at(-1)!;
      // The killed run gets a summary saying how it ended (its worker could not write one).
      assert.equal(summaryOf(killed).status, 'stopped');
      assert.match(String(summaryOf(killed).reason), /did not stop within 15 s/);
      await h.until('the stuck worker gone', 5_000, () => !stuck.alive && !alive(pid));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL'); // never leave a stopped process behind
    }
    assert.notEqual(h.worker()!.pid, pid, 'a new worker runs the new training');
    assert.deepEqual(fake.shown.filter((s) => s.kind === 'error'), [], 'killing it on purpose is not reported as a crash');
    const done = await h.settled('done');
    assert.equal(done.history.length, QUICK_SAMPLE_RUN.epochs);
  });

  await t.test('a stop that races the natural end of the run: the run ends done, nothing hangs, the next start does not ask', async () => {
    fake.state.settings = { ...QUICK_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    const w = h.worker()!;
    let stopSent = false;
    // The last batch of the last epoch: the worker is validating and saving when the stop arrives.
    const off = w.onEvent((e: WorkerEvent) => {
      if (e.type === 'batchEnd' && e.epoch === QUICK_SAMPLE_RUN.epochs && e.batch === e.batches && !stopSent) {
        stopSent = true;
        void h.run('lenet.stopTraining');
      }
    });
    try {
      const end = await h.until('the end of the run', 60_000, () => (['done', 'stopped'].includes(c.snapshot.status) ? c.snapshot : undefined));
      assert.ok(stopSent, 'the stop was sent during the last epoch');
      assert.equal(end.status, 'done', `the run had no batch left to stop: ${end.message}`);
      assert.equal(end.history.length, QUICK_SAMPLE_RUN.epochs);
      const name = runNames().at(-1)!;
      assert.equal(summaryOf(name).stopped, false);
      assert.equal(summaryOf(name).epochsCompleted, QUICK_SAMPLE_RUN.epochs);
      await h.until('context key off', 2_000, () => fake.contexts['lenet.trainingActive'] === false);
      await h.until('progress finished', 2_000, () => fake.progress.at(-1)!.done);
    } finally {
      off();
    }
    const asked = fake.shown.length;
    assert.equal(await h.run('lenet.startTraining'), true);
    assert.equal(fake.shown.length, asked, 'no "a training run is active" question: the last run is over');
    const done = await h.settled('done');
    assert.equal(done.history.length, QUICK_SAMPLE_RUN.epochs, 'the stop did not leak into the next run');
  });

  await t.test('Cancel on the progress notification stops the run', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    const p = fake.progress.at(-1)!;
    assert.equal(p.title, 'LeNet: training');
    assert.ok(p.cancellable);
    await h.until('a progress report with the epoch', 10_000, () => p.reports.some((r) => /^Epoch 1\/50 · batch \d+\/\d+$/.test(r.message ?? '')));
    const t0 = Date.now();
    p.cancel();
    await h.settled('stopped', 10_000);
    assert.ok(Date.now() - t0 < 2_000, `stopped ${Date.now() - t0} ms after Cancel`);
    await h.until('progress finished', 2_000, () => p.done);
    assert.equal(fake.contexts['lenet.trainingActive'], false);
    assert.equal(summaryOf(runNames().at(-1)!).stopped, true);
  });

  await t.test('closing the panel mid-run changes nothing about the run; reopened, it shows the run and follows it', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    const first = h.panel();
    first.send({ type: 'ready' });
    await h.training();
    first.dispose(); // the user closes the tab
    const closedAt = first.posted.length;
    const batch = c.snapshot.batch ?? 0;
    await h.until('more batches with the panel closed', 30_000, () => (c.snapshot.batch ?? 0) > batch + 2);
    assert.equal(c.snapshot.status, 'training');
    assert.equal(first.posted.length, closedAt, 'nothing is posted to a closed panel');
    const n = fake.panels.length;
    await h.run('lenet.showPanel');
    assert.equal(fake.panels.length, n + 1, 'a new panel');
    const reopened = h.panel();
    reopened.send({ type: 'ready' });
    const state = h.lastState(reopened);
    assert.equal(state.status, 'training');
    assert.equal(state.epochs, 50);
    assert.equal(state.summary?.totalParams, 61706, 'the summary of the run is there');
    assert.ok((state.batch ?? 0) > batch, 'the state of now, not of when the panel closed');
    await h.until('events in the reopened panel', 10_000, () => h.posted('event', reopened).some((m) => m.event.type === 'batchEnd'));
    await h.run('lenet.stopTraining');
    await h.settled('stopped', 10_000);
    assert.ok(h.posted('event', reopened).some((m) => m.event.type === 'stopped'), 'the reopened panel hears the stop');
    // The run's end comes as the whole state, read back from the run store (its folder says stopped).
    await h.until('the stopped state in the reopened panel', 5_000, () => h.lastState(reopened).status === 'stopped');
    assert.equal(h.lastState(reopened).run?.status, 'stopped');
  });

  await t.test('the refusals between training and evaluation', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    const stopFirst = 'LeNet: stop the training run before evaluating (LeNet: Stop Training).';
    assert.equal(await h.run('lenet.evaluate'), false);
    assert.equal(fake.shown.at(-1)!.message, stopFirst);
    // Refused before the pick (the fake throws on a quick pick the test did not queue).
    assert.equal(await h.run('lenet.evaluateRun'), false);
    assert.equal(fake.shown.at(-1)!.message, stopFirst);
    assert.equal(c.snapshot.status, 'training', 'the run goes on');
    await h.run('lenet.stopTraining');
    await h.settled('stopped', 10_000);
    assert.equal(await h.run('lenet.stopTraining'), undefined);
    assert.equal(fake.shown.at(-1)!.message, 'LeNet: no training run is active.');

    assert.equal(await h.run('lenet.evaluate'), true);
    assert.equal(c.snapshot.status, 'evaluating');
    assert.equal(await h.run('lenet.startTraining'), false, 'Start Training is refused while evaluating');
    assert.equal(fake.shown.at(-1)!.message, 'LeNet: an evaluation is running; start training when it has finished.');
    assert.equal(await h.run('lenet.evaluate'), false);
    assert.equal(fake.shown.at(-1)!.message, 'LeNet: an evaluation is already running.');
    assert.equal(await h.run('lenet.evaluateRun'), false);
    assert.equal(fake.shown.at(-1)!.message, 'LeNet: an evaluation is already running.');
    await h.until('the evaluation', 60_000, () => c.snapshot.evaluation && c.snapshot.status !== 'evaluating');
    assert.equal(c.snapshot.status, 'stopped', 'back to the run outcome');
  });

  await t.test('the worker crashes during an evaluation: a clear error, nothing hangs, the next evaluation works', async () => {
    assert.equal(await h.run('lenet.evaluate'), true);
    const pid = h.worker()!.pid!;
    process.kill(pid, 'SIGKILL');
    const err = await h.until('the crash notification', 10_000, () => fake.shown.find((s) => s.kind === 'error' && /SIGKILL/.test(s.message)));
    assert.equal(err.message, 'LeNet: the training worker was killed by SIGKILL.', 'an evaluation keeps no epochs: no word about the run folder');
    assert.deepEqual(err.items, ['Show Output']);
    assert.equal(fake.shown.filter((s) => s.kind === 'error' && /SIGKILL/.test(s.message)).length, 1, 'said once');
    // The evaluation failed, not the run: the panel keeps the run's outcome and says what failed.
    await h.until('the evaluation failure in the panel', 2_000, () => /^The evaluation of .+ failed: the training worker was killed by SIGKILL$/.test(c.snapshot.message ?? ''));
    assert.equal(c.snapshot.status, 'stopped', "the run's own outcome");
    await h.until('the evaluation progress closed', 2_000, () => fake.progress.at(-1)!.done);
    assert.equal(h.worker(), undefined);
    const evaluated = c.snapshot.evaluation;
    assert.equal(await h.run('lenet.evaluate'), true);
    await h.until('a new evaluation', 60_000, () => c.snapshot.evaluation !== evaluated && c.snapshot.evaluation);
    assert.notEqual(h.worker()!.pid, pid);
  });

  await t.test('the worker crashes during a prediction: both waiting requests get the error, the next prediction works', async () => {
    const p = h.panel();
    p.send({ type: 'ready' });
    const w = h.worker()!;
    process.kill(w.pid!, 'SIGSTOP'); // the requests stay unanswered until the crash
    const pixels = new Array(784).fill(0).map((_, i) => (i % 28 > 12 && i % 28 < 16 ? 1 : 0));
    p.send({ type: 'predict', id: 501, pixels });
    const api = c.predictOnce(pixels, 30_000);
    process.kill(w.pid!, 'SIGKILL');
    await assert.rejects(api, /the training worker was killed by SIGKILL/);
    const answer = await h.until('predictionError 501', 10_000, () => h.posted('predictionError', p).find((m) => m.id === 501));
    assert.match(answer.message, /the training worker was killed by SIGKILL/);
    assert.ok(fake.shown.some((s) => s.kind === 'error' && s.message === 'LeNet: the training worker was killed by SIGKILL.'));
    p.send({ type: 'predict', id: 502, pixels });
    const ok = await h.until('prediction 502', 30_000, () => h.posted('prediction', p).find((m) => m.id === 502));
    assert.equal(ok.probabilities.length, 10);
    assert.ok(Math.abs(ok.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.notEqual(h.worker()!.pid, w.pid);
  });

  await t.test('evaluating a past run and a run\'s best/: the accuracy its metrics recorded', async () => {
    const runs = listRuns(runsDir).filter((r) => r.hasModel && r.final && r.epochs === QUICK_SAMPLE_RUN.epochs && r.final.epoch === r.epochs);
    const past = runs.at(-1)!; // the oldest finished quick run, not the newest
    assert.ok(runs.length >= 2 && past.runDir !== listRuns(runsDir)[0].runDir);
    assert.equal(await h.run('lenet.evaluate', past.runDir), true);
    const ev = await h.until('the past run\'s evaluation', 60_000, () => (c.snapshot.evaluation?.modelDir === past.runDir && c.snapshot.status !== 'evaluating' ? c.snapshot.evaluation : undefined));
    assert.ok(Math.abs(ev.acc - past.final!.val_acc) < 1e-6, `test accuracy ${ev.acc} = its last val_accuracy ${past.final!.val_acc}`);

    // best/ is evaluated through the worker as the CLI does (the extension lists run folders), on
    // the dataset of the run it belongs to: a small IDX dataset here, so that evaluating on the
    // default dataset instead (2,000 sample images) shows.
    const idxDir = join(h.tmp, 'tiny-idx');
    writeIdxDataset(idxDir, 200, 100);
    fake.state.settings = { ...QUICK_SETTINGS, 'lenet.dataset': `idx:${idxDir}`, 'lenet.dataLimit': 0, 'lenet.epochs': 1 };
    assert.equal(await h.run('lenet.startTraining'), true);
    const tiny = await h.settled('done', 60_000);
    const resolved = JSON.parse(readFileSync(join(tiny.runDir!, 'config.json'), 'utf8')).resolvedDataset as { name: string; test: number };
    assert.equal(resolved.test, 100);
    const best = summaryOf(basename(tiny.runDir!)).best!;
    const w = new WorkerClient({ workerPath: join(root, 'dist', 'worker.js'), backend: 'wasm', log: () => undefined });
    try {
      w.send({ type: 'evaluate', modelDir: join(tiny.runDir!, 'best'), cacheDir: datasetCacheDir(join(h.tmp, 'global')), backend: 'wasm' });
      const e = await w.waitFor('evaluation', 60_000);
      assert.equal(e.modelDir, join(tiny.runDir!, 'best'));
      assert.equal(e.dataset, resolved.name, 'the dataset of the run that best/ belongs to');
      assert.equal(e.confusion.flat().reduce((a, b) => a + b, 0), 100, 'its 100 test images');
      assert.ok(Math.abs(e.acc - best.val_accuracy) < 1e-6, `best/ test accuracy ${e.acc} = the best epoch's (${best.epoch}) val_accuracy ${best.val_accuracy}`);
    } finally {
      await w.dispose(3_000);
    }
  });

  await t.test('the fake VS Code was only asked for what it models', () => {
    assert.deepEqual(fake.violations, []);
  });
});
