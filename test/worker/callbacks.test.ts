// Keras's callbacks: the state machines against the cases of Keras's own tests
// (keras/src/callbacks/early_stopping_test.py, reduce_lr_on_plateau_test.py), then in real
// training: the rate reaches the optimizer, metrics.csv gets learning_rate only when a callback
// can change it, EarlyStopping ends the run and restore_best_weights saves the best epoch's weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EARLY_STOPPING_DEFAULTS, EarlyStopping, parseLrSchedule, REDUCE_LR_DEFAULTS, ReduceLROnPlateau, scheduledLr, type Logs,
} from '../../src/shared/callbacks';
import { validateTrainConfig } from '../../src/worker/config';
import { loadModel, metricsCsv } from '../../src/worker/runDir';
import { tempDir } from './helpers';
import { readCsv, tf, trainTiny, weightsOf } from './tinyTraining';

const logs = (over: Partial<Logs>): Logs => ({ loss: NaN, accuracy: NaN, val_loss: NaN, val_accuracy: NaN, ...over });

/** Runs an EarlyStopping over a series like Keras's fit loop; returns the stop epoch (0 = none) and the weights "epoch" at the end. */
function runEarly(opts: Partial<typeof EARLY_STOPPING_DEFAULTS>, monitor: keyof Logs, values: number[]) {
  const es = new EarlyStopping({ ...EARLY_STOPPING_DEFAULTS, monitor, ...opts });
  let weights = -1, snapshot = -1;
  let epochs = 0;
  for (let epoch = 0; epoch < values.length; epoch++) {
    epochs++;
    weights = epoch;
    const step = es.onEpochEnd(epoch, logs({ [monitor]: values[epoch] }));
    if (step.snapshot) snapshot = weights;
    if (step.stop) break;
  }
  if (es.restoreMessage()) weights = snapshot;
  return { stoppedEpoch: es.stoppedEpoch, epochs, weights, es };
}

test('EarlyStopping patience: Keras\'s test_early_stopping_patience', () => {
  const losses = [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5];
  for (const patience of [0, 1, 2, 3]) {
    assert.equal(runEarly({ patience }, 'loss', losses).stoppedEpoch, Math.max(patience, 1) + 2, `patience ${patience}`);
  }
  assert.equal(runEarly({ patience: 2 }, 'loss', [3, 2, 1]).stoppedEpoch, 0, 'always improving: never stops');
});

test('EarlyStopping restore_best_weights: Keras\'s test_early_stopping_final_weights_when_restoring_model_weights', () => {
  const r = runEarly({ patience: 2, restoreBestWeights: true }, 'val_loss', [0.2, 0.15, 0.1, 0.11, 0.12]);
  assert.equal(r.weights, 2, 'the best epoch\'s weights');
  assert.equal(r.es.restoreMessage(), 'Restoring model weights from the end of the best epoch: 3.');
  assert.equal(r.es.stopMessage(), 'Epoch 5: early stopping (val_loss did not improve for 2 epochs; best 0.1 at epoch 3)');
  // Keras 3 restores at the end even when training was not stopped early.
  const done = runEarly({ patience: 5, restoreBestWeights: true }, 'val_loss', [0.3, 0.1, 0.2]);
  assert.equal(done.stoppedEpoch, 0);
  assert.equal(done.weights, 1);
  assert.equal(runEarly({ patience: 2 }, 'val_loss', [0.2, 0.1, 0.3]).es.restoreMessage(), null, 'off unless asked');
});

test('EarlyStopping min_delta and mode: smaller changes are no improvement; auto means up for accuracy, down for loss', () => {
  const acc = [0.5, 0.505, 0.509, 0.52];
  assert.equal(runEarly({ patience: 2, minDelta: 0.01 }, 'val_accuracy', acc).stoppedEpoch, 2);
  assert.equal(runEarly({ patience: 2, minDelta: 0 }, 'val_accuracy', acc).stoppedEpoch, 0);
  assert.equal(runEarly({ patience: 1, mode: 'min' }, 'val_accuracy', acc).stoppedEpoch, 1, 'mode min: rising accuracy is no improvement');
  assert.equal(runEarly({ patience: 1, mode: 'max' }, 'loss', [3, 2, 1]).stoppedEpoch, 1);
  assert.equal(runEarly({ patience: 1, minDelta: 0.5 }, 'loss', [3, 2.6, 2.2]).stoppedEpoch, 1, 'loss must fall by more than min_delta');
});

/** A ReduceLROnPlateau over losses that never fall by min_delta (Keras's tests use min_delta 100 for that). */
function plateau(opts: Partial<typeof REDUCE_LR_DEFAULTS>, epochs: number, lr0 = 0.1) {
  const rl = new ReduceLROnPlateau({ ...REDUCE_LR_DEFAULTS, ...opts });
  let lr = lr0;
  const rates: number[] = [];
  for (let e = 0; e < epochs; e++) {
    lr = rl.onEpochEnd(e, logs({ val_loss: 1 - e * 0.001 }), lr) ?? lr;
    rates.push(lr);
  }
  return rates;
}

test('ReduceLROnPlateau factor, min_lr and cooldown: Keras\'s tests', () => {
  assert.deepEqual(plateau({ patience: 1, factor: 0.1, minDelta: 100 }, 2), [0.1, 0.010000000000000002], 'test_reduces_lr_with_model_fit');
  assert.equal(plateau({ patience: 1, factor: 0.1, minDelta: 10, minLr: 0.005 }, 4).at(-1), 0.005, 'test_honors_min_lr');
  const cool = plateau({ patience: 1, factor: 0.1, minDelta: 100, cooldown: 2 }, 4);
  assert.ok(Math.abs(cool.at(-1)! - 0.001) < 1e-12, `test_cooldown: two reductions in 4 epochs (${cool})`);
  assert.deepEqual(plateau({ patience: 3, factor: 0.5, minDelta: 0 }, 6, 1), [1, 1, 1, 1, 1, 1], 'improving every epoch: no change');
  assert.deepEqual(plateau({ patience: 2, factor: 0.5, minDelta: 100 }, 6, 1), [1, 1, 0.5, 0.5, 0.25, 0.25], 'patience counts epochs without improvement');
  assert.throws(() => new ReduceLROnPlateau({ ...REDUCE_LR_DEFAULTS, factor: 1 }), /factor must be < 1/);
});

test('learning-rate schedules: step and cosine (Keras CosineDecay), and their syntax', () => {
  const step = parseLrSchedule('step:10:0.5', 50);
  assert.deepEqual([0, 9, 10, 19, 20, 49].map((e) => scheduledLr(step, 0.01, e)), [0.01, 0.01, 0.005, 0.005, 0.0025, 0.01 * 0.5 ** 4]);
  const cos = parseLrSchedule('cosine', 10);
  assert.equal(scheduledLr(cos, 0.1, 0), 0.1);
  assert.ok(Math.abs(scheduledLr(cos, 0.1, 5) - 0.05) < 1e-12);
  assert.ok(Math.abs(scheduledLr(cos, 0.1, 10)) < 1e-12);
  const floor = parseLrSchedule('cosine:0.1', 10);
  assert.ok(Math.abs(scheduledLr(floor, 0.1, 10) - 0.01) < 1e-12, 'alpha: the floor as a fraction of the initial rate');
  for (const bad of ['step', 'step:0:0.5', 'step:2:0', 'step:2:1.5', 'cosine:2', 'linear', 'step:1.5:0.5']) {
    assert.throws(() => parseLrSchedule(bad, 10), /learning-rate schedule must be step:EVERY:FACTOR .* or cosine\[:ALPHA\]/, bad);
  }
});

test('config fields: Keras defaults filled in, bad values named', () => {
  const good = { dataset: 'mnist-sample', epochs: 5, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'auto', seed: 1, limit: 0, outDir: '/tmp/x', cacheDir: '' };
  assert.deepEqual(validateTrainConfig({ ...good, earlyStopping: { patience: 3 } }).earlyStopping,
    { monitor: 'val_loss', minDelta: 0, patience: 3, mode: 'auto', restoreBestWeights: false });
  assert.deepEqual(validateTrainConfig({ ...good, reduceLrOnPlateau: { factor: 0.5 } }).reduceLrOnPlateau,
    { monitor: 'val_loss', factor: 0.5, patience: 10, minLr: 0, minDelta: 1e-4, cooldown: 0, mode: 'auto' });
  assert.throws(() => validateTrainConfig({ ...good, earlyStopping: { monitor: 'val_acc' } }), /earlyStopping\.monitor must be one of val_loss, val_accuracy, loss, accuracy, got "val_acc"/);
  assert.throws(() => validateTrainConfig({ ...good, earlyStopping: { patients: 3 } }), /unknown earlyStopping field "patients"/);
  assert.throws(() => validateTrainConfig({ ...good, reduceLrOnPlateau: { factor: 2 } }), /reduceLrOnPlateau\.factor must be a number > 0 and < 1, got 2/);
  assert.throws(() => validateTrainConfig({ ...good, lrSchedule: 'step:x' }), /learning-rate schedule must be/);
  assert.throws(() => validateTrainConfig({ ...good, lrSchedule: 'cosine', reduceLrOnPlateau: {} }), /use either lrSchedule or reduceLrOnPlateau/);
  assert.throws(() => validateTrainConfig({ ...good, tensorboard: 'no' }), /tensorboard must be true or false/);
});

test('metrics.csv: learning_rate is a column (alphabetical, like CSVLogger) only when logged', () => {
  const h = [{ epoch: 1, loss: 0.5, acc: 0.75, val_loss: 0.25, val_acc: 0.875, seconds: 1, learning_rate: 0.01 }];
  assert.equal(metricsCsv(h), 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\n0,0.75,0.01,0.5,0.875,0.25\n');
});

for (const optimizer of ['sgd', 'adam'] as const) {
  test(`real training (${optimizer}): a schedule's rate reaches the optimizer and metrics.csv`, async (t) => {
    const out = tempDir(t);
    const snapshots: number[][][] = [];
    const r = await trainTiny(out, { optimizer, lrSchedule: 'step:1:1e-9' }, (e, model) => {
      if (e.type === 'epochEnd') snapshots.push(weightsOf(model));
    });
    r.model.dispose();
    const csv = readCsv(join(r.runDir, 'metrics.csv'));
    assert.deepEqual(csv.map((row) => row.learning_rate), [0.05, 0.05 * 1e-9, 0.05 * 1e-9 ** 2]);
    const change = (a: number[][], b: number[][]) => Math.max(...a.flatMap((w, i) => w.map((x, j) => Math.abs(x - b[i][j]))));
    assert.ok(change(snapshots[0], snapshots[1]) < 1e-6, 'epoch 2 at a rate of 5e-11 barely moves the weights');
    const callbacks = r.events.filter((e) => e.type === 'callback');
    assert.deepEqual(callbacks.map((e) => e.type === 'callback' && [e.epoch, e.callback, e.message]), [
      [2, 'LearningRateScheduler', `Epoch 2: LearningRateScheduler setting learning rate to ${0.05 * 1e-9}.`],
      [3, 'LearningRateScheduler', `Epoch 3: LearningRateScheduler setting learning rate to ${0.05 * 1e-9 ** 2}.`],
    ]);
  });
}

test('real training: no callback, no learning_rate column', async (t) => {
  const r = await trainTiny(tempDir(t), { epochs: 1 });
  r.model.dispose();
  assert.equal(readFileSync(join(r.runDir, 'metrics.csv'), 'utf8').split('\n')[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
});

test('real training: ReduceLROnPlateau halves the rate after patience epochs, with Keras\'s message', async (t) => {
  const r = await trainTiny(tempDir(t), { reduceLrOnPlateau: { ...REDUCE_LR_DEFAULTS, monitor: 'loss', mode: 'max', patience: 1, factor: 0.5 } });
  r.model.dispose();
  assert.deepEqual(readCsv(join(r.runDir, 'metrics.csv')).map((row) => row.learning_rate), [0.05, 0.05, 0.025]);
  assert.deepEqual(r.events.filter((e) => e.type === 'callback').map((e) => e.type === 'callback' && [e.epoch, e.message, e.learningRate]), [
    [2, 'Epoch 2: ReduceLROnPlateau reducing learning rate to 0.025.', 0.025],
    [3, 'Epoch 3: ReduceLROnPlateau reducing learning rate to 0.0125.', 0.0125],
  ]);
  // The callback event follows its epoch's epochEnd, as Keras prints after the epoch line.
  const order = r.events.filter((e) => e.type === 'epochEnd' || e.type === 'callback').map((e) => e.type);
  assert.deepEqual(order, ['epochEnd', 'epochEnd', 'callback', 'epochEnd', 'callback']);
});

test('real training: EarlyStopping stops the run and restore_best_weights saves the best epoch\'s weights', async (t) => {
  const out = tempDir(t);
  const snapshots: number[][][] = [];
  // Loss falls every epoch, so in mode max the first epoch stays the best and patience 1 stops at epoch 2.
  const r = await trainTiny(out, {
    epochs: 10, earlyStopping: { ...EARLY_STOPPING_DEFAULTS, monitor: 'loss', mode: 'max', patience: 1, restoreBestWeights: true },
  }, (e, model) => {
    if (e.type === 'epochEnd') snapshots.push(weightsOf(model));
  });
  assert.equal(r.history.length, 2);
  assert.equal(snapshots.length, 2);
  assert.notDeepEqual(snapshots[0], snapshots[1]);
  assert.deepEqual(weightsOf(r.model), snapshots[0], 'the model in memory has epoch 1\'s weights');
  r.model.dispose();
  const saved = await loadModel(tf, r.runDir);
  assert.deepEqual(weightsOf(saved), snapshots[0], 'and so has the saved model');
  saved.dispose();
  const summary = JSON.parse(readFileSync(join(r.runDir, 'summary.json'), 'utf8'));
  assert.equal(summary.stoppedEarly, 2);
  assert.equal(summary.stopped, false, 'not a user stop');
  assert.deepEqual(r.events.filter((e) => e.type === 'callback').map((e) => e.type === 'callback' && e.message), [
    'Epoch 2: early stopping (loss did not improve for 1 epoch; best ' + readCsv(join(r.runDir, 'metrics.csv'))[0].loss + ' at epoch 1)',
    'Restoring model weights from the end of the best epoch: 1.',
  ]);
});
