// The extension's Keras features through the controller (recording VS Code stand-in, real worker,
// real CLI): "Export for Keras" on a listed run writes the .h5 the user picks, and
// "LeNet: Evaluate Keras Model (.h5)" on that file gives the run's own evaluation.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeVscode, installVscodeStub } from './fakeVscode';
import { CLI, ensureBuilt } from '../worker/helpers';

const root = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'lenet-keras-panel-'));
const ws = join(tmp, 'ws');
const fake = createFakeVscode(root, join(tmp, 'global'));
installVscodeStub(fake.vscode);
fake.state.workspaceFolder = ws;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { activate, deactivate } = require('../../src/host/extension') as typeof import('../../src/host/extension');

after(async () => {
  await deactivate();
  rmSync(tmp, { recursive: true, force: true });
});

async function until<T>(what: string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${fake.output.join('').slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('Export for Keras, then evaluate the .h5 from the explorer menu', { timeout: 300_000 }, async () => {
  ensureBuilt();
  const out = join(ws, '.lenet', 'runs');
  const t = spawnSync(process.execPath, [CLI, 'train', '--dataset', 'mnist-sample', '--epochs', '1', '--limit', '256', '--out', out], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const runDir = join(out, readdirSync(out)[0]);
  fake.state.settings = { 'lenet.backend': 'wasm' };

  const c = activate(fake.context as never).controller();
  assert.ok(fake.commands.has('lenet.evaluateKerasModel'));
  c.onWebviewMessage({ type: 'ready' }); // lists the runs, so their folders become known
  const h5 = join(tmp, 'picked.h5');
  fake.state.saveDialog = h5;
  c.onWebviewMessage({ type: 'exportKeras', runDir });
  const done = await until('the export notification', 60_000, () => fake.shown.find((s) => /for Keras/.test(s.message)));
  assert.equal(done.kind, 'info', done.message);
  assert.match(done.message, /saved for Keras as .*picked\.h5 \(load it with keras\.models\.load_model\)/);
  assert.ok(existsSync(h5));

  assert.equal(await fake.vscode.commands.executeCommand('lenet.evaluate', runDir), true);
  const fromRun = await until('the run\'s evaluation', 120_000, () => c.snapshot.status !== 'evaluating' && c.snapshot.evaluation);
  assert.equal(await fake.vscode.commands.executeCommand('lenet.evaluateKerasModel', fake.vscode.Uri.file(h5)), true);
  const fromH5 = await until('the .h5 evaluation', 120_000, () => c.snapshot.status !== 'evaluating' && c.snapshot.evaluation?.modelDir === h5 && c.snapshot.evaluation);
  assert.deepEqual({ ...fromH5, modelDir: '' }, { ...fromRun, modelDir: '' });

  // The try-it pad now predicts with the .h5 model: it still answers with the run's model gone.
  rmSync(join(runDir, 'model.json'));
  const panel = fake.panels[fake.panels.length - 1];
  const pixels = Array.from({ length: 784 }, (_, i) => ((i % 28) > 10 && (i % 28) < 16 ? 1 : 0));
  c.onWebviewMessage({ type: 'predict', id: 7, pixels });
  const answer = await until('the prediction', 60_000, () => panel.posted.find((m) => (m as { type: string; id?: number }).type === 'prediction' && (m as { id: number }).id === 7) as { probabilities: number[] } | undefined);
  assert.equal(answer.probabilities.length, 10);
  assert.ok(Math.abs(answer.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  // Inside the network answers with the same .h5 model, for the drawing and for a test image.
  c.onWebviewMessage({ type: 'inspect', id: 8, best: false, pixels });
  c.onWebviewMessage({ type: 'inspect', id: 9, best: true, testIndex: 3 });
  const inside = (id: number) => until(`activations ${id}`, 60_000, () => panel.posted.find((m) => (m as { type: string; id?: number }).type === 'activations' && (m as { id: number }).id === id)) as Promise<{ result: { model: string; layers: { name: string; values: number[] }[] } }>;
  const drawn = await inside(8);
  assert.equal(drawn.result.model, h5, 'the activations come from the .h5 model');
  assert.deepEqual(drawn.result.layers.map((l) => l.name), ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT']);
  const probs = drawn.result.layers.at(-1)!.values;
  for (let k = 0; k < 10; k++) assert.ok(Math.abs(probs[k] - answer.probabilities[k]) < 1e-5, 'its output layer is the try-it answer');
  assert.equal((await inside(9)).result.model, h5, 'best/ does not apply to a .h5 file: the file itself answers');

  assert.equal(await fake.vscode.commands.executeCommand('lenet.evaluateKerasModel', fake.vscode.Uri.file(join(tmp, 'missing.h5'))), false);
  assert.match(fake.shown.at(-1)!.message, /no saved model in .*missing\.h5/);
});
