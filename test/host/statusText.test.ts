import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, statusBarText } from '../../src/host/statusText';
import { initialPanelState } from '../../src/shared/panelState';
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
