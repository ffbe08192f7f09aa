// TensorBoard event files, read back by an independent reader (tfeventsReader.ts: its own CRC32C
// and protobuf decoding): framing and CRCs, the file_version record, Keras's tags and steps, and
// the same numbers as metrics.csv (as float32, the type TensorBoard stores), after every epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../src/model/spec';
import { inferModel } from '../../src/model/infer';
import { toSummaryInfo } from '../../src/model/summary';
import type { TrainConfig } from '../../src/shared/protocol';
import { maskedCrc32c, TensorBoardLogs, tfRecord } from '../../src/worker/tensorboard';
import { runTraining, type EventBody } from '../../src/worker/train';
import { crc32cBitwise, readRecords, readScalars } from './tfeventsReader';
import { tempDir } from './helpers';

tf.env().set('PROD', true);

test('CRC32C: the library matches the reference bit-by-bit CRC and the standard check value', () => {
  assert.equal(crc32cBitwise(new TextEncoder().encode('123456789')), 0xe3069283);
  let s = 1;
  for (let n = 0; n < 300; n += 7) {
    const data = new Uint8Array(n).map(() => (s = (s * 1103515245 + 12345) >>> 0) >>> 24);
    const c = crc32cBitwise(data);
    assert.equal(maskedCrc32c(data), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0, `length ${n}`);
  }
  const rec = tfRecord(new Uint8Array([1, 2, 3]));
  assert.equal(rec.length, 8 + 4 + 3 + 4);
  rec[13] ^= 1;
  assert.throws(() => readRecords(rec), /bad data CRC/, 'the reader really checks');
});

test('a writer session: Keras file names and folders, file_version first, tags per folder, step = epoch', (t) => {
  const run = tempDir(t);
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const logs = new TensorBoardLogs(run, now);
  assert.match(logs.trainFile, /[/\\]logs[/\\]train[/\\]events\.out\.tfevents\.1767323045\.[^.]+(\.[^.]+)*\.\d+\.\d+\.v2$/);
  assert.equal(logs.validationFile.replace('validation', 'train'), logs.trainFile);
  logs.epochEnd(0, { loss: 2.25, acc: 0.125, val_loss: 2.5, val_acc: 0.0625, learningRate: 0.01 }, now + 1000);
  logs.epochEnd(1, { loss: 1.5, acc: 0.5, val_loss: 1.75, val_acc: 0.375, learningRate: 0.005 }, now + 2000);
  const train = readScalars(readFileSync(logs.trainFile));
  const val = readScalars(readFileSync(logs.validationFile));
  assert.equal(train.fileVersion, 'brain.Event:2');
  assert.equal(val.fileVersion, 'brain.Event:2');
  assert.deepEqual([...train.plugins], ['scalars']);
  assert.deepEqual(train.scalars.get(0), { epoch_accuracy: 0.125, epoch_learning_rate: Math.fround(0.01), epoch_loss: 2.25 });
  assert.deepEqual(train.scalars.get(1), { epoch_accuracy: 0.5, epoch_learning_rate: Math.fround(0.005), epoch_loss: 1.5 });
  assert.deepEqual(val.scalars.get(1), { epoch_accuracy: 0.375, epoch_loss: 1.75 });
  const events = readRecords(readFileSync(logs.trainFile));
  assert.equal(events.length, 1 + 2 * 3, 'one event per scalar, like tf.summary.scalar');
});

const TINY: ModelSpec = {
  name: 'tiny', inputShape: [28, 28, 1],
  layers: [{ type: 'Flatten' }, { type: 'Dense', name: 'out', units: 10, activation: 'softmax' }],
};

/** Images whose class shows in a block of bright pixels, so a tiny model learns something in a few epochs. */
export function blocks(n: number, seed = 1) {
  const images = new Float32Array(n * 784);
  const labels = new Uint8Array(n);
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * 10);
    labels[i] = c;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = r() * 0.3;
    for (let p = c * 70; p < c * 70 + 70; p++) images[i * 784 + p] += 0.7;
  }
  return { images, labels, count: n };
}

export async function trainTiny(outDir: string, over: Partial<TrainConfig>, onEvent: (e: EventBody) => void = () => {}) {
  await tf.setBackend('cpu');
  const config: TrainConfig = {
    dataset: 'blocks', epochs: 3, batchSize: 16, learningRate: 0.05, optimizer: 'sgd', backend: 'cpu', seed: 3, limit: 0,
    outDir, cacheDir: '', model: TINY, ...over,
  };
  const events: EventBody[] = [];
  const ds = { name: 'blocks', source: 'test', classes: [...'0123456789'], train: blocks(160, 1), test: blocks(80, 2) };
  const r = await runTraining({ tf, backend: 'cpu', versions: {}, emit: (e) => { events.push(e); onEvent(e); }, stopRequested: () => false },
    config, ds, TINY, toSummaryInfo(inferModel(TINY)));
  return { ...r, events };
}

/** metrics.csv as rows of numbers by column name. */
export function readCsv(path: string): Record<string, number>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

test('real training: every epoch is in both event files when its epochEnd goes out, with metrics.csv\'s numbers', async (t) => {
  const out = tempDir(t);
  let runDir = '';
  const seenAtEpochEnd: number[] = [];
  const r = await trainTiny(out, {}, (e) => {
    if (e.type !== 'epochEnd') return;
    runDir ||= join(out, readdirSync(out)[0]);
    const f = readdirSync(join(runDir, 'logs', 'train'))[0];
    seenAtEpochEnd.push(readScalars(readFileSync(join(runDir, 'logs', 'train', f))).scalars.size);
  });
  r.model.dispose();
  assert.deepEqual(seenAtEpochEnd, [1, 2, 3], 'flushed at every epoch end');
  const csv = readCsv(join(r.runDir, 'metrics.csv'));
  assert.equal(csv.length, 3);
  const [tf1] = readdirSync(join(r.runDir, 'logs', 'train'));
  const [vf1] = readdirSync(join(r.runDir, 'logs', 'validation'));
  const train = readScalars(readFileSync(join(r.runDir, 'logs', 'train', tf1)));
  const val = readScalars(readFileSync(join(r.runDir, 'logs', 'validation', vf1)));
  assert.equal(train.fileVersion, 'brain.Event:2');
  assert.deepEqual([...train.scalars.keys()], [0, 1, 2], 'step = 0-based epoch, like metrics.csv');
  for (const row of csv) {
    assert.deepEqual(train.scalars.get(row.epoch), {
      epoch_accuracy: Math.fround(row.accuracy), epoch_learning_rate: Math.fround(0.05), epoch_loss: Math.fround(row.loss),
    });
    assert.deepEqual(val.scalars.get(row.epoch), { epoch_accuracy: Math.fround(row.val_accuracy), epoch_loss: Math.fround(row.val_loss) });
  }
  assert.ok(csv[2].loss < csv[0].loss, 'it trained');
});

test('tensorboard: false writes no logs folder', async (t) => {
  const out = tempDir(t);
  const r = await trainTiny(out, { epochs: 1, tensorboard: false });
  r.model.dispose();
  assert.equal(existsSync(join(r.runDir, 'logs')), false);
  assert.equal(existsSync(join(r.runDir, 'metrics.csv')), true);
});
