// The panel side of the callbacks and the Keras export: callback events in the panel state (live
// and for a past run from summary.json), their places on the charts' epoch axis, the
// "Export for Keras" message checks, and the export run through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportRunForKeras } from '../../src/host/exportKeras';
import { runPanelState } from '../../src/host/runs';
import { checkWebviewMessage } from '../../src/host/webviewMessages';
import { initialPanelState, reducePanelState, startingPanelState } from '../../src/shared/panelState';
import { PROTOCOL_VERSION, type WorkerEvent } from '../../src/shared/protocol';
import { callbackNotes, noteX } from '../../webview/callbackNotes';
import { CLI, ensureBuilt, tempDir } from '../worker/helpers';
import { LENET5 } from '../../src/model/lenet';

const v = PROTOCOL_VERSION;

test('callback events become notes in the panel state; a new run starts without them', () => {
  let s = initialPanelState();
  const events: WorkerEvent[] = [
    { v, type: 'epochEnd', epoch: 1, epochs: 5, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5, seconds: 1, samplesPerSecond: 10, learning_rate: 0.01 },
    { v, type: 'callback', epoch: 2, callback: 'ReduceLROnPlateau', message: 'Epoch 2: ReduceLROnPlateau reducing learning rate to 0.001.', learningRate: 0.001 },
    { v, type: 'callback', epoch: 3, callback: 'EarlyStopping', message: 'Epoch 3: early stopping' },
  ];
  for (const e of events) s = reducePanelState(s, e);
  assert.equal(s.history[0].learning_rate, 0.01);
  assert.deepEqual(s.callbacks, [
    { epoch: 2, callback: 'ReduceLROnPlateau', message: 'Epoch 2: ReduceLROnPlateau reducing learning rate to 0.001.', learningRate: 0.001 },
    { epoch: 3, callback: 'EarlyStopping', message: 'Epoch 3: early stopping' },
  ]);
  assert.equal(s.message, 'Epoch 3: early stopping');
  assert.equal(startingPanelState(s, 5).callbacks, undefined);
});

test('chart markers: a schedule acts as its epoch begins, the others as it ends; malformed notes are ignored', () => {
  const s = {
    ...initialPanelState(),
    callbacks: [
      { epoch: 3, callback: 'LearningRateScheduler', message: 'Epoch 3: LearningRateScheduler setting learning rate to 0.005.' },
      { epoch: 4, callback: 'EarlyStopping', message: 'Epoch 4: early stopping' },
      { epoch: 'x', callback: 'EarlyStopping', message: 1 },
    ],
  } as unknown as Parameters<typeof callbackNotes>[0];
  assert.deepEqual(callbackNotes(s).map(noteX), [2, 4]);
  assert.deepEqual(callbackNotes({ ...initialPanelState(), callbacks: 'nope' as never }), []);
});

test('a past run shows what its callbacks did (summary.json), checked field by field', (t) => {
  const run = join(tempDir(t, 'lenet-runs-'), '20260101-000000');
  mkdirSync(run);
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 5, model: LENET5 }));
  writeFileSync(join(run, 'metrics.csv'), 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\n0,0.5,0.01,1,0.5,1\n1,0.6,0.01,0.9,0.6,0.9\n');
  writeFileSync(join(run, 'summary.json'), JSON.stringify({
    callbacks: [
      { epoch: 2, callback: 'EarlyStopping', message: 'Epoch 2: early stopping' },
      { epoch: 2, callback: 'rm -rf', message: 'x' },
      { epoch: 0, callback: 'EarlyStopping', message: 'bad epoch' },
    ],
  }));
  const s = runPanelState(run, []);
  assert.deepEqual(s.callbacks, [{ epoch: 2, callback: 'EarlyStopping', message: 'Epoch 2: early stopping' }]);
  assert.equal(s.history.length, 2);
});

test('exportKeras messages: only for a run the host listed', () => {
  const known = new Set(['/runs/a']);
  assert.deepEqual(checkWebviewMessage({ type: 'exportKeras', runDir: '/runs/a' }, known), { ok: true, message: { type: 'exportKeras', runDir: '/runs/a' } });
  assert.deepEqual(checkWebviewMessage({ type: 'exportKeras', runDir: '/etc' }, known), { ok: false, reason: 'exportKeras: "runDir" is not one of the listed runs' });
  assert.deepEqual(checkWebviewMessage({ type: 'exportKeras', runDir: '/runs/a', out: '/tmp/x' }, known), { ok: false, reason: 'exportKeras: unexpected field "out"' });
});

test('the panel\'s export runs the CLI: a file for a trained run, its one-line error otherwise', async (t) => {
  ensureBuilt();
  const dir = tempDir(t, 'lenet-export-');
  const bad = await exportRunForKeras(CLI, dir, join(dir, 'x.h5'));
  assert.deepEqual(bad, { ok: false, message: `no config.json in ${dir} or its parent: pass a run folder made by LeNet Lab (or its best/)` });
  // A run folder by hand: the seed's model with zero weights in TF.js layers format.
  const run = join(dir, 'run');
  mkdirSync(run);
  writeFileSync(join(run, 'config.json'), JSON.stringify({ model: LENET5 }));
  const shapes: [string, number[]][] = [
    ['C1/kernel', [5, 5, 1, 6]], ['C1/bias', [6]], ['C3/kernel', [5, 5, 6, 16]], ['C3/bias', [16]], ['C5/kernel', [5, 5, 16, 120]], ['C5/bias', [120]],
    ['FC6/kernel', [120, 84]], ['FC6/bias', [84]], ['OUTPUT/kernel', [84, 10]], ['OUTPUT/bias', [10]],
  ];
  const weights = shapes.map(([name, shape]) => ({ name, shape, dtype: 'float32' }));
  writeFileSync(join(run, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['./weights.bin'], weights }] }));
  writeFileSync(join(run, 'weights.bin'), Buffer.alloc(61706 * 4));
  const out = join(dir, 'lenet.h5');
  const ok = await exportRunForKeras(CLI, run, out);
  assert.equal(ok.ok, true, ok.message);
  assert.match(ok.message, /Exported .* \(Keras 2\.13\.1 HDF5, 61,706 parameters\)/);
  assert.ok(existsSync(out));
  assert.equal(readFileSync(out).subarray(0, 8).toString('latin1'), '\x89HDF\r\n\x1a\n');
});
