// Pins the seeded randomness to the values recorded before src/shared/random.ts replaced the
// three copies of mulberry32 (worker/shuffle.ts, data/sample.ts, the tests): a run's shuffle
// order and the sample's train/test split must not move when this code is touched.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { readRawSample, sampleSplitIndices } from '../../src/data/sample';
import { permutation, rng, shuffleInPlace } from '../../src/shared/random';

const digest = (a: Uint32Array) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);

test('rng: the recorded mulberry32 stream', () => {
  const r = rng(1);
  assert.deepEqual([r(), r(), r()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
});

test('permutation: the recorded shuffle orders (training epochs use these)', () => {
  assert.deepEqual(Array.from(permutation(20, rng(7))), [9, 19, 7, 4, 5, 10, 12, 16, 18, 2, 15, 13, 3, 14, 6, 8, 11, 17, 1, 0]);
  const p = permutation(60000, rng(42));
  assert.deepEqual(Array.from(p.subarray(0, 8)), [12582, 29085, 32398, 34949, 5264, 10209, 27040, 24552]);
  assert.deepEqual(Array.from(p.subarray(-4)), [40182, 51146, 26896, 36066]);
  assert.equal(digest(p), 'f281f369ec3b53ca');
});

test('shuffleInPlace shuffles the array it is given, as permutation does', () => {
  const a = Uint32Array.from({ length: 20 }, (_, i) => i);
  assert.equal(shuffleInPlace(a, rng(7)), a);
  assert.deepEqual(a, permutation(20, rng(7)));
});

test('sample split: the recorded train/test indices of the bundled MNIST sample', async () => {
  const raw = await readRawSample();
  const { train, test: testIx } = sampleSplitIndices(raw.labels);
  assert.deepEqual(Array.from(train.subarray(0, 8)), [9641, 2462, 2196, 1337, 2647, 8327, 1363, 819]);
  assert.deepEqual(Array.from(train.subarray(-4)), [9377, 2797, 4942, 2302]);
  assert.equal(digest(train), '70e7cb9686b75795');
  assert.deepEqual(Array.from(testIx.subarray(0, 8)), [1168, 5389, 4180, 4473, 2954, 9033, 3997, 2250]);
  assert.deepEqual(Array.from(testIx.subarray(-4)), [9710, 9167, 6783, 9866]);
  assert.equal(digest(testIx), 'b5897df4d7d7e9ce');
  assert.deepEqual(Array.from(sampleSplitIndices(raw.labels.subarray(0, 50), 10, 1).test), [10, 48, 29, 28, 20, 22, 6, 24, 32, 33]);
});
