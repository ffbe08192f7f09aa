// "Compare runs", host side: the pure parts (best epoch, time per epoch, one run from its files),
// then two real runs trained by the CLI (different learning rates) read back from their folders and
// asked for through the extension's panel, with hostile requests dropped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bestEpoch, comparedRun, readComparedRun, secondsPerEpoch } from '../../src/host/compareRuns';
import { checkWebviewMessage } from '../../src/host/webviewMessages';
import { defaultRunLabel } from '../../src/shared/runLabel';
import { LENET5 } from '../../src/model/lenet';
import type { EpochMetrics } from '../../src/shared/protocol';
import { MAX_COMPARED_RUNS, type HostMessage } from '../../src/shared/webviewProtocol';
import { root, startHost, workerBuilt } from './hostHarness';

const row = (epoch: number, val_acc: number, seconds = 0): EpochMetrics =>
  ({ epoch, loss: 1 / epoch, acc: val_acc - 0.01, val_loss: 1.1 / epoch, val_acc, seconds });

test('bestEpoch: the highest finite val_accuracy, the first of equals', () => {
  assert.deepEqual(bestEpoch([row(1, 0.5), row(2, 0.8), row(3, 0.8), row(4, 0.7)]), { epoch: 2, valAcc: 0.8 });
  assert.deepEqual(bestEpoch([row(1, NaN), row(2, 0.3)]), { epoch: 2, valAcc: 0.3 });
  assert.equal(bestEpoch([]), undefined);
  assert.equal(bestEpoch([row(1, NaN)]), undefined);
});

test('secondsPerEpoch: the mean of known epoch times, else the span over the epochs done', () => {
  assert.equal(secondsPerEpoch([row(1, 0.5, 2), row(2, 0.6, 4)]), 3);
  assert.equal(secondsPerEpoch([row(1, 0.5), row(2, 0.6, 5)], 100), 5, 'a known epoch time wins over the span');
  assert.equal(secondsPerEpoch([row(1, 0.5), row(2, 0.6)], 9), 4.5);
  assert.equal(secondsPerEpoch([row(1, 0.5)]), undefined);
  assert.equal(secondsPerEpoch([], 10), undefined, 'no epoch: no time per epoch');
  assert.equal(secondsPerEpoch([row(1, 0.5)], -3), undefined, 'a clock that went back is no time');
});

test('comparedRun: the fields of the differences table from config.json, metrics.csv and summary.json', () => {
  const config = {
    epochs: 5, batchSize: 32, learningRate: 0.05, optimizer: 'momentum', model: LENET5, source: '/ws/models/lenet_seed.py',
    resolvedDataset: { name: 'mnist-sample', train: 2000, test: 2000 }, startedAt: '2026-12-01T10:00:00.000Z',
  };
  const history = [row(1, 0.6), row(2, 0.7), row(3, 0.65)];
  const r = comparedRun('/ws/.lenet/runs/20261201-100000', {
    config, history, summary: { final: { ...history[2], seconds: 1.5 } }, metricsWrittenMs: Date.parse(config.startedAt) + 30_000,
  });
  assert.equal(r.label, 'sequential · 2026-12-01 10:00:00');
  assert.equal(r.model, 'sequential · 61,706 params · lenet_seed.py');
  assert.equal(r.dataset, 'mnist-sample');
  assert.equal(r.trainImages, 2000);
  assert.equal(r.optimizer, 'momentum');
  assert.equal(r.learningRate, 0.05);
  assert.equal(r.batchSize, 32);
  assert.equal(r.epochs, 5);
  assert.equal(r.epochsDone, 3);
  assert.equal(r.bestEpoch, 2);
  assert.equal(r.bestValAcc, 0.7);
  assert.equal(r.secondsPerEpoch, 1.5, "summary.json's last epoch time");
  // Without summary.json (a run still training, or killed): the span from its start to metrics.csv.
  const live = comparedRun('/ws/.lenet/runs/20261201-100000', { config, history, metricsWrittenMs: Date.parse(config.startedAt) + 30_000 });
  assert.equal(live.secondsPerEpoch, 10);
  // A folder with metrics only: no config fields at all, never made up.
  const bare = comparedRun('/ws/.lenet/runs/odd-name', { history: [row(1, 0.5)] });
  assert.deepEqual(Object.keys(bare).sort(), ['bestEpoch', 'bestValAcc', 'epochs', 'epochsDone', 'history', 'label', 'model', 'runDir']);
  assert.equal(bare.label, 'sequential · odd-name');
  assert.equal(bare.epochs, 1);
});

test('defaultRunLabel: model name and the folder\'s start time', () => {
  assert.equal(defaultRunLabel('lenet5', '20261201-093005'), 'lenet5 · 2026-12-01 09:30:05');
  assert.equal(defaultRunLabel(undefined, '20261201-093005-2'), 'sequential · 2026-12-01 09:30:05 (2)');
  assert.equal(defaultRunLabel('  ', 'x'), 'sequential · x');
});

test('compareRuns messages: 2 to MAX listed, distinct run folders, nothing else', () => {
  const a = '/ws/.lenet/runs/20261201-100000', b = '/ws/.lenet/runs/20261201-110000';
  const known = new Set([a, b]);
  assert.deepEqual(checkWebviewMessage({ type: 'compareRuns', id: 3, runDirs: [b, a] }, known), { ok: true, message: { type: 'compareRuns', id: 3, runDirs: [b, a] } });
  const bad: [unknown, RegExp][] = [
    [{ type: 'compareRuns', id: 3, runDirs: [a] }, /2 to 6 run folders/],
    [{ type: 'compareRuns', id: 3, runDirs: [a, '/etc'] }, /runDirs\[1\] is not one of the listed runs/],
    [{ type: 'compareRuns', id: 3, runDirs: [a, a] }, /runDirs\[1\] is listed twice/],
    [{ type: 'compareRuns', id: 3, runDirs: Array(MAX_COMPARED_RUNS + 1).fill(a) }, /2 to 6/],
    [{ type: 'compareRuns', id: -1, runDirs: [a, b] }, /"id"/],
    [{ type: 'compareRuns', id: 3, runDirs: { 0: a, 1: b, length: 2 } }, /must be an array/],
    [{ type: 'compareRuns', id: 3, runDirs: [a, b], extra: 1 }, /unexpected field "extra"/],
    [{ type: 'compareRuns', id: 3, runDirs: [a, 7] }, /runDirs\[1\]/],
  ];
  for (const [m, reason] of bad) {
    const r = checkWebviewMessage(m, known);
    assert.ok(!r.ok, `${JSON.stringify(m)} must be refused`);
    assert.match(r.reason, reason);
  }
});

const h = startHost('lenet-compare-');
after(async () => {
  await h.close();
});

test('two real runs (learning rate 0.01 and 0.05) compared through the panel', { skip: workerBuilt ? false : 'dist/worker.js missing: run npm run build', timeout: 120_000 }, async () => {
  const out = join(h.ws, '.lenet', 'runs');
  mkdirSync(out, { recursive: true });
  for (const lr of ['0.01', '0.05']) {
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'train', '--dataset', 'mnist-sample', '--epochs', '2', '--limit', '256',
      '--learning-rate', lr, '--out', out, '--no-tensorboard', '--backend', 'wasm'], { stdio: 'pipe' });
  }
  const dirs = readdirSync(out).sort().map((n) => join(out, n));
  assert.equal(dirs.length, 2);
  const [slow, fast] = dirs.map(readComparedRun);
  assert.deepEqual([slow.learningRate, fast.learningRate], [0.01, 0.05]);
  for (const r of [slow, fast]) {
    assert.equal(r.epochsDone, 2);
    assert.equal(r.history.length, 2);
    assert.ok(r.bestEpoch === 1 || r.bestEpoch === 2);
    assert.equal(r.bestValAcc, Math.max(...r.history.map((m) => m.val_acc)));
    assert.ok(r.secondsPerEpoch! > 0, `time per epoch ${r.secondsPerEpoch}`);
    assert.match(r.model, /^sequential · 61,706 params$/);
  }

  h.fake.state.settings = { 'lenet.outputDirectory': out };
  h.activate();
  await h.run('lenet.showPanel');
  h.panel().send({ type: 'ready' });
  const listed = h.posted('runs').at(-1)!.runs;
  assert.deepEqual(listed.map((r) => r.runDir).sort(), dirs);
  assert.ok(listed.every((r) => /^sequential · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.label)), JSON.stringify(listed.map((r) => r.label)));
  h.panel().send({ type: 'compareRuns', id: 41, runDirs: [dirs[1], dirs[0]] });
  const answer = h.posted('comparison').at(-1) as Extract<HostMessage, { type: 'comparison' }>;
  assert.equal(answer.id, 41);
  assert.deepEqual(answer.runs.map((r) => r.learningRate), [0.05, 0.01], 'in the order asked');
  assert.deepEqual(answer.runs.map((r) => r.label), [fast.label, slow.label]);
  // A folder the host did not list is never read.
  const before = h.panel().posted.length;
  writeFileSync(join(h.tmp, 'config.json'), '{}');
  h.panel().send({ type: 'compareRuns', id: 42, runDirs: [dirs[0], h.tmp] });
  assert.equal(h.panel().posted.length, before, 'no answer to an unlisted folder');
  assert.match(h.fake.output.join(''), /compareRuns: runDirs\[1\] is not one of the listed runs/);
});
