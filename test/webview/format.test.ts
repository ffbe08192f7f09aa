// Text formatting of the panel (webview/format.ts): Keras summary notation, numbers, durations,
// the aria-live epoch announcement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, epochAnnouncement, epochText, fixed, kerasShape, percent, rate, summaryView, thousands } from '../../webview/format';
import LENET_SUMMARY from './lenet-summary.json';

test('thousands separators like Keras, locale independent', () => {
  assert.equal(thousands(61706), '61,706');
  assert.equal(thousands(0), '0');
  assert.equal(thousands(999), '999');
  assert.equal(thousands(1000), '1,000');
  assert.equal(thousands(1234567), '1,234,567');
  assert.equal(thousands(-48120), '-48,120');
  assert.equal(thousands(1569.6), '1,570');
  assert.equal(thousands(NaN), '–');
});

test('output shapes print as Keras does', () => {
  assert.equal(kerasShape([null, 28, 28, 6]), '(None, 28, 28, 6)');
  assert.equal(kerasShape([null, 120]), '(None, 120)');
  assert.equal(kerasShape([null]), '(None,)');
});

test('the LeNet-5 summary view matches the seed notebook', () => {
  const v = summaryView(LENET_SUMMARY);
  assert.deepEqual(v.rows.map((r) => r.layer), [
    'C1 (Conv2D)', 'S2 (AveragePooling2D)', 'C3 (Conv2D)', 'S4 (AveragePooling2D)', 'C5 (Conv2D)',
    'flatten (Flatten)', 'FC6 (Dense)', 'OUTPUT (Dense)',
  ]);
  assert.equal(v.rows[4].shape, '(None, 1, 1, 120)');
  assert.equal(v.rows[4].params, '48,120');
  assert.equal(v.total, '61,706');
  assert.equal(v.trainable, '61,706');
  assert.equal(v.nonTrainable, '0');
});

test('metrics, durations and rates; missing or NaN values show a dash, never "NaN"', () => {
  assert.equal(fixed(0.91234), '0.912');
  assert.equal(fixed(NaN), '–');
  assert.equal(fixed(undefined), '–');
  assert.equal(percent(0.98765), '98.8%');
  assert.equal(duration(42.4), '42 s');
  assert.equal(duration(185), '3 min 05 s');
  assert.equal(duration(3720), '1 h 02 min');
  assert.equal(duration(-1), '–');
  assert.equal(rate(1570.2), '1,570 samples/s');
});

test('epoch header text and announcement', () => {
  assert.equal(epochText(2, 2), 'Epoch 2/2');
  assert.equal(epochText(undefined, 50), 'Epoch 0/50');
  assert.equal(epochText(undefined, undefined), 'Epoch –');
  assert.equal(
    epochAnnouncement({ epoch: 3, loss: 0.3, acc: 0.9121, val_loss: 0.31, val_acc: 0.9049, seconds: 38 }, 50),
    'Epoch 3 of 50: accuracy 0.912, validation accuracy 0.905',
  );
});
