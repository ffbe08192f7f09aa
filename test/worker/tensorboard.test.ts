// TensorBoard event files, read back by an independent reader (tfeventsReader.ts: its own CRC32C
// and protobuf decoding): framing and CRCs, the file_version record, Keras's tags and steps, and
// the same numbers as metrics.csv (as float32, the type TensorBoard stores), after every epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskedCrc32c, TensorBoardLogs, tfRecord } from '../../src/worker/tensorboard';
import { readCsv, trainTiny } from './tinyTraining';
import { crc32cBitwise, readRecords, readScalars } from './tfeventsReader';
import { tempDir } from './helpers';

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
