// The run store's state machine, transition by transition, and the run folder statuses it is fed
// (real folders written like the worker writes them).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emptyRunStore, isLive, listedRuns, modelRun, reduceRunStore, selectedRun, showsLive, type RunStoreAction, type RunStoreState,
} from '../../src/host/runStore';
import { readRun, runPanelState } from '../../src/host/runs';
import { markRunEnded, readRunMeta, writeRunMeta } from '../../src/host/runMeta';
import { LENET5 } from '../../src/model/lenet';
import type { RunInfo } from '../../src/shared/webviewProtocol';

const run = (runDir: string, over: Partial<RunInfo> = {}): RunInfo => ({
  runDir, name: runDir, label: `m · ${runDir}`, status: 'done', epochs: 2, hasModel: true, ...over,
});
const apply = (s: RunStoreState, ...actions: RunStoreAction[]) => actions.reduce(reduceRunStore, s);

test('the live run: starting -> running (folder known) -> stopping -> ended, each once', () => {
  let s = apply(emptyRunStore(), { type: 'scanned', runs: [run('/r/a')] });
  assert.equal(selectedRun(s), '/r/a', 'no run live, nothing picked: the newest');
  assert.equal(isLive(s), false);

  s = reduceRunStore(s, { type: 'started', epochs: 3 });
  assert.deepEqual(s.live, { phase: 'starting', epochs: 3 });
  assert.equal(selectedRun(s), 'live', 'a new run is shown from its start');
  assert.equal(showsLive(s), true);
  assert.equal(reduceRunStore(s, { type: 'started', epochs: 9 }), s, 'a second start while one is live changes nothing');

  s = apply(s, { type: 'folder', runDir: '/r/b' }, { type: 'scanned', runs: [run('/r/b', { status: 'interrupted' }), run('/r/a')] });
  assert.deepEqual(s.live, { phase: 'running', epochs: 3, runDir: '/r/b' });
  assert.equal(selectedRun(s), '/r/b');
  assert.equal(listedRuns(s)[0].status, 'running', 'the live run is listed as running whatever its folder says yet');
  assert.equal(reduceRunStore(s, { type: 'folder', runDir: '/r/b' }), s);

  s = reduceRunStore(s, { type: 'stopping' });
  assert.equal(s.live?.phase, 'stopping');
  assert.equal(reduceRunStore(s, { type: 'stopping' }), s, 'stopping twice is once');

  s = reduceRunStore(s, { type: 'ended', status: 'stopped', runDir: '/r/b' });
  assert.equal(s.live, undefined);
  assert.deepEqual(s.lastEnd, { runDir: '/r/b', status: 'stopped' });
  assert.equal(s.runs[0].status, 'stopped', 'the list says how it ended before the next scan');
  assert.equal(selectedRun(s), '/r/b', 'the run that just ended stays shown');
  assert.equal(showsLive(s), false);
});

test('an end with no live run (an idle worker crashed) changes nothing; so do stopping and folder', () => {
  const s = apply(emptyRunStore(), { type: 'scanned', runs: [run('/r/a')] });
  assert.equal(reduceRunStore(s, { type: 'ended', status: 'interrupted', reason: 'killed' }), s);
  assert.equal(reduceRunStore(s, { type: 'stopping' }), s);
  assert.equal(reduceRunStore(s, { type: 'folder', runDir: '/r/x' }), s);
});

test('every way a live run ends leaves no live run and records how', () => {
  for (const status of ['done', 'stopped', 'failed', 'interrupted'] as const) {
    const s = apply(emptyRunStore(), { type: 'started', epochs: 2 }, { type: 'folder', runDir: '/r/c' },
      { type: 'scanned', runs: [run('/r/c', { status: 'running' })] },
      { type: 'ended', status, ...(status === 'failed' ? { reason: 'DISK: full' } : {}) });
    assert.equal(s.live, undefined, status);
    assert.equal(s.runs[0].status, status, status);
    assert.equal(s.lastEnd?.runDir, '/r/c', 'the folder comes from the live run when the end does not say it');
    if (status === 'failed') assert.equal(s.runs[0].reason, 'DISK: full');
  }
  // Failed before its folder existed (e.g. a bad dataset): ended, nothing to mark in the list.
  const early = apply(emptyRunStore(), { type: 'started', epochs: 2 }, { type: 'ended', status: 'failed', reason: 'bad data' });
  assert.equal(early.live, undefined);
  assert.deepEqual(early.lastEnd, { status: 'failed', reason: 'bad data' });
});

test('a resumed run is live in its own folder from the start', () => {
  const s = apply(emptyRunStore(), { type: 'scanned', runs: [run('/r/a', { status: 'interrupted' })] }, { type: 'started', epochs: 4, runDir: '/r/a' });
  assert.deepEqual(s.live, { phase: 'running', epochs: 4, runDir: '/r/a' });
  assert.equal(listedRuns(s)[0].status, 'running');
});

test('selection: only listed runs (or the live one); a past run while training; deleted or vanished runs fall back', () => {
  let s = apply(emptyRunStore(), { type: 'scanned', runs: [run('/r/b'), run('/r/a', { hasModel: false })] });
  assert.equal(reduceRunStore(s, { type: 'select', runDir: '/elsewhere' }), s, 'not a listed run');
  s = reduceRunStore(s, { type: 'select', runDir: '/r/a' });
  assert.equal(selectedRun(s), '/r/a');
  assert.equal(modelRun(s), undefined, 'the selected run has no model: try-it and evaluate do not silently use another');
  s = apply(s, { type: 'started', epochs: 2 }, { type: 'folder', runDir: '/r/c' }, { type: 'scanned', runs: [run('/r/c', { status: 'running' }), run('/r/b'), run('/r/a')] });
  assert.equal(selectedRun(s), '/r/c');
  s = reduceRunStore(s, { type: 'select', runDir: '/r/b' });
  assert.equal(showsLive(s), false, 'a past run shown while another trains');
  assert.equal(modelRun(s)?.runDir, '/r/b');
  s = reduceRunStore(s, { type: 'select', runDir: undefined });
  assert.equal(showsLive(s), true, 'back to the live run');
  assert.equal(reduceRunStore(s, { type: 'removed', runDir: '/r/c' }), s, 'never removes the run that trains');
  s = apply(s, { type: 'select', runDir: '/r/b' }, { type: 'removed', runDir: '/r/b' });
  assert.equal(s.selected, undefined);
  assert.deepEqual(s.runs.map((r) => r.runDir), ['/r/c', '/r/a']);
  s = apply(s, { type: 'ended', status: 'done' }, { type: 'select', runDir: '/r/a' }, { type: 'scanned', runs: [run('/r/c')] });
  assert.equal(selectedRun(s), '/r/c', 'a selected folder that vanished: the last live run');
});

test('run folders: the status each records, the reason, label and notes, per-epoch times, model identity', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'lenet-store-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const mk = (name: string, files: Record<string, unknown>) => {
    mkdirSync(join(out, name), { recursive: true });
    for (const [f, c] of Object.entries(files)) writeFileSync(join(out, name, f), typeof c === 'string' ? c : JSON.stringify(c));
    return join(out, name);
  };
  const config = { dataset: 'mnist-sample', epochs: 3, optimizer: 'adam', learningRate: 0.001, model: { ...LENET5, name: 'lenet5' }, source: 'file:///w/models/lenet.ts', pid: 2 ** 22 + 12345 };
  const metrics = 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.6,1.2\n1,0.7,1.0,0.75,0.9\n';
  const done = mk('20261201-100000', { 'config.json': config, 'metrics.csv': metrics + '2,0.8,0.8,0.7,0.95\n', 'times.csv': 'epoch,seconds\n0,4.5\n1,3.25\n2,3\n', 'summary.json': { status: 'completed' }, 'model.json': '{}' });
  const failed = mk('20261201-110000', { 'config.json': config, 'metrics.csv': metrics, 'summary.json': { status: 'failed', error: { code: 'DISK', message: 'cannot write weights.bin: the disk is full' } } });
  const left = mk('20261201-120000', { 'config.json': config, 'metrics.csv': metrics, 'model.json': '{}' });
  const live = mk('20261201-130000', { 'config.json': { ...config, pid: process.pid }, 'metrics.csv': metrics });

  const d = readRun(done)!;
  assert.equal(d.status, 'done');
  assert.equal(d.label, 'lenet5 · 2026-12-01 10:00:00', 'default label: model name and start time');
  assert.deepEqual(d.model, { name: 'lenet5', source: 'lenet.ts', layers: LENET5.layers.length, params: 61706, optimizer: 'adam', learningRate: 0.001 });
  assert.deepEqual(d.best, { epoch: 2, val_acc: 0.75 }, 'the best epoch by val_accuracy, not the last');
  assert.deepEqual(runPanelState(done, [d]).history.map((h) => h.seconds), [4.5, 3.25, 3], "the run's own per-epoch times");
  const f = readRun(failed)!;
  assert.equal(f.status, 'failed');
  assert.equal(f.reason, 'cannot write weights.bin: the disk is full');
  assert.equal(runPanelState(failed, [f]).status, 'error');
  assert.match(runPanelState(failed, [f]).message ?? '', /disk is full/, 'a failed run says why');
  const l = readRun(left)!;
  assert.equal(l.status, 'interrupted', 'no summary and its writer is gone: a reload or crash left it');
  assert.deepEqual(runPanelState(left, [l]).history.map((h) => h.epoch), [1, 2], 'with every epoch in its metrics.csv');
  assert.equal(runPanelState(left, [l]).status, 'interrupted');
  assert.equal(readRun(live, (pid) => pid === process.pid)!.status, 'running', 'its writer still runs (another window or the CLI)');

  markRunEnded(left, 'interrupted', 'the window was reloaded or closed during training');
  assert.equal(readRun(left)!.reason, 'the window was reloaded or closed during training');
  markRunEnded(done, 'interrupted', 'late');
  assert.equal(readRun(done)!.status, 'done', "the worker's own word (completed) stands");
  markRunEnded(failed, 'stopped', 'late');
  assert.equal(readRun(failed)!.status, 'failed');

  writeRunMeta(done, { label: '  adam run  ', notes: 'lr 1e-3' });
  assert.deepEqual(readRunMeta(done), { label: 'adam run', notes: 'lr 1e-3' });
  assert.equal(readRun(done)!.label, 'adam run');
  writeRunMeta(done, { label: '' });
  assert.equal(readRun(done)!.label, 'lenet5 · 2026-12-01 10:00:00', 'an empty label goes back to the default');
  writeFileSync(join(done, 'label.json'), '{"label": 42}');
  assert.equal(readRun(done)!.label, 'lenet5 · 2026-12-01 10:00:00', 'a hand-edited label that is no text is ignored');
});
