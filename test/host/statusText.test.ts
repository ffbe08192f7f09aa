import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, statusBarText } from '../../src/host/statusText';
import { epochProgress, hasRestoredRun, initialPanelState, reducePanelState, restorePanelState, startingPanelState } from '../../src/shared/panelState';
import { PROTOCOL_VERSION as v } from '../../src/shared/protocol';
import type { WorkerEvent } from '../../src/shared/protocol';
import { epochText } from '../../webview/format';
import type { PanelState } from '../../src/shared/webviewProtocol';

const epoch = (n: number, val_acc: number) => ({ epoch: n, loss: 0.3, acc: 0.9, val_loss: 0.3, val_acc, seconds: 40 });

test('formatEta', () => {
  assert.equal(formatEta(0.2), '<1s');
  assert.equal(formatEta(42.4), '42s');
  assert.equal(formatEta(59.4), '59s');
  assert.equal(formatEta(60), '1m');
  assert.equal(formatEta(150), '3m');
  assert.equal(formatEta(3599), '1h 00m');
  assert.equal(formatEta(3900), '1h 05m');
  assert.equal(formatEta(2 * 3600 + 59.9 * 60), '3h 00m');
  assert.equal(formatEta(NaN), '?');
});

test('training text: epoch i/N, last val accuracy, ETA', () => {
  const s: PanelState = {
    ...initialPanelState(), status: 'training', epoch: 3, epochs: 50, batch: 10, batches: 938,
    history: [epoch(1, 0.85), epoch(2, 0.9123)], etaSeconds: 118,
  };
  assert.deepEqual(statusBarText(s)?.text, '$(pulse) LeNet 3/50 · val 0.912 · ETA 2m');
  assert.match(statusBarText(s)!.tooltip, /Click to show the training panel/);
});

test('training text before the first epoch ends has no val and no ETA', () => {
  const s: PanelState = { ...initialPanelState(), status: 'training', epoch: 1, epochs: 50 };
  assert.equal(statusBarText(s)?.text, '$(pulse) LeNet 1/50');
});

test('other states', () => {
  assert.equal(statusBarText(initialPanelState()), undefined);
  const base: PanelState = { ...initialPanelState(), epoch: 2, epochs: 2, history: [epoch(1, 0.5), epoch(2, 0.75)] };
  assert.equal(statusBarText({ ...base, status: 'done' })?.text, '$(check) LeNet 2/2 · val 0.750');
  assert.equal(statusBarText({ ...base, status: 'stopped' })?.text, '$(debug-pause) LeNet stopped · 2/2 · val 0.750');
  assert.equal(statusBarText({ ...base, status: 'loading' })?.text, '$(sync~spin) LeNet loading data');
  assert.equal(statusBarText({ ...base, status: 'error', message: 'worker exited with code 1' })?.text, '$(error) LeNet error');
  assert.match(statusBarText({ ...base, status: 'error', message: 'worker exited with code 1' })!.tooltip, /worker exited with code 1/);
});

test('a stopped run shows its completed epochs, like the run folder and the past-run view', () => {
  const s: PanelState = { ...initialPanelState(), status: 'stopped', epoch: 3, epochs: 50, batch: 17, batches: 938, history: [epoch(1, 0.8), epoch(2, 0.85)] };
  assert.equal(statusBarText(s)?.text, '$(debug-pause) LeNet stopped · 2/50 · val 0.850');
  assert.deepEqual(epochProgress(s), { epoch: 2, epochs: 50 });
  assert.deepEqual(epochProgress({ ...s, status: 'stopping' }), { epoch: 3, epochs: 50 }, 'in progress while busy');
  assert.deepEqual(epochProgress({ ...s, status: 'error', history: [] }), { epoch: 0, epochs: 50 });
  assert.equal(epochProgress(initialPanelState()), undefined);
});

test('status bar and panel header show the same epoch i/N at every step of a run', () => {
  const hist = (n: number) => ({ epoch: n, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5 + n / 100, seconds: 2 });
  const events: WorkerEvent[] = [
    { v, type: 'ready', backend: 'wasm', reason: 'r', versions: {} },
    { v, type: 'epochBegin', epoch: 1, epochs: 50, batches: 4 },
    { v, type: 'batchEnd', epoch: 1, batch: 2, batches: 4, loss: 1, acc: 0.4 },
    { v, type: 'epochEnd', epochs: 50, samplesPerSecond: 100, ...hist(1) },
    { v, type: 'epochBegin', epoch: 2, epochs: 50, batches: 4 },
    { v, type: 'epochEnd', epochs: 50, samplesPerSecond: 100, ...hist(2) },
    { v, type: 'epochBegin', epoch: 3, epochs: 50, batches: 4 },
    { v, type: 'batchEnd', epoch: 3, batch: 1, batches: 4, loss: 1, acc: 0.4 },
    { v, type: 'stopped', epoch: 3, batch: 1 },
    { v, type: 'done', history: [hist(1), hist(2)], runDir: '/r', stopped: true },
  ];
  let s = startingPanelState(initialPanelState(), 50);
  const seen: string[] = [];
  for (const e of events) {
    s = reducePanelState(s, e, 1000);
    const header = epochText(epochProgress(s)?.epoch, epochProgress(s)?.epochs).replace('Epoch ', '');
    const text = statusBarText(s)?.text ?? '';
    if (/\d+\/\d+/.test(text)) assert.equal(text.match(/(\d+\/\d+)/)![1], header, `after ${e.type}: "${text}" vs header ${header}`);
    seen.push(header);
  }
  assert.deepEqual(seen, ['0/50', '1/50', '1/50', '1/50', '2/50', '2/50', '3/50', '3/50', '3/50', '2/50']);
  // After a reload the snapshot restores to the same numbers.
  assert.equal(statusBarText(restorePanelState(JSON.parse(JSON.stringify(s))))?.text, '$(debug-pause) LeNet stopped · 2/50 · val 0.520');
});

test('hasRestoredRun: a saved run brings the status item back; nothing or garbage does not', () => {
  assert.equal(hasRestoredRun(undefined), false);
  assert.equal(hasRestoredRun({ status: 'done' }), false, 'not a panel state');
  assert.equal(hasRestoredRun(initialPanelState()), false);
  assert.equal(hasRestoredRun({ ...initialPanelState(), status: 'training', epoch: 2, epochs: 5 }), true, 'interrupted by the reload: shown as stopped');
  assert.equal(hasRestoredRun({ ...initialPanelState(), status: 'done', epochs: 2 }), true);
});
