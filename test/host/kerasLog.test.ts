import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEpochHeader, formatEpochLine } from '../../src/shared/kerasLog';

test('Keras-style epoch lines', () => {
  assert.equal(formatEpochHeader(3, 50), 'Epoch 3/50');
  const m = { epoch: 3, loss: 0.23456, acc: 0.93124, val_loss: 0.21, val_acc: 0.94012, seconds: 37.6 };
  assert.equal(formatEpochLine(m, 938),
    '938/938 [==============================] - 38s 40ms/step - loss: 0.2346 - accuracy: 0.9312 - val_loss: 0.2100 - val_accuracy: 0.9401');
  // Diverged losses print like Keras (nan, inf), slow steps in s/step.
  assert.equal(formatEpochLine({ ...m, loss: NaN, val_loss: Infinity, seconds: 12 }, 4),
    '4/4 [==============================] - 12s 3s/step - loss: nan - accuracy: 0.9312 - val_loss: inf - val_accuracy: 0.9401');
});
