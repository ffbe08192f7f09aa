// The evaluation's misclassified images through the extension's controller and the real worker
// (dist/worker.js) on a saved run folder: every image of a cell with more than 100 of them reaches
// the webview a page at a time, each request answered once with its id; pages outside the shown
// evaluation are refused without asking the worker; hostile page messages are dropped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LENET5 } from '../../src/model/lenet';
import { MISCLASSIFIED_PAGE_SIZE } from '../../src/shared/misclassifiedPages';
import type { HostMessage } from '../../src/shared/webviewProtocol';
import { buildModel } from '../../src/worker/buildModel';
import { saveModel } from '../../src/worker/runDir';
import { ensureBuilt } from '../worker/helpers';
import { startHost, type Message } from './hostHarness';

tf.env().set('PROD', true);
const h = startHost('lenet-misclassified-host-');
after(() => h.close());

const answer = <K extends 'misclassifiedPage' | 'misclassifiedPageError'>(type: K, id: number) =>
  h.posted(type).find((m) => (m as { id: number }).id === id) as Message<K> | undefined;

test('every misclassified image of a cell with more than 100, page by page; bad pages refused; hostile messages dropped', { timeout: 180_000 }, async () => {
  ensureBuilt();
  await tf.setBackend('cpu');
  // An untrained LeNet-5 puts most test images into a few classes: cells of hundreds of errors.
  const run = join(h.ws, '.lenet', 'runs', '20261201-121212');
  mkdirSync(run, { recursive: true });
  const model = buildModel(tf, LENET5, { seed: 3 });
  await saveModel(tf, model, run);
  model.dispose();
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 1, dataset: 'mnist-sample', resolvedDataset: { name: 'mnist-sample' } }));
  writeFileSync(join(run, 'metrics.csv'), 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.1,2.3,0.1,2.3\n');

  h.fake.state.settings = { 'lenet.backend': 'wasm' };
  const c = h.activate();
  await h.run('lenet.showPanel');
  const panel = h.panel;
  panel().send({ type: 'ready' });

  // Before any evaluation: refused, said at once.
  panel().send({ type: 'misclassifiedPage', id: 1, label: 3, predicted: 5, page: 0 });
  assert.match(answer('misclassifiedPageError', 1)?.message ?? '', /no evaluation is shown: evaluate a model first/);

  await h.run('lenet.evaluate');
  const e = await h.until('the evaluation', 90_000, () => c.snapshot.evaluation);
  const big = e.misclassified.reduce((a, x) => (x.indices.length > a.indices.length ? x : a));
  // Asserted first, so the rest cannot pass on a cell the old limit of 100 would have shown whole.
  assert.ok(big.indices.length > 100, `the largest cell has ${big.indices.length} images`);
  assert.equal(big.indices.length, e.confusion[big.label][big.predicted]);

  const pages = Math.ceil(big.indices.length / MISCLASSIFIED_PAGE_SIZE);
  const seen: number[] = [];
  for (let p = 0; p < pages; p++) {
    const id = 100 + p;
    panel().send({ type: 'misclassifiedPage', id, label: big.label, predicted: big.predicted, page: p });
    const got = await h.until(`page ${p}`, 60_000, () => answer('misclassifiedPage', id) ?? answer('misclassifiedPageError', id));
    assert.equal(got.type, 'misclassifiedPage', JSON.stringify(got).slice(0, 300));
    const images = (got as Message<'misclassifiedPage'>).images;
    assert.equal(images.length, p < pages - 1 ? MISCLASSIFIED_PAGE_SIZE : big.indices.length - p * MISCLASSIFIED_PAGE_SIZE);
    assert.ok(images.every((m) => m.label === big.label && m.pixels.length === 784), 'the cell\'s true class, whole images');
    seen.push(...images.map((m) => m.index));
  }
  assert.deepEqual(seen, big.indices, 'every image of the cell, once, in order');
  await new Promise((r) => setTimeout(r, 200));
  const answers = panel().posted.filter((m) => ['misclassifiedPage', 'misclassifiedPageError'].includes((m as HostMessage).type) && (m as { id: number }).id >= 100);
  assert.equal(answers.length, pages, 'each request answered exactly once');

  // A page past the end, an empty cell, the diagonal: refused by the host with the reason.
  const before = h.fake.output.join('').length;
  panel().send({ type: 'misclassifiedPage', id: 200, label: big.label, predicted: big.predicted, page: pages });
  assert.match(answer('misclassifiedPageError', 200)?.message ?? '', new RegExp(`page ${pages} of true class ${big.label} predicted as ${big.predicted} does not exist \\(pages 0\\.\\.${pages - 1}\\)`));
  panel().send({ type: 'misclassifiedPage', id: 201, label: 4, predicted: 4, page: 0 });
  assert.match(answer('misclassifiedPageError', 201)?.message ?? '', /correct prediction/);
  assert.match(h.fake.output.join('').slice(before), /\[misclassified\] refused a page request: page \d+ of true class/);

  // Hostile messages are dropped and logged; nothing is answered for them.
  const count = panel().posted.length;
  for (const m of [
    { type: 'misclassifiedPage', id: 9, label: -1, predicted: 5, page: 0 },
    { type: 'misclassifiedPage', id: 9, label: 3, predicted: 10, page: 0 },
    { type: 'misclassifiedPage', id: 9, label: 3, predicted: 5, page: -1 },
    { type: 'misclassifiedPage', id: 9, label: 3, predicted: 5, page: 0.5 },
    { type: 'misclassifiedPage', id: 9, label: 3, predicted: 5, page: 0, dataset: '/etc' },
    { type: 'misclassifiedPage', id: 9, label: 3, predicted: 5 },
  ]) panel().send(m);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(panel().posted.length, count, 'no answer to a dropped message');
  const drops = h.fake.output.join('').match(/\[panel\] dropped a message from the webview: misclassifiedPage: /g) ?? [];
  assert.equal(drops.length, 6, h.fake.output.join('').slice(-1500));
});
