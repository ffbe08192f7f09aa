import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FASHION_MNIST_FILES, MNIST_FILES } from '../../src/data/download';
import { DEBIAN_DIR, haveDebianFashion, rebuildOriginal } from './originals';
import { needDebianPackage } from '../shared/prerequisites';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

// torchvision publishes MD5s of the same original files: an independent second source.
const TORCHVISION_MD5: Record<string, string> = {
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
};

test('the Fashion-MNIST SHA-256 values in the code match the real files (Debian copy, original gzip header restored)', () => {
  needDebianPackage(haveDebianFashion(), 'dataset-fashion-mnist', DEBIAN_DIR);
  for (const f of FASHION_MNIST_FILES) {
    const orig = rebuildOriginal(f.name);
    assert.equal(orig.length, f.size, `${f.name} size`);
    assert.equal(sha(orig), f.sha256, `${f.name} sha256`);
    assert.equal(md5(orig), TORCHVISION_MD5[f.name], `${f.name} md5 (torchvision)`);
    // Same content as Debian's file after decompression.
    assert.ok(gunzipSync(orig).equals(gunzipSync(readFileSync(join(DEBIAN_DIR, f.name)))));
  }
});

test('the MNIST sizes and SHA-256 values in the code are the ones TensorFlow Datasets publishes', () => {
  // A second, independent source (test/fixtures/published/README.md says where it comes from):
  // the MNIST files themselves cannot be downloaded here.
  const published = readFileSync(join(__dirname, '..', 'fixtures', 'published', 'tfds-mnist-url-checksums.txt'), 'utf8')
    .trim().split('\n').map((line) => line.split('\t'))
    .map(([, size, sha256, name]) => ({ name, size: Number(size), sha256 }));
  assert.equal(published.length, 4);
  for (const p of published) {
    const ours = MNIST_FILES.find((f) => f.name === p.name);
    assert.ok(ours, `${p.name} is in the code's table`);
    assert.equal(ours.size, p.size, `${p.name} size`);
    assert.equal(ours.sha256, p.sha256, `${p.name} sha256`);
  }
  const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  for (const files of [MNIST_FILES, FASHION_MNIST_FILES]) assert.deepEqual(files.map((f) => f.name), names);
});
