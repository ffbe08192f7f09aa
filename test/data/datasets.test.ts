import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DATASET_NAMES, FASHION_CLASSES, loadDataset, parseDatasetName } from '../../src/data/datasets';
import { DEBIAN_DIR, haveDebianFashion } from './originals';
import { needDebianPackage } from '../shared/prerequisites';
import { expectDataError, idxImages, idxLabels, labelsCycle, mnistNpz, tempDir } from './helpers';

test('the real Fashion-MNIST (Debian) loads: 60,000 / 10,000, values 0..1, 6,000 / 1,000 per class', async (t) => {
  needDebianPackage(haveDebianFashion(), 'dataset-fashion-mnist', DEBIAN_DIR);
  const cache = tempDir(t);
  const t0 = performance.now();
  const ds = await loadDataset('fashion-mnist', { cacheDir: cache, mirrors: { fashionMnist: [] } });
  const ms = performance.now() - t0; // reported, not limited
  assert.equal(ds.name, 'fashion-mnist');
  assert.match(ds.source, /\/usr\/share\/datasets\/fashion-mnist \(Debian package dataset-fashion-mnist\)/);
  assert.deepEqual(ds.classes, [...FASHION_CLASSES]);
  assert.equal(ds.classes[0], 'T-shirt/top');
  assert.equal(ds.classes[9], 'Ankle boot');
  for (const [split, n] of [[ds.train, 60000], [ds.test, 10000]] as const) {
    assert.equal(split.count, n);
    assert.equal(split.images.length, n * 784);
    assert.equal(split.labels.length, n);
    const hist = new Array(10).fill(0);
    for (const l of split.labels) hist[l]++;
    assert.deepEqual(hist, new Array(10).fill(n / 10));
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (let i = 0; i < split.images.length; i++) {
      const v = split.images[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      sum += v;
    }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
    // Fashion-MNIST's mean pixel is about 0.286 (72.9 / 255).
    assert.ok(Math.abs(sum / split.images.length - 0.286) < 0.005, `mean ${sum / split.images.length}`);
  }
  // Known first labels of the training set: Ankle boot, T-shirt/top, T-shirt/top, Dress, T-shirt/top.
  assert.deepEqual([...ds.train.labels.subarray(0, 5)], [9, 0, 0, 3, 0]);
  // Its speed is checked by bench/latency.ts.
  t.diagnostic(`fashion-mnist load: ${ms.toFixed(0)} ms`);
});

test('dataset names: valid ones parse, unknown ones list the valid names', async (t) => {
  assert.deepEqual(parseDatasetName('mnist'), { kind: 'mnist' });
  assert.deepEqual(parseDatasetName(' auto '), { kind: 'auto' });
  assert.deepEqual(parseDatasetName('idx:/data/m'), { kind: 'idx', path: '/data/m' });
  assert.equal((parseDatasetName('npz:rel/m.npz') as { path: string }).path, join(process.cwd(), 'rel/m.npz'));
  assert.match((parseDatasetName('npz:~/m.npz') as { path: string }).path, /\/m\.npz$/);
  assert.deepEqual(DATASET_NAMES, ['auto', 'mnist-sample', 'mnist', 'fashion-mnist', 'idx:<folder>', 'npz:<file>']);
  const cache = tempDir(t);
  await expectDataError(() => loadDataset('cifar10', { cacheDir: cache }), 'DATA', /^Unknown dataset "cifar10"\. Valid names: auto, mnist-sample, mnist, fashion-mnist, idx:<folder>, npz:<file>\.$/);
  await expectDataError(() => loadDataset('idx:', { cacheDir: cache }), 'DATA', /give a folder after "idx:"/);
});

test('idx:<folder> and npz:<file> load, report where from, and pick Fashion class names from the path', async (t) => {
  const dir = tempDir(t);
  const folder = join(dir, 'fashion-copy');
  mkdirSync(folder);
  writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(12)));
  writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels(labelsCycle(12))));
  writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(idxImages(4)));
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels(labelsCycle(4))));
  const ds = await loadDataset(`idx:${folder}`, { cacheDir: dir });
  assert.equal(ds.name, `idx:${folder}`);
  assert.equal(ds.source, `IDX files in ${folder}`);
  assert.equal(ds.train.count, 12);
  assert.equal(ds.classes[0], 'T-shirt/top');
  writeFileSync(join(dir, 'mnist.npz'), mnistNpz(10, 10));
  const nz = await loadDataset(`npz:${join(dir, 'mnist.npz')}`, { cacheDir: dir });
  assert.equal(nz.classes[0], '0');
  await expectDataError(() => loadDataset(`idx:${join(dir, 'mnist.npz')}`, { cacheDir: dir }), 'DATA', /is a file, not a folder.*or use npz:/);
});
