// The learning check: the seed's LeNet-5 with the seed's settings (batch 64, SGD lr 0.01), one
// epoch on the full Fashion-MNIST (Debian's dataset-fashion-mnist), through the real worker.
// PyTorch with the same settings and Keras-style init reaches 0.73; we require >= 0.70.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { config, startWorker, tempDir } from './helpers';
import { needDebianPackage } from '../shared/prerequisites';

const FASHION = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

test('LeNet-5, one epoch on the full Fashion-MNIST: val accuracy >= 0.70', async (t) => {
  needDebianPackage(existsSync(FASHION), 'dataset-fashion-mnist', FASHION);
  const out = tempDir(t);
  const w = startWorker(t);
  w.client.send({ type: 'train', config: config(out, { dataset: 'fashion-mnist', limit: 0, epochs: 1, seed: 42 }) });
  const done = await w.client.waitFor('done', 600_000);
  const ds = w.events.find((e) => e.type === 'dataset');
  assert.ok(ds && ds.type === 'dataset' && ds.train === 60000 && ds.test === 10000, 'the full 60k/10k dataset');
  const h = done.history[0];
  const ready = w.events.find((e) => e.type === 'ready');
  t.diagnostic(`backend ${ready?.type === 'ready' ? ready.backend : '?'}: ${h.seconds.toFixed(1)} s/epoch, loss ${h.loss.toFixed(4)} acc ${h.acc.toFixed(4)} val_loss ${h.val_loss.toFixed(4)} val_acc ${h.val_acc.toFixed(4)}`);
  assert.ok(h.val_acc >= 0.7, `val_accuracy ${h.val_acc} < 0.70`);
  assert.ok(h.acc > 0.5 && h.loss < 1.2, `training metrics look wrong: ${JSON.stringify(h)}`);
});
