import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestRunWithModel, listRuns, parseMetricsCsv, runPanelState } from '../../src/host/runs';
import { LENET5 } from '../../src/model/lenet';

test('parseMetricsCsv reads Keras CSVLogger files (0-based epoch, any column order, nan/inf)', () => {
  const h = parseMetricsCsv('epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.6,1.2\n1,0.7,nan,0.75,inf\n');
  assert.equal(h.length, 2);
  assert.deepEqual(h[0], { epoch: 1, loss: 1.5, acc: 0.5, val_loss: 1.2, val_acc: 0.6, seconds: 0 });
  assert.ok(Number.isNaN(h[1].loss));
  assert.equal(h[1].val_loss, Infinity);
  const old = parseMetricsCsv('val_acc,epoch,acc,loss,val_loss\r\n0.9,0,0.8,0.4,0.3\r\n');
  assert.deepEqual(old[0], { epoch: 1, loss: 0.4, acc: 0.8, val_loss: 0.3, val_acc: 0.9, seconds: 0 });
  assert.deepEqual(parseMetricsCsv(''), []);
  assert.deepEqual(parseMetricsCsv('loss\n1\n'), [], 'no epoch column');
  assert.deepEqual(parseMetricsCsv('epoch,loss\nx,1\n-1,2\n'), [], 'bad epochs skipped');
});

test('listRuns: newest first, ignores other folders, reads config and metrics; runPanelState shows a run', () => {
  const out = mkdtempSync(join(tmpdir(), 'lenet-runs-'));
  try {
    const mk = (name: string, files: Record<string, string>) => {
      mkdirSync(join(out, name), { recursive: true });
      for (const [f, c] of Object.entries(files)) writeFileSync(join(out, name, f), c);
    };
    const config = (epochs: number) => JSON.stringify({
      dataset: 'auto', epochs, model: LENET5, backend: 'wasm',
      resolvedDataset: { name: 'mnist-sample', source: 'bundled', train: 2000, test: 500 },
    });
    mk('20261128-040000', { 'config.json': config(2), 'metrics.csv': 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.6,1.2\n1,0.7,1.0,0.75,0.9\n', 'model.json': '{}' });
    mk('20261128-050000', { 'config.json': config(5), 'metrics.csv': 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.6,1.2\n' });
    mk('20261128-040000-2', { 'config.json': config(1), 'model.json': '{}' });
    mk('not-a-run', { 'config.json': config(1) });
    mk('20261128-060000', {}); // empty: not listed
    writeFileSync(join(out, '20261128-070000'), 'a file, not a folder');
    const runs = listRuns(out);
    assert.deepEqual(runs.map((r) => r.name), ['20261128-050000', '20261128-040000-2', '20261128-040000']);
    assert.equal(runs[0].epochs, 5);
    assert.equal(runs[0].dataset, 'mnist-sample');
    assert.equal(runs[0].final?.val_acc, 0.6);
    assert.equal(runs[0].hasModel, false);
    assert.equal(latestRunWithModel(runs)?.name, '20261128-040000-2');
    assert.deepEqual(listRuns(join(out, 'missing')), []);

    const s = runPanelState(join(out, '20261128-040000'), runs);
    assert.equal(s.viewingRun, join(out, '20261128-040000'));
    assert.equal(s.status, 'done');
    assert.equal(s.history.length, 2);
    assert.equal(s.summary?.totalParams, 61706, 'summary rebuilt from the saved model spec');
    assert.equal(s.dataset?.name, 'mnist-sample');
    assert.equal(s.dataset?.train, 2000);
    assert.equal(s.dataset?.available, undefined, 'an older run folder does not know the dataset size');
    assert.equal(runPanelState(join(out, '20261128-050000'), runs).status, 'interrupted', '1 of 5 epochs and no summary.json: a reload or crash cut it short');
    assert.equal(runs[0].status, 'interrupted');
    assert.match(runs[0].reason ?? '', /after 1 of 5 epochs/);
    mk('20261128-080000', { 'config.json': JSON.stringify({
      epochs: 1, limit: 2000, resolvedDataset: { name: 'mnist-sample', source: 'bundled', train: 2000, available: 8000, test: 2000 },
    }) });
    assert.deepEqual(runPanelState(join(out, '20261128-080000'), runs).dataset,
      { name: 'mnist-sample', source: 'bundled', train: 2000, available: 8000, test: 2000, classes: [] });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
