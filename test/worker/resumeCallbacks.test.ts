// The callbacks go on after a resume as if the run had never stopped: EarlyStopping's counter, best
// value and best weights (restoreBestWeights), and a learning-rate schedule. Real training of a
// tiny model in this process (cpu backend, tfjs's own step: deterministic), stopped after epoch 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferModel } from '../../src/model/infer';
import { toSummaryInfo } from '../../src/model/summary';
import type { TrainConfig } from '../../src/shared/protocol';
import { runTraining, type EventBody } from '../../src/worker/train';
import { defaultTrainStep } from '../../src/worker/trainStep';
import { resumedConfig } from '../../src/worker/resume';
import { tempDir } from './helpers';
import { blocks, readCsv, tf, TINY } from './tinyTraining';

const data = { name: 'blocks', source: 'test', classes: [...'0123456789'], train: blocks(160, 1), test: blocks(80, 2) };

async function train(config: TrainConfig, stopAfter?: number) {
  await tf.setBackend('cpu');
  let stop = false;
  const events: EventBody[] = [];
  const r = await runTraining({
    tf, backend: 'cpu', versions: {}, createStep: defaultTrainStep, stopRequested: () => stop,
    emit: (e) => {
      events.push(e);
      if (e.type === 'epochEnd' && e.epoch === stopAfter) stop = true;
    },
  }, config, data, TINY, toSummaryInfo(inferModel(TINY)));
  r.model.dispose();
  return { ...r, events };
}

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

test('EarlyStopping (with restoreBestWeights) and a step schedule continue across a resume: the same stop, message, rates and restored weights', async (t) => {
  const out = tempDir(t);
  const base: TrainConfig = {
    dataset: 'blocks', epochs: 8, batchSize: 16, learningRate: 0.05, optimizer: 'momentum', backend: 'cpu', seed: 3, limit: 0,
    outDir: join(out, 'straight'), cacheDir: '', model: TINY, lrSchedule: 'step:2:0.5',
    // min_delta 1: no epoch after the first improves, so it stops at epoch 4 and restores epoch 1's weights.
    earlyStopping: { monitor: 'val_accuracy', minDelta: 1, patience: 3, mode: 'auto', restoreBestWeights: true },
  };
  const before = tf.memory().numTensors;
  const straight = await train(base);
  const straightLeft = tf.memory().numTensors - before;
  const resumedBase = { ...base, outDir: join(out, 'resumed') };
  const stopped = await train(resumedBase, 2);
  assert.equal(stopped.stopped, true);
  assert.equal(stopped.history.length, 2);
  const state = json(join(stopped.runDir, 'checkpoint', 'state.json'));
  assert.deepEqual(state.callbacks.earlyStopping, { wait: 1, best: stopped.history[0].val_acc, bestEpoch: 0, haveSnapshot: true });
  assert.deepEqual(state.earlyStoppingBest, [[784, 10], [10]]);

  // As the worker does it: the run's own settings from config.json, only the total from the request.
  const { config } = resumedConfig({ ...base, outDir: out, learningRate: 1, resumeFrom: stopped.runDir });
  assert.equal(config.learningRate, 0.05);
  const tensors = tf.memory().numTensors;
  const resumed = await train(config);
  assert.equal(tf.memory().numTensors - tensors, straightLeft, 'restoring and saving the checkpoint leave no tensor behind (tfjs momentum keeps its -lr scalar after dispose, in both runs)');
  assert.equal(resumed.runDir, stopped.runDir);

  const a = json(join(straight.runDir, 'summary.json'));
  const b = json(join(resumed.runDir, 'summary.json'));
  assert.equal(a.stoppedEarly, 4, 'the uninterrupted run stops early at epoch 4');
  assert.equal(b.stoppedEarly, a.stoppedEarly);
  assert.deepEqual(b.callbacks, a.callbacks, "the same callback lines (the schedule's rate changes, the stop, the restore), each once");
  assert.deepEqual(readCsv(join(resumed.runDir, 'metrics.csv')), readCsv(join(straight.runDir, 'metrics.csv')));
  assert.ok(readFileSync(join(resumed.runDir, 'weights.bin')).equals(readFileSync(join(straight.runDir, 'weights.bin'))), "the restored best epoch's weights, bit for bit");
  assert.deepEqual(readdirSync(join(resumed.runDir, 'logs', 'train')).length, 2, 'TensorBoard: one event file per session');
  // The inside recording keeps epochs 0..2 and adds 3..4.
  const { gunzipSync } = await import('node:zlib');
  const rec = JSON.parse(gunzipSync(readFileSync(join(resumed.runDir, 'inside.json.gz'))).toString('utf8')) as { snapshots: { epoch: number }[] };
  assert.deepEqual(rec.snapshots.map((s) => s.epoch), [0, 1, 2, 3, 4]);
});
