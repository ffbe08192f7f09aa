// The panel's "Inside the network" requests through the extension's controller and the real worker
// (dist/worker.js) on a saved run folder: answered with the webview's id, errors routed to their
// request only, hostile inspect messages dropped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LENET5 } from '../../src/model/lenet';
import type { HostMessage, PanelState } from '../../src/shared/webviewProtocol';
import { buildModel } from '../../src/worker/buildModel';
import { saveModel } from '../../src/worker/runDir';
import { ProbeRecorder } from '../../src/worker/probes';
import { RECORDING_FILE } from '../../src/shared/insideRecording';
import { ensureBuilt } from '../worker/helpers';
import { createFakeVscode, installVscodeStub, type FakeWebviewPanel } from './fakeVscode';
import type { LenetController as Controller } from '../../src/host/controller';

tf.env().set('PROD', true);
const root = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'lenet-inspect-host-'));
const ws = join(tmp, 'ws');
const fake = createFakeVscode(root, join(tmp, 'global'));
installVscodeStub(fake.vscode);
fake.state.workspaceFolder = ws;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { activate } = require('../../src/host/extension') as typeof import('../../src/host/extension');
let c: Controller;

after(async () => {
  await c?.shutdown();
  c?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const panel = (): FakeWebviewPanel => fake.panels[fake.panels.length - 1];
const posted = (type: HostMessage['type']) => panel().posted.filter((m) => (m as HostMessage).type === type) as HostMessage[];

async function until<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${fake.output.join('').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('inspect from the panel: every layer of the latest run, by test image or drawing; errors for that request only', { timeout: 120_000 }, async () => {
  ensureBuilt();
  await tf.setBackend('cpu');
  const run = join(ws, '.lenet', 'runs', '20261201-101010');
  mkdirSync(run, { recursive: true });
  const model = buildModel(tf, LENET5, { seed: 8 });
  await saveModel(tf, model, run);
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 1, dataset: 'mnist-sample', resolvedDataset: { name: 'mnist-sample' } }));
  writeFileSync(join(run, 'metrics.csv'), 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.1,2.3,0.1,2.3\n');

  fake.state.settings = { 'lenet.backend': 'wasm' };
  c = activate(fake.context as never).controller();
  await fake.vscode.commands.executeCommand('lenet.showPanel');
  panel().send({ type: 'ready' });

  panel().send({ type: 'inspect', id: 5, best: false, testIndex: 12 });
  const a = await until('activations', 60_000, () => posted('activations').find((m) => (m as { id: number }).id === 5)) as Extract<HostMessage, { type: 'activations' }>;
  assert.equal(a.result.id, 5, 'the answer carries the webview\'s id');
  assert.equal(a.result.model, run, 'the latest run with a model');
  assert.equal(a.result.input.index, 12);
  assert.deepEqual(a.result.layers.map((l) => l.name), ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT']);
  assert.deepEqual(a.result.kernels.map((k) => k.name), ['C1/kernel', 'C3/kernel', 'C5/kernel', 'FC6/kernel', 'OUTPUT/kernel']);

  panel().send({ type: 'inspect', id: 6, best: false, pixels: new Array(784).fill(0).map((_, i) => (i % 28 === 14 ? 1 : 0)) });
  const d = await until('activations 6', 60_000, () => posted('activations').find((m) => (m as { id: number }).id === 6)) as Extract<HostMessage, { type: 'activations' }>;
  assert.equal(d.result.input.kind, 'pixels');

  // No best/ yet: said at once, without asking the worker.
  panel().send({ type: 'inspect', id: 7, best: true, testIndex: 0 });
  assert.deepEqual(posted('activationsError').find((m) => (m as { id: number }).id === 7),
    { type: 'activationsError', id: 7, message: '20261201-101010 has no best/ model (no epoch has finished) yet.' });

  // A worker error answers its request and leaves the run's state alone.
  const status = c.snapshot.status;
  const message = c.snapshot.message;
  panel().send({ type: 'inspect', id: 8, best: false, testIndex: 5000 });
  const e = await until('activationsError 8', 60_000, () => posted('activationsError').find((m) => (m as { id: number }).id === 8)) as Extract<HostMessage, { type: 'activationsError' }>;
  assert.match(e.message, /test image 5000 does not exist \(mnist-sample has 2000 test images/);
  assert.equal(c.snapshot.status, status);
  assert.equal((c.snapshot as PanelState).message, message, 'the shown run\'s message is not replaced by the error');
  assert.doesNotMatch(message ?? '', /5000/);

  // Hostile messages are dropped and logged; nothing is answered for them.
  const before = panel().posted.length;
  for (const m of [
    { type: 'inspect', id: 9, best: false, testIndex: -1 },
    { type: 'inspect', id: 9, best: 'yes', testIndex: 1 },
    { type: 'inspect', id: 9, best: false, testIndex: 1, modelDir: '/etc' },
    { type: 'inspect', id: 9, best: false, pixels: new Array(784).fill(2) },
    { type: 'inspect', id: 9, best: false },
  ]) panel().send(m);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(panel().posted.length, before, 'no answer to a dropped message');
  const drops = fake.output.join('').match(/\[panel\] dropped a message from the webview: inspect: /g) ?? [];
  assert.equal(drops.length, 5, fake.output.join('').slice(-1500));

  // Over training: the run's recording, checked, or why there is none.
  panel().send({ type: 'inspectTraining', id: 20 });
  const none = await until('no recording', 10_000, () => posted('insideRecordingError').find((m) => (m as { id: number }).id === 20)) as Extract<HostMessage, { type: 'insideRecordingError' }>;
  assert.equal(none.message, '20261201-101010 has no inside.json.gz (runs trained before LeNet Lab recorded probe images have none).');
  writeFileSync(join(run, RECORDING_FILE), gzipSync(JSON.stringify({ format: 'lenet-lab-inside', version: 1, dataset: 'd', probes: [], layers: [], kernels: 'x', snapshots: [] })));
  panel().send({ type: 'inspectTraining', id: 21 });
  const bad = await until('bad recording', 10_000, () => posted('insideRecordingError').find((m) => (m as { id: number }).id === 21)) as Extract<HostMessage, { type: 'insideRecordingError' }>;
  assert.match(bad.message, /inside\.json\.gz: kernels are malformed$/);
  const test = { images: new Float32Array(5 * 784).fill(0.5), labels: new Uint8Array(5), count: 5 };
  const rec = new ProbeRecorder(tf, model, test, { dataset: 'mnist-sample', seed: 1, epochs: 1, runDir: run });
  rec.record(0);
  rec.record(1);
  panel().send({ type: 'inspectTraining', id: 22 });
  const good = await until('recording', 10_000, () => posted('insideRecording').find((m) => (m as { id: number }).id === 22)) as Extract<HostMessage, { type: 'insideRecording' }>;
  assert.equal(good.runDir, run);
  assert.deepEqual(good.recording.snapshots.map((x) => x.epoch), [0, 1]);
  // The built-in model's run has no source line: the layer link says so.
  assert.equal(a.source, undefined, 'no model file, no links');
  panel().send({ type: 'openLayerSource', layer: 'C1' });
  await until('no source message', 5_000, () => fake.shown.find((x) => /was not trained from a model file/.test(x.message)));
  // A run trained from a model file: the answer names the file, so the panel links the layers.
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 1, dataset: 'mnist-sample', resolvedDataset: { name: 'mnist-sample' }, source: 'file:///ws/lenet_seed.py' }));
  panel().send({ type: 'inspect', id: 23, best: false, testIndex: 1 });
  const linked = await until('activations 23', 60_000, () => posted('activations').find((m) => (m as { id: number }).id === 23)) as Extract<HostMessage, { type: 'activations' }>;
  assert.equal(linked.source, 'lenet_seed.py');
  // The hover's "Show activations" with the panel open: straight to the webview.
  await fake.vscode.commands.executeCommand('lenet.showActivations', 'C3');
  assert.deepEqual(panel().posted.at(-1), { type: 'showLayer', layer: 'C3' });
  for (const m of [{ type: 'inspectTraining' }, { type: 'inspectTraining', id: 1, runDir: '/etc' }]) panel().send(m);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((fake.output.join('').match(/dropped a message from the webview: inspectTraining: /g) ?? []).length, 2);
  model.dispose();
});
