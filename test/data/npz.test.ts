import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needDebianPackage } from '../shared/prerequisites';
import { loadDataset } from '../../src/data/datasets';
import { parseMnistNpz, readMnistNpz } from '../../src/data/npz';
import { parseNpy } from '../../src/data/npy';
import { expectDataError, labelsCycle, mnistNpz, npy, tempDir, u8Images, zip } from './helpers';

test('a Keras-style mnist.npz (stored and deflated) loads with exact values', async (t) => {
  for (const deflate of [false, true]) {
    const dir = tempDir(t);
    const p = join(dir, 'mnist.npz');
    writeFileSync(p, mnistNpz(30, 12, deflate));
    const ds = await loadDataset(`npz:${p}`, { cacheDir: dir });
    assert.equal(ds.train.count, 30);
    assert.equal(ds.test.count, 12);
    assert.equal(ds.train.images.length, 30 * 784);
    assert.ok(Math.abs(ds.train.images[784 * 2 + 3] - 5 / 255) < 1e-7);
    assert.deepEqual([...ds.test.labels.subarray(0, 11)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.match(ds.source, /mnist\.npz/);
  }
});

test('other layouts: (N,784) float32 0..1, (N,28,28,1) float64 0..255, int64 labels, .npy v2 header', () => {
  const n = 3;
  const px = u8Images(n);
  const f32 = new Float32Array(px.length);
  const f64 = new Float64Array(px.length);
  for (let i = 0; i < px.length; i++) {
    f32[i] = px[i] / 255;
    f64[i] = px[i];
  }
  const i64 = new BigInt64Array(labelsCycle(n).map(BigInt));
  const buf = zip([
    { name: 'x_train.npy', data: npy('<f4', [n, 784], new Uint8Array(f32.buffer)) },
    { name: 'y_train.npy', data: npy('<i8', [n], new Uint8Array(i64.buffer), { version: 2 }) },
    { name: 'x_test.npy', data: npy('<f8', [n, 28, 28, 1], new Uint8Array(f64.buffer)), deflate: true },
    { name: 'y_test.npy', data: npy('|u1', [n, 1], Uint8Array.from([7, 8, 9])) },
  ]);
  const { train, test: tst } = parseMnistNpz(buf, 'mixed.npz');
  for (const s of [train, tst]) {
    for (const i of [0, 100, 784 + 9, 2 * 784 + 700]) assert.ok(Math.abs(s.images[i] - px[i] / 255) < 1e-6, `pixel ${i}`);
  }
  assert.deepEqual([...train.labels], [0, 1, 2]);
  assert.deepEqual([...tst.labels], [7, 8, 9]);
});

test('bad archives and arrays each get a specific message', async (t) => {
  const good = (over: Record<string, Uint8Array | null>) => {
    const m: Record<string, Uint8Array | null> = {
      x_train: npy('|u1', [4, 28, 28], u8Images(4)),
      y_train: npy('|u1', [4], Uint8Array.from([0, 1, 2, 3])),
      x_test: npy('|u1', [2, 28, 28], u8Images(2)),
      y_test: npy('|u1', [2], Uint8Array.from([4, 5])),
      ...over,
    };
    return zip(Object.entries(m).filter(([, v]) => v).map(([k, v]) => ({ name: `${k}.npy`, data: v! })));
  };
  await expectDataError(() => parseMnistNpz(good({ y_test: null }), 'a.npz'), 'DATA', /^a\.npz: missing array y_test: the archive holds x_train, y_train, x_test; it needs x_train, y_train, x_test, y_test/);
  await expectDataError(() => parseMnistNpz(good({ x_train: npy('|u1', [4, 32, 32, 3], new Uint8Array(4 * 32 * 32 * 3)) }), 'a.npz'), 'DATA', /x_train: shape \(4, 32, 32, 3\); these models need single-channel 28x28 images/);
  await expectDataError(() => parseMnistNpz(good({ y_train: npy('|u1', [3], Uint8Array.from([0, 1, 2])) }), 'a.npz'), 'DATA', /x_train has 4 images but y_train has 3 labels/);
  await expectDataError(() => parseMnistNpz(good({ y_train: npy('|u1', [4, 10], new Uint8Array(40)) }), 'a.npz'), 'DATA', /y_train: shape \(4, 10\); labels must be class indices of shape \(N,\) \(one-hot\?/);
  await expectDataError(() => parseMnistNpz(good({ y_train: npy('|u1', [4], Uint8Array.from([0, 1, 10, 3])) }), 'a.npz'), 'DATA', /y_train: label 10 at index 2 is outside 0..9/);
  await expectDataError(() => parseMnistNpz(good({ y_train: npy('<f4', [4], new Uint8Array(16)) }), 'a.npz'), 'DATA', /y_train: dtype <f4; labels must be integers/);
  await expectDataError(() => parseMnistNpz(good({ x_test: npy('<c8', [2, 28, 28], new Uint8Array(2 * 784 * 8)) }), 'a.npz'), 'DATA', /x_test: dtype <c8 is not supported/);
  await expectDataError(() => parseMnistNpz(good({ x_test: npy('|u1', [2, 28, 28], u8Images(2), { fortran: true }) }), 'a.npz'), 'DATA', /Fortran order/);
  await expectDataError(() => parseMnistNpz(good({ x_test: npy('|u1', [2, 28, 28], u8Images(2)).subarray(0, 500) }), 'a.npz'), 'DATA', /x_test: truncated: shape \(2, 28, 28\) of \|u1 needs 1,568 bytes of data but only \d+ are present/);
  const f = new Float32Array(784 * 2).fill(300);
  await expectDataError(() => parseMnistNpz(good({ x_test: npy('<f4', [2, 28, 28], new Uint8Array(f.buffer)) }), 'a.npz'), 'DATA', /pixel values range from 300 to 300; expected 0..1 \(float\) or 0..255/);

  const whole = mnistNpz(5, 5, true);
  await expectDataError(() => parseMnistNpz(whole.subarray(0, whole.length - 30), 'cut.npz'), 'DATA', /^cut\.npz: truncated or damaged zip archive: its central directory .* is missing/);
  const flipped = Buffer.from(whole);
  flipped[200] ^= 0xff;
  await expectDataError(() => parseMnistNpz(flipped, 'flip.npz'), 'DATA', /flip\.npz: .*(corrupt deflate data|CRC-32)/);
  await expectDataError(() => parseMnistNpz(Buffer.from([0x1f, 0x8b, 8, 0, ...new Array(30).fill(0)]), 'g.npz'), 'DATA', /gzip file, not a zip\/\.npz archive/);
  const z64 = Buffer.from(mnistNpz(1, 1));
  z64.writeUInt32LE(0xffffffff, z64.length - 6); // central directory offset -> Zip64 marker
  await expectDataError(() => parseMnistNpz(z64, 'big.npz'), 'DATA', /Zip64 archive, which this reader does not support/);
  const dir = tempDir(t);
  await expectDataError(() => readMnistNpz(join(dir, 'none.npz')), 'DATA', /none\.npz: cannot read .* file not found/);
  await expectDataError(() => readMnistNpz(dir), 'DATA', /is a folder, not a regular file; data files must be ordinary files\. For a folder of IDX files use idx:<folder>\./);
  assert.throws(() => parseNpy(Buffer.from('hello world'), 'w', 'fix it'), /w: not a NumPy \.npy array/);
});

// Cross-check against NumPy itself (Debian python3-numpy, installed by scripts/test-deps.sh).
test('files written by numpy.savez and numpy.savez_compressed load identically', async (t) => {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  needDebianPackage(probe.status === 0, 'python3-numpy', 'python3 with numpy');
  const dir = tempDir(t);
  const script = `
import numpy as np, sys
rng = np.random.default_rng(7)
xtr = rng.integers(0, 256, size=(50, 28, 28), dtype=np.uint8)
ytr = rng.integers(0, 10, size=(50,), dtype=np.uint8)
xte = rng.integers(0, 256, size=(20, 28, 28), dtype=np.uint8)
yte = rng.integers(0, 10, size=(20,), dtype=np.int64)
np.savez(sys.argv[1] + '/plain.npz', x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
np.savez_compressed(sys.argv[1] + '/packed.npz', x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
print(int(xtr.sum()), int(ytr.sum()), int(xte[3, 4, 5]), int(yte.sum()))
`;
  const r = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [xsum, ysum, px, ytsum] = r.stdout.trim().split(' ').map(Number);
  for (const f of ['plain.npz', 'packed.npz']) {
    const { train, test: tst } = await readMnistNpz(join(dir, f));
    let s = 0;
    for (let i = 0; i < train.images.length; i++) s += Math.round(train.images[i] * 255);
    assert.equal(s, xsum, f);
    assert.equal(train.labels.reduce((a, b) => a + b, 0), ysum);
    assert.equal(Math.round(tst.images[3 * 784 + 4 * 28 + 5] * 255), px);
    assert.equal(tst.labels.reduce((a, b) => a + b, 0), ytsum);
  }
});
