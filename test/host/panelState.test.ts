import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_BATCH_POINTS, appendBatchPoint, emptySeries, estimateEtaSeconds, initialPanelState,
  reducePanelState, restorePanelState, startingPanelState,
} from '../../src/shared/panelState';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import type { WorkerEvent } from '../../src/shared/protocol';
import { datasetSizeText } from '../../src/shared/datasetText';
import type { PanelState } from '../../src/shared/webviewProtocol';

const v = PROTOCOL_VERSION;
const apply = (s: PanelState, events: WorkerEvent[], now?: number) => events.reduce((a, e) => reducePanelState(a, e, now), s);

test('a short run goes starting -> loading -> training -> done with history and summary', () => {
  let s = startingPanelState(initialPanelState(), 2);
  assert.equal(s.status, 'starting');
  s = apply(s, [
    { v, type: 'ready', backend: 'wasm', reason: 'tfjs-node is not installed', versions: {} },
    { v, type: 'dataset', name: 'mnist-sample', source: 'bundled', train: 2000, test: 500, classes: ['0', '1'] },
    {
      v, type: 'summary', totalParams: 61706, trainableParams: 61706, nonTrainableParams: 0,
      layers: [{ name: 'C1', type: 'Conv2D', outputShape: [null, 28, 28, 6], params: 156 }],
    },
  ]);
  assert.equal(s.status, 'loading');
  assert.deepEqual(s.backend, { name: 'wasm', reason: 'tfjs-node is not installed' });
  assert.equal(s.dataset?.train, 2000);
  assert.equal(s.dataset?.available, undefined);
  assert.equal(s.message, 'Building the model', 'the header shows the dataset; the message does not repeat it');
  assert.equal(s.trainStep, undefined);
  s = apply(s, [{ v, type: 'trainStep', name: 'wasm-2-threads', label: 'tfjs (wasm, 2 threads)', reason: 'optimizer Adagrad is not fused' }]);
  assert.deepEqual(s.trainStep, { label: 'tfjs (wasm, 2 threads)', reason: 'optimizer Adagrad is not fused' });
  assert.equal(startingPanelState(s, 2).trainStep, undefined, 'a new run forgets the last run\'s step');
  assert.equal(s.summary?.totalParams, 61706);
  assert.equal((s.summary as unknown as Record<string, unknown>).type, undefined, 'event tag not copied into summary');
  s = apply(s, [
    { v, type: 'epochBegin', epoch: 1, epochs: 2, batches: 4 },
    { v, type: 'batchEnd', epoch: 1, batch: 1, batches: 4, loss: 2.3, acc: 0.1 },
    { v, type: 'batchEnd', epoch: 1, batch: 2, batches: 4, loss: 2.0, acc: 0.3 },
  ]);
  assert.equal(s.status, 'training');
  assert.deepEqual(s.batchSeries.x, [0.25, 0.5]);
  assert.deepEqual(s.batchSeries.loss, [2.3, 2.0]);
  s = apply(s, [
    { v, type: 'epochEnd', epoch: 1, epochs: 2, loss: 1.5, acc: 0.5, val_loss: 1.2, val_acc: 0.6, seconds: 10, samplesPerSecond: 200 },
  ]);
  assert.equal(s.history.length, 1);
  assert.equal(s.samplesPerSecond, 200);
  assert.equal(s.etaSeconds, 10, 'one epoch left at 10 s per epoch');
  const history = [
    { epoch: 1, loss: 1.5, acc: 0.5, val_loss: 1.2, val_acc: 0.6, seconds: 10 },
    { epoch: 2, loss: 1.0, acc: 0.7, val_loss: 0.9, val_acc: 0.75, seconds: 9 },
  ];
  s = reducePanelState(s, { v, type: 'done', history, runDir: '/runs/a', stopped: false });
  assert.equal(s.status, 'done');
  assert.equal(s.runDir, '/runs/a');
  assert.equal(s.history.length, 2);
  assert.equal(s.etaSeconds, undefined);
});

test('the reducer never mutates its input', () => {
  const s0 = initialPanelState();
  const frozen = JSON.stringify(s0);
  const s1 = reducePanelState(s0, { v, type: 'batchEnd', epoch: 1, batch: 1, batches: 10, loss: 1, acc: 0 });
  assert.equal(JSON.stringify(s0), frozen);
  assert.notEqual(s1.batchSeries, s0.batchSeries);
});

test('stop: progress events after stopping do not flip the status back; stopped and done(stopped) say so', () => {
  let s: PanelState = { ...initialPanelState(), status: 'stopping' };
  s = reducePanelState(s, { v, type: 'batchEnd', epoch: 3, batch: 5, batches: 10, loss: 1, acc: 0.5 });
  assert.equal(s.status, 'stopping');
  s = reducePanelState(s, { v, type: 'stopped', epoch: 3, batch: 5 });
  assert.equal(s.status, 'stopping', 'still saving: the run ends at done');
  assert.match(s.message ?? '', /epoch 3, batch 5/);
  s = reducePanelState(s, { v, type: 'done', history: [], runDir: '/r', stopped: true });
  assert.equal(s.status, 'stopped');
  const early = reducePanelState({ ...initialPanelState(), status: 'stopping' }, { v, type: 'done', history: [], runDir: '', stopped: true });
  assert.equal(early.runDir, undefined, 'stopped before the run folder existed');
  assert.equal(early.message, 'Stopped after 0 epochs');
});

test('errors set status error except BUSY, which keeps the run going', () => {
  const training: PanelState = { ...initialPanelState(), status: 'training' };
  const busy = reducePanelState(training, { v, type: 'error', code: 'BUSY', message: 'training in progress' });
  assert.equal(busy.status, 'training');
  const dead = reducePanelState(training, { v, type: 'error', code: 'WORKER_EXITED', message: 'worker exited with code 1' });
  assert.equal(dead.status, 'error');
  assert.equal(dead.message, 'worker exited with code 1');
});

const AVG = { macro: { precision: 0.9, recall: 0.9, f1: 0.9, support: 2000 }, weighted: { precision: 0.9, recall: 0.9, f1: 0.9, support: 2000 } };

test('evaluation is stored and summarised with the image count', () => {
  const confusion = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 195 : i === 0 && j === 1 ? 50 : 0)));
  const s = reducePanelState({ ...initialPanelState(), status: 'evaluating' }, {
    v, type: 'evaluation', modelDir: '/r', dataset: 'mnist-sample', classes: [], loss: 0.1, acc: 0.975,
    confusion, perClass: [], averages: AVG, misclassified: [],
  });
  assert.equal(s.status, 'idle', 'no run in this state: back to idle');
  assert.equal(s.evaluation?.acc, 0.975);
  assert.equal(s.message, 'Test accuracy 0.9750 on mnist-sample (2,000 images)');
});

test('after an evaluation the status returns to the run outcome (done / stopped), derived from the state', () => {
  const ev: WorkerEvent = {
    v, type: 'evaluation', modelDir: '/r', dataset: 'd', classes: [], loss: 1, acc: 0.5,
    confusion: Array.from({ length: 10 }, () => new Array(10).fill(1)), perClass: [], averages: AVG, misclassified: [],
  };
  const row = (epoch: number) => ({ epoch, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5, seconds: 1 });
  const finished: PanelState = { ...initialPanelState(), status: 'evaluating', epochs: 2, history: [row(1), row(2)] };
  assert.equal(reducePanelState(finished, ev).status, 'done');
  const stopped: PanelState = { ...finished, history: [row(1)] };
  assert.equal(reducePanelState(stopped, ev).status, 'stopped');
  assert.equal(reducePanelState({ ...finished, status: 'training' }, ev).status, 'training', 'only an evaluating status changes');
});

test('decimation keeps 50 x 938 batches under the cap, evenly spaced, with exact means', () => {
  let series = emptySeries();
  const epochs = 50;
  const batches = 938;
  let total = 0;
  let sumLoss = 0;
  for (let e = 1; e <= epochs; e++) {
    for (let b = 1; b <= batches; b++) {
      const loss = 1 / (e + b / batches); // decreasing, like a real loss
      series = appendBatchPoint(series, e - 1 + b / batches, loss, 0.5);
      total++;
      sumLoss += loss;
      assert.ok(series.x.length <= MAX_BATCH_POINTS);
    }
  }
  const n = series.x.length;
  assert.ok(n >= MAX_BATCH_POINTS / 2, `at least half the cap kept, got ${n}`);
  const stride = series.stride ?? 1;
  assert.equal(stride, 16, '46,900 batches need stride 16 to fit 5,000 points');
  // Every point holds `stride` batches except the last; the counts add up to all batches.
  assert.equal((n - 1) * stride + (series.lastCount ?? 0), total);
  // Weighted mean of the points equals the mean of all batch losses (merging loses nothing).
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += series.loss[i] * (i === n - 1 ? series.lastCount! : stride);
  assert.ok(Math.abs(weighted / total - sumLoss / total) < 1e-9);
  // x stays sorted and evenly spaced (stride batches apart) except at the end.
  const dx = stride / batches;
  for (let i = 1; i < n - 1; i++) assert.ok(Math.abs(series.x[i] - series.x[i - 1] - dx) < 1e-9, `spacing at ${i}`);
  assert.ok(series.x[n - 1] <= epochs);
});

test('decimation with a tiny cap merges pairs with the right weights', () => {
  let s = emptySeries();
  for (let i = 1; i <= 5; i++) s = appendBatchPoint(s, i, i, i, 4);
  // 5 points > cap 4 -> pairs (1,2) (3,4) and a lone 5.
  assert.deepEqual(s.x, [1.5, 3.5, 5]);
  assert.equal(s.stride, 2);
  assert.equal(s.lastCount, 1);
  s = appendBatchPoint(s, 6, 6, 6, 4);
  assert.deepEqual(s.x, [1.5, 3.5, 5.5], 'the 6th batch fills the last point');
  assert.equal(s.lastCount, 2);
});

test('ETA: from finished epochs, from the epoch pace with a clock, unknown otherwise', () => {
  const base: PanelState = { ...initialPanelState(), status: 'training', epoch: 3, epochs: 10, batch: 50, batches: 100 };
  assert.equal(estimateEtaSeconds(base), undefined, 'no finished epoch and no clock');
  const withHistory: PanelState = {
    ...base,
    history: [1, 2].map((epoch) => ({ epoch, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5, seconds: 20 })),
  };
  // 7 epochs after this one + half of this one, at 20 s each.
  assert.equal(estimateEtaSeconds(withHistory), 150);
  // First epoch: 50 of 100 batches in 30 s -> 60 s per epoch -> 7.5 epochs left -> 450 s.
  const first = reducePanelState(
    reducePanelState(initialPanelState(), { v, type: 'epochBegin', epoch: 1, epochs: 8, batches: 100 }, 1_000_000),
    { v, type: 'batchEnd', epoch: 1, batch: 50, batches: 100, loss: 1, acc: 0.1 }, 1_030_000);
  assert.equal(first.etaSeconds, 450);
});

test('restorePanelState: junk gives the initial state; a mid-run snapshot is marked interrupted', () => {
  assert.deepEqual(restorePanelState(undefined), initialPanelState());
  assert.deepEqual(restorePanelState({ status: 'done', history: 'x' }), initialPanelState());
  assert.deepEqual(restorePanelState({ status: 'done', history: [], runs: [], batchSeries: { x: [1], loss: [], acc: [] } }), initialPanelState());
  const mid = { ...initialPanelState(), status: 'training' as const, epoch: 3, etaSeconds: 100 };
  const r = restorePanelState(JSON.parse(JSON.stringify(mid)));
  assert.equal(r.status, 'interrupted');
  assert.equal(r.etaSeconds, undefined);
  assert.match(r.message ?? '', /reload/);
  const done = { ...initialPanelState(), status: 'done' as const, runDir: '/r' };
  assert.deepEqual(restorePanelState(done), done);
});

test('restorePanelState keeps a current evaluation and drops one saved by an older version (first 100 images with pixels)', () => {
  const evaluation = {
    modelDir: '/r', dataset: 'mnist-sample', classes: [], loss: 1, acc: 0.5, confusion: [], perClass: [], averages: AVG,
    misclassified: [{ label: 4, predicted: 9, indices: [7], probability: [0.6], trueProbability: [0.3] }],
  };
  const done = { ...initialPanelState(), status: 'done' as const, runDir: '/r', evaluation };
  assert.deepEqual(restorePanelState(JSON.parse(JSON.stringify(done))), done);
  const { averages: _a, ...noAverages } = evaluation;
  const old = { ...done, evaluation: { ...noAverages, misclassified: [{ index: 7, label: 4, predicted: 9, probabilities: [], pixels: [] }] } };
  const restored = restorePanelState(JSON.parse(JSON.stringify(old)));
  assert.equal(restored.evaluation, undefined, 'evaluate again to see it');
  assert.equal(restored.runDir, '/r', 'the rest is kept');
  assert.equal(restorePanelState({ ...done, evaluation: { ...evaluation, misclassified: [{ index: 7 }] } }).evaluation, undefined);
});

test('a limited run says how many images it trains on and how many the dataset has', () => {
  const s = reducePanelState(startingPanelState(initialPanelState(), 2),
    { v, type: 'dataset', name: 'mnist-sample', source: 'bundled', train: 2000, available: 8000, test: 2000, classes: [] });
  assert.deepEqual(s.dataset, { name: 'mnist-sample', source: 'bundled', train: 2000, available: 8000, test: 2000, classes: [] });
  assert.equal(s.message, 'Building the model');
  assert.equal(datasetSizeText({ train: 8000, available: 8000, test: 2000 }), '8,000 train / 2,000 test', 'no "of" when all are used');
});
