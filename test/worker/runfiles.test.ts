// The pure parts of the worker: run folder naming and ordering, Keras CSV, metrics, config checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunDir, latestRunDir, metricsCsv, timestamp } from '../../src/worker/runDir';
import { confusionMatrix, lossAndAccuracy, perClassMetrics } from '../../src/worker/metrics';
import { validateTrainConfig } from '../../src/worker/config';
import { permutation, rng } from '../../src/shared/random';
import { tempDir } from './helpers';

test('run folders: timestamp names, same-second suffixes, latest with a model', (t) => {
  const out = tempDir(t);
  const now = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(timestamp(now), '20260102-030405');
  const a = createRunDir(out, now);
  const dirs = [a];
  for (let i = 0; i < 10; i++) dirs.push(createRunDir(out, now));
  assert.equal(dirs[1], `${a}-2`);
  assert.equal(dirs[10], `${a}-11`);
  assert.equal(latestRunDir(out), null, 'no model yet');
  for (const d of [dirs[9], dirs[10], a]) writeFileSync(join(d, 'model.json'), '{}');
  assert.equal(latestRunDir(out), dirs[10], '-11 sorts after -10 and -9');
  const later = createRunDir(out, new Date(2026, 0, 2, 3, 4, 6));
  writeFileSync(join(later, 'model.json'), '{}');
  mkdirSync(join(out, 'not-a-run'));
  writeFileSync(join(out, 'not-a-run', 'model.json'), '{}');
  assert.equal(latestRunDir(out), later);
  assert.equal(latestRunDir(join(out, 'missing')), null);
});

test('metrics.csv has Keras CSVLogger columns, 0-based epochs, nan/inf spelled like Python', () => {
  const csv = metricsCsv([
    { epoch: 1, loss: 0.5, acc: 0.75, val_loss: 0.25, val_acc: 0.875, seconds: 1 },
    { epoch: 2, loss: NaN, acc: 0.1, val_loss: Infinity, val_acc: 0.1, seconds: 1 },
  ]);
  assert.equal(csv, 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.75,0.5,0.875,0.25\n1,0.1,nan,0.1,inf\n');
});

test('loss/accuracy/confusion/per-class from probabilities', () => {
  // 3 samples, 3 classes: two right, one wrong (label 2 predicted 0).
  const probs = new Float32Array([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.6, 0.1, 0.3]);
  const labels = new Uint8Array([0, 1, 2]);
  const { loss, acc } = lossAndAccuracy(probs, labels, 3, 3);
  assert.ok(Math.abs(acc - 2 / 3) < 1e-12);
  assert.ok(Math.abs(loss - -(Math.log(0.8) + Math.log(0.7) + Math.log(0.3)) / 3) < 1e-6);
  const c = confusionMatrix(probs, labels, 3, 3);
  assert.deepEqual(c, [[1, 0, 0], [0, 1, 0], [1, 0, 0]]);
  const p = perClassMetrics(c);
  assert.deepEqual(p[0], { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
  assert.deepEqual(p[2], { precision: 0, recall: 0, f1: 0, support: 1 });
});

test('config validation names the field, the value and what is allowed', () => {
  const good = { dataset: 'mnist-sample', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'auto', seed: 1, limit: 0, outDir: '/tmp/x', cacheDir: '' };
  assert.deepEqual(validateTrainConfig(good), good);
  assert.throws(() => validateTrainConfig({ ...good, seed: -1 }), /^WorkerError: seed must be an integer from 0 to 4294967295, got -1$/);
  assert.throws(() => validateTrainConfig({ ...good, learningRate: NaN }), /learningRate must be a number > 0 and at most 3\.4e\+38, got NaN/);
  assert.throws(() => validateTrainConfig({ ...good, outDir: ' ' }), /outDir must be a folder path/);
  assert.throws(() => validateTrainConfig(null), /config must be an object/);
});

test('seeded shuffle: a permutation, reproducible, different per seed', () => {
  const a = permutation(1000, rng(7));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(a, permutation(1000, rng(7)));
  assert.notDeepEqual(a, permutation(1000, rng(8)));
  const r = rng(1);
  const first = r();
  assert.notEqual(first, r(), 'successive epochs shuffle differently');
});
