// The callback and TensorBoard options of `lenet-lab train`, as a user runs them (built CLI, real
// worker): what they put in config.json and metrics.csv, the Keras lines they print, and the
// one-line errors for bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ensureBuilt, tempDir } from '../worker/helpers';

function train(out: string, extra: string[]) {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, 'train', '--dataset', 'mnist-sample', '--limit', '128', '--out', out, ...extra], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, run: existsSync(out) && readdirSync(out).length ? join(out, readdirSync(out)[0]) : '' };
}

test('--lr-schedule and --no-tensorboard: the rate per epoch in metrics.csv, Keras\'s line, no logs folder', (t) => {
  const r = train(tempDir(t, 'lenet-cli-'), ['--epochs', '3', '--lr-schedule', 'step:1:0.5', '--no-tensorboard']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Epoch 2\/3 .*\nEpoch 3: LearningRateScheduler setting learning rate to 0\.0025\.\n/);
  assert.match(r.stdout, /\nEpoch 2: LearningRateScheduler setting learning rate to 0\.005\.\n/);
  const csv = readFileSync(join(r.run, 'metrics.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss');
  assert.deepEqual(csv.slice(1).map((l) => Number(l.split(',')[2])), [0.01, 0.005, 0.0025]);
  assert.equal(existsSync(join(r.run, 'logs')), false);
  const config = JSON.parse(readFileSync(join(r.run, 'config.json'), 'utf8'));
  assert.equal(config.lrSchedule, 'step:1:0.5');
  assert.equal(config.tensorboard, false);
});

test('EarlyStopping options: stops, restores, says so; TensorBoard logs by default', (t) => {
  const r = train(tempDir(t, 'lenet-cli-'), [
    '--epochs', '5', '--early-stopping-patience', '1', '--early-stopping-monitor', 'loss', '--early-stopping-mode', 'max', '--restore-best-weights',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Epoch 2\/5 .*\nEpoch 2: early stopping \(loss did not improve for 1 epoch; best [\d.]+ at epoch 1\)\nRestoring model weights from the end of the best epoch: 1\.\n/);
  assert.doesNotMatch(r.stdout, /Epoch 3\/5/);
  const config = JSON.parse(readFileSync(join(r.run, 'config.json'), 'utf8'));
  assert.deepEqual(config.earlyStopping, { monitor: 'loss', minDelta: 0, patience: 1, mode: 'max', restoreBestWeights: true });
  assert.equal(readdirSync(join(r.run, 'logs', 'train')).length, 1);
  assert.equal(readdirSync(join(r.run, 'logs', 'validation')).length, 1);
});

test('bad callback values: one line, exit 2, no run folder', (t) => {
  const out = tempDir(t, 'lenet-cli-');
  const a = train(out, ['--early-stopping-monitor', 'val_acc']);
  assert.equal(a.code, 2);
  assert.equal(a.stderr, "lenet-lab: usage: --early-stopping-monitor must be one of val_loss, val_accuracy, loss, accuracy, got 'val_acc'\n");
  const b = train(out, ['--lr-schedule', 'linear']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /^lenet-lab: error: learning-rate schedule must be step:EVERY:FACTOR .* got 'linear'\n$/);
  const c = train(out, ['--reduce-lr-factor', '1.5']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /reduceLrOnPlateau\.factor must be a number > 0 and < 1, got 1\.5/);
  assert.equal(existsSync(out) ? readdirSync(out).filter((n) => /^\d{8}-/.test(n)).length : 0, 0);
});
