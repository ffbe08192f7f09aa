// Hostile data files through the real CLI and worker: devices, pipes, decompression bombs and NaN
// pixels. Each must end in exit 1 with one line naming the file, within a small memory bound,
// instead of reading for ever or filling memory.
import { describe, it as test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { idxImages, idxLabels, labelsCycle, mnistNpz, npy, u8Images, zip } from '../data/helpers';
import { assertOneLine, assertPeak, leftovers, runCli, tempDir } from './harness';

/** The worker alone trains LeNet in about 250 MB: a refused file must not cost much more. */
const BOUND_MB = 600;

function idxFolder(dir: string, trainImages?: (path: string) => void): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'train-images-idx3-ubyte');
  if (trainImages) trainImages(p);
  else writeFileSync(p, idxImages(64));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels(labelsCycle(64)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxImages(20));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxLabels(labelsCycle(20)));
  return dir;
}

/** A gzip stream of an IDX header for `count` images followed by `zeros` zero bytes (made in chunks). */
async function gzipIdx(path: string, count: number, zeros: number): Promise<void> {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0);
  head.writeUInt32BE(count, 4);
  head.writeUInt32BE(28, 8);
  head.writeUInt32BE(28, 12);
  const chunk = Buffer.alloc(1 << 20);
  async function* body() {
    yield head;
    for (let left = zeros; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  await pipeline(body, createGzip({ level: 9 }), createWriteStream(path));
}

async function trainOn(dataset: string, dir: string) {
  return runCli(['train', '--dataset', dataset, '--epochs', '1', '--batch-size', '16', '--out', join(dir, 'runs')], { timeoutMs: 60_000 });
}

// Each case is its own CLI and worker (memory is measured per process tree): run three at a time.
describe('hostile data files', { concurrency: 3 }, () => {
  const DEVICE_CASES: [string, (p: string) => void, RegExp][] = [
    ['a symlink to /dev/zero', (p) => symlinkSync('/dev/zero', p), /train-images-idx3-ubyte: .* is a character device \(like \/dev\/zero\), not a regular file/],
    ['a symlink to /dev/urandom', (p) => symlinkSync('/dev/urandom', p), /is a character device .*not a regular file/],
    ['a FIFO', (p) => execFileSync('mkfifo', [p]), /train-images-idx3-ubyte: .* is a named pipe \(FIFO\), not a regular file/],
  ];

  for (const [what, make, re] of DEVICE_CASES) {
    test(`IDX images file that is ${what}: exit 1, one line, bounded memory`, async (t) => {
      const dir = tempDir(t, 'lenet-faults-');
      const data = idxFolder(join(dir, 'data'), make);
      const r = await trainOn(`idx:${data}`, dir);
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, re, what);
      assertPeak(r, BOUND_MB, what);
      t.diagnostic(`peak ${r.peakMB} MB`);
    });
  }

  for (const [what, make] of [['a symlink to /dev/zero', (p: string) => symlinkSync('/dev/zero', p)], ['a FIFO', (p: string) => execFileSync('mkfifo', [p])]] as const) {
    test(`.npz that is ${what}: exit 1, one line, bounded memory`, async (t) => {
      const dir = tempDir(t, 'lenet-faults-');
      const p = join(dir, 'mnist.npz');
      make(p);
      const r = await trainOn(`npz:${p}`, dir);
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, /mnist\.npz: .* not a regular file/, what);
      assertPeak(r, BOUND_MB, what);
      t.diagnostic(`peak ${r.peakMB} MB`);
    });
  }

  const GZIP_CASES: [string, number, number, RegExp][] = [
    // 47 MB promised, 300 MB inside: about 300 KB of gzip.
    ['gzip bomb with an honest 60,000-image header: inflating stops at the promised size', 60000, 300 << 20,
      /train-images-idx3-ubyte\.gz: the compressed data inflates to more than the 47,040,016 bytes its header promises .*gzip bomb/],
    ['gzip with a header for 1.3 million images: refused from the header, nothing inflated', 1_300_000, 1 << 20,
      /the header says 1,300,000 images, more than the 1,000,000 this trainer reads from one file/],
    ['gzip promising 700 MB from a few hundred KB: refused as a bomb before inflating', 900_000, 1 << 20,
      /the header promises 705,600,016 bytes from [\d,]+ compressed bytes .*refused as a gzip bomb before inflating/],
  ];
  for (const [what, count, zeros, re] of GZIP_CASES) {
    test(what, async (t) => {
      const dir = tempDir(t, 'lenet-faults-');
      const data = join(dir, 'data');
      idxFolder(data);
      rmSync(join(data, 'train-images-idx3-ubyte'));
      await gzipIdx(join(data, 'train-images-idx3-ubyte.gz'), count, zeros);
      const r = await trainOn(`idx:${data}`, dir);
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, re, what);
      assertPeak(r, BOUND_MB, what);
      t.diagnostic(`peak ${r.peakMB} MB`);
    });
  }

  test('.npz bombs: a member promising 1000x is refused unread; one lying about its size stops at the lie', async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const zeros = new Uint8Array(80 << 20);
    const cases: [string, Buffer, RegExp][] = [
      ['honest bomb', zip([{ name: 'x_train.npy', data: zeros, deflate: true }, { name: 'x_test.npy', data: npy('|u1', [20, 28, 28], u8Images(20)) }]),
        /member x_train\.npy would inflate [\d,]+ bytes to 83,886,080 .*refused as a zip bomb before inflating/],
      ['lying bomb', zip([{ name: 'x_train.npy', data: zeros, deflate: true, declaredSize: 1 << 20 }]),
        /member x_train\.npy inflates to more than the 1,048,576 bytes the archive says/],
    ];
    for (const [what, bytes, re] of cases) {
      const p = join(dir, `${what.replace(' ', '-')}.npz`);
      writeFileSync(p, bytes);
      const r = await trainOn(`npz:${p}`, dir);
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, re, what);
      assertPeak(r, BOUND_MB, what);
      t.diagnostic(`${what}: peak ${r.peakMB} MB`);
    }
  });

  test('NaN pixels in a float .npz: refused with the image and pixel, no training', async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const x = new Float32Array(64 * 784).fill(0.5);
    x[3 * 784 + 100] = NaN;
    const file = zip([
      { name: 'x_train.npy', data: npy('<f4', [64, 28, 28], new Uint8Array(x.buffer)) },
      { name: 'y_train.npy', data: npy('|u1', [64], Uint8Array.from(labelsCycle(64))) },
      { name: 'x_test.npy', data: npy('|u1', [20, 28, 28], u8Images(20)) },
      { name: 'y_test.npy', data: npy('|u1', [20], Uint8Array.from(labelsCycle(20))) },
    ]);
    const p = join(dir, 'nan.npz');
    writeFileSync(p, file);
    const r = await trainOn(`npz:${p}`, dir);
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r.stderr, /nan\.npz: x_train: pixel 100 of image 3 is NaN; pixels must be numbers 0\.\.1 \(float\) or 0\.\.255/, 'NaN pixels');
    assertPeak(r, BOUND_MB, 'NaN pixels');
    assert.deepEqual(leftovers(dir), []);
  });

  test('deflated members stay readable (the bomb limits do not refuse honest archives)', async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const p = join(dir, 'ok.npz');
    writeFileSync(p, mnistNpz(64, 20, true));
    const r = await trainOn(`npz:${p}`, dir);
    assert.equal(r.code, 0, r.stderr);
    assertPeak(r, BOUND_MB, 'honest npz');
  });
});
