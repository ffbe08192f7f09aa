import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadIdxFolder } from '../../src/data/datasets';
import { bytesToUnitFloats, parseIdxImages, readIdxImages, readIdxLabels } from '../../src/data/idx';
import { expectDataError, idxImages, idxLabels, labelsCycle, tempDir } from './helpers';

/** Writes the file raw and gzipped; runs `check` on both paths. */
async function bothForms(dir: string, name: string, data: Buffer, check: (path: string, shown: string) => Promise<void>): Promise<void> {
  writeFileSync(join(dir, name), data);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(data));
  await check(join(dir, name), name);
  await check(join(dir, `${name}.gz`), `${name}.gz`);
}

test('a valid IDX pair reads back, raw and gzipped, with exact pixels and labels', async (t) => {
  const dir = tempDir(t);
  await bothForms(dir, 'imgs', idxImages(5), async (p) => {
    const im = await readIdxImages(p);
    assert.equal(im.count, 5);
    assert.equal(im.rows, 28);
    assert.equal(im.pixels.length, 5 * 784);
    assert.equal(im.pixels[784 * 3 + 10], (3 * 7 + 10) & 255);
  });
  await bothForms(dir, 'labs', idxLabels([3, 1, 4, 1, 5]), async (p) => {
    const lb = await readIdxLabels(p);
    assert.deepEqual([...lb.labels], [3, 1, 4, 1, 5]);
  });
});

test('truncated images name the file, the expected and actual sizes, and say what to do', async (t) => {
  const dir = tempDir(t);
  const full = idxImages(4);
  await bothForms(dir, 'train-images-idx3-ubyte', full.subarray(0, 16 + 784 * 2 + 100), async (p, shown) => {
    const e = await expectDataError(() => readIdxImages(p, { remedy: 'Download it again.' }), 'DATA', /truncated: header says 4 images of 28x28 \(3,152 bytes\) but the file has 1,684 bytes/, /Download it again\./);
    assert.ok(e.message.startsWith(`${shown}: `), e.message);
    assert.equal(/after decompression/.test(e.message), shown.endsWith('.gz'));
  });
});

test('extra bytes after the images are reported', async (t) => {
  const dir = tempDir(t);
  await bothForms(dir, 'x', Buffer.concat([idxImages(2), Buffer.alloc(5)]), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /5 unexpected extra bytes: header says 2 images/);
  });
});

test('bad magic, swapped files, wrong value type and foreign files each get their own message', async (t) => {
  const dir = tempDir(t);
  await bothForms(dir, 'm', idxImages(1, 28, 28, 0x12345678), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /bad magic number 0x12345678, expected 0x00000803/);
  });
  await bothForms(dir, 'swap', idxLabels([1, 2]), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /IDX labels file \(magic 0x00000801\) where images \(magic 0x00000803\) were expected; are the image and label files swapped/);
  });
  await bothForms(dir, 'swap2', idxImages(1), async (p) => {
    await expectDataError(() => readIdxLabels(p), 'DATA', /IDX images file .* where labels/);
  });
  await bothForms(dir, 'float', idxImages(1, 28, 28, 0x00000d03), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /type float .* only unsigned bytes/);
  });
  await bothForms(dir, 'html', Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /HTML\/XML page, not an IDX file/);
  });
  await bothForms(dir, 'short', Buffer.from([0, 0, 8, 3, 0, 0, 0]), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /too short to be an IDX images file: 7 bytes/);
  });
});

test('images that are not 28x28 say what was found', async (t) => {
  const dir = tempDir(t);
  await bothForms(dir, 'big', idxImages(2, 32, 32), async (p) => {
    await expectDataError(() => readIdxImages(p), 'DATA', /images are 32x32, but these models need 28x28/);
  });
});

test('labels outside 0..9 are reported with value and index', async (t) => {
  const dir = tempDir(t);
  await bothForms(dir, 'lab', idxLabels([0, 9, 3, 12, 1]), async (p) => {
    await expectDataError(() => readIdxLabels(p), 'DATA', /label 12 at index 3 is outside 0..9/);
  });
});

test('corrupt and cut-off gzip data give a clear error, never a zlib stack', async (t) => {
  const dir = tempDir(t);
  const gz = gzipSync(idxImages(50));
  writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  await expectDataError(() => readIdxImages(join(dir, 'cut.gz')), 'DATA', /^cut\.gz: corrupt gzip data \(unexpected end of file\).*cut-off download/);
  const bad = Buffer.from(gz);
  for (let i = 20; i < 60; i++) bad[i] ^= 0x5a;
  writeFileSync(join(dir, 'bad.gz'), bad);
  await expectDataError(() => readIdxImages(join(dir, 'bad.gz')), 'DATA', /^bad\.gz: corrupt gzip data/);
});

test('missing files and folders are named', async (t) => {
  const dir = tempDir(t);
  await expectDataError(() => readIdxImages(join(dir, 'nope.gz')), 'DATA', /nope\.gz: cannot read .* file not found/);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(3)));
  await expectDataError(() => loadIdxFolder(dir), 'DATA', /missing train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\)\. The folder holds train-images-idx3-ubyte\.gz/);
  await expectDataError(() => loadIdxFolder(join(dir, 'absent')), 'DATA', /cannot open the folder \(it does not exist\)/);
});

test('an IDX folder with mixed .gz and raw files loads; mismatched counts are refused', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(20)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels(labelsCycle(20)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxImages(10));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels(labelsCycle(10))));
  const ds = await loadIdxFolder(dir);
  assert.equal(ds.train.count, 20);
  assert.equal(ds.test.count, 10);
  assert.equal(ds.train.images.length, 20 * 784);
  assert.ok(Math.abs(ds.train.images[784 + 5] - ((7 + 5) & 255) / 255) < 1e-7);
  assert.deepEqual([...ds.test.labels.subarray(0, 3)], [0, 1, 2]);

  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels(labelsCycle(9))));
  await expectDataError(() => loadIdxFolder(dir), 'DATA', /t10k-images-idx3-ubyte has 10 images but t10k-labels-idx1-ubyte\.gz has 9 labels/);
});

// Its speed on 60,000 images is checked by bench/latency.ts.
test('byte to float conversion is x/255', () => {
  const px = new Uint8Array(256 * 784);
  for (let i = 0; i < px.length; i++) px[i] = i & 255;
  const f = bytesToUnitFloats(px);
  assert.equal(f.length, px.length);
  for (let i = 0; i < px.length; i++) assert.ok(Math.abs(f[i] - px[i] / 255) < 1e-7, `value ${i}`);
  assert.throws(() => parseIdxImages(new Uint8Array(16), 'x'), /x: bad magic|x: not an IDX|x: IDX/);
});
