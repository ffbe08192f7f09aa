import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, eta, KerasProgress, plainEpochLine, progressLine } from '../../src/cli/progress';
import { parseArgs } from '../../src/cli/args';

test('Keras progress bar, ETA and epoch lines', () => {
  assert.equal(bar(0, 938), '[..............................]');
  assert.equal(bar(125, 938), '[==>' + '.'.repeat(27) + ']'); // Keras: int(30 * 125 / 938) = 3 characters
  assert.equal(bar(938, 938), '[==============================]');
  assert.equal(eta(45.4), '45s');
  assert.equal(eta(185), '3:05');
  assert.equal(eta(3723), '1:02:03');
  assert.equal(progressLine(5, 125, 1, 0.43214, 0.87654), '  5/125 [>.............................] - ETA: 24s - loss: 0.4321 - accuracy: 0.8765');
  const m = { epoch: 3, loss: 0.5, acc: 0.8, val_loss: NaN, val_acc: 0.75, seconds: 38.4 };
  assert.equal(plainEpochLine(m, 50, 938), 'Epoch 3/50 - 38s 41ms/step - loss: 0.5000 - accuracy: 0.8000 - val_loss: nan - val_accuracy: 0.7500');
  // A diverged loss is spelled like Keras (Python), the same as in the extension's output channel.
  assert.equal(progressLine(1, 2, 1, Infinity, 0.1), '1/2 [==============>...............] - ETA: 1s - loss: inf - accuracy: 0.1000');
  assert.match(plainEpochLine({ ...m, loss: -Infinity }, 50, 938), / - loss: -inf - /);
});

test('KerasProgress: in-place bar on a terminal, one line per epoch elsewhere', () => {
  const m = { epoch: 1, loss: 0.5, acc: 0.8, val_loss: 0.4, val_acc: 0.85, seconds: 2 };
  let tty = '';
  const p = new KerasProgress({ isTTY: true, write: (s: string) => (tty += s) });
  p.epochBegin(1, 2, 10);
  p.batchEnd(5, 10, 0.6, 0.7);
  p.epochEnd(m, 2);
  // eslint-disable-next-line no-control-regex -- the terminal's erase-line escape (ESC [K) is what is checked
  assert.match(tty, /^Epoch 1\/2\n\r 5\/10 \[={14}>\.{15}\] - ETA: \d+s - loss: 0\.6000 - accuracy: 0\.7000\x1b\[K\r10\/10 \[={30}\] - 2s 200ms\/step - loss: 0\.5000 - accuracy: 0\.8000 - val_loss: 0\.4000 - val_accuracy: 0\.8500\x1b\[K\n$/);
  let log = '';
  const q = new KerasProgress({ isTTY: false, write: (s: string) => (log += s) });
  q.epochBegin(1, 2, 10);
  q.batchEnd(5, 10, 0.6, 0.7);
  q.epochEnd(m, 2);
  assert.equal(log, 'Epoch 1/2 - 2s 200ms/step - loss: 0.5000 - accuracy: 0.8000 - val_loss: 0.4000 - val_accuracy: 0.8500\n');
});

test('argument parser: forms, conversions and errors', () => {
  const specs = {
    epochs: { kind: 'int' as const, min: 1, help: '' },
    'learning-rate': { kind: 'number' as const, positive: true, help: '' },
    json: { kind: 'flag' as const, help: '' },
  };
  assert.deepEqual(parseArgs('train', ['--epochs=3', '--learning-rate', '1e-3', '--json'], specs), {
    opts: { epochs: 3, 'learning-rate': 0.001, json: true }, positionals: [],
  });
  assert.throws(() => parseArgs('train', ['--epochs', '2.5'], specs), /--epochs must be a whole decimal number >= 1, got '2.5'/);
  assert.throws(() => parseArgs('train', ['--learning-rate', 'NaN'], specs), /--learning-rate must be a decimal number > 0/);
  assert.throws(() => parseArgs('train', ['--json=1'], specs), /--json takes no value/);
  assert.throws(() => parseArgs('train', ['--epochs', '--json'], specs), /--epochs needs a value/);
  assert.throws(() => parseArgs('train', ['x'], specs), /unexpected argument 'x' for 'train'/);
});
