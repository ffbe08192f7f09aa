// Reader for the IDX format of MNIST / Fashion-MNIST (raw or gzip-compressed), with checks that
// turn every kind of bad file into a DataError saying which file, what is wrong and what to do.
//
// IDX layout: magic (4 bytes, big-endian: 0x00 0x00 <type> <ndims>), then ndims big-endian uint32
// sizes, then the values. Images: 0x00000803 [count, rows, cols]; labels: 0x00000801 [count].
import { basename } from 'node:path';
import { DataError, fmtInt } from './errors';
import { gunzipBounded, readRegularFile } from './files';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
/** The models of this project take 28x28 single-channel images. */
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from '../shared/geometry';

export { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES };
/**
 * Most examples one file may hold: 13x MNIST's 70,000 (EMNIST's largest split has 814,255).
 * As float32 that is 3.1 GB of images, the most a worker should be asked to hold.
 */
export const MAX_EXAMPLES = 1_000_000;
/**
 * Above this decompressed size, a gzip that inflates more than MAX_GZIP_RATIO times is refused
 * before inflating: MNIST's files inflate 2-5x; 100x and more is a bomb, not a dataset.
 */
const BOMB_CHECK_BYTES = 64 << 20;
const MAX_GZIP_RATIO = 100;

/** Advice appended to error messages when the caller gives none. */
export const DEFAULT_REMEDY = 'Replace it with an intact copy of the original file.';

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count*rows*cols bytes 0..255, row-major, a view into the decoded file. */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

export interface IdxReadOptions {
  /** Name shown in messages (default: the file's base name). */
  name?: string;
  /** What the user should do about a bad file, appended to every message. */
  remedy?: string;
  /** Stops a (slow) read at the next chunk. */
  signal?: AbortSignal;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

function fail(name: string, problem: string, remedy: string): never {
  throw new DataError('DATA', `${name}: ${problem}. ${remedy}`, name);
}

/** Recognises a few common wrong files so the message can say what the file actually is. */
function describeForeign(buf: Uint8Array): string | undefined {
  const head = Buffer.from(buf.subarray(0, 64)).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<?xml')) {
    return 'this is an HTML/XML page, not an IDX file (a download that returned an error page?)';
  }
  if (buf[0] === 0x50 && buf[1] === 0x4b) return 'this is a zip archive, not an IDX file (for Keras mnist.npz use the dataset npz:<file>)';
  if (buf[0] === 0x93 && head.startsWith('\x93numpy')) return 'this is a NumPy .npy file, not an IDX file';
  if (buf[0] === 0x1f && buf[1] === 0x8b) return 'this is gzip data inside gzip data (compressed twice)';
  return undefined;
}

function checkHeader(buf: Uint8Array, name: string, want: 'images' | 'labels', remedy: string): DataView {
  const ndims = want === 'images' ? 3 : 1;
  const headerBytes = 4 + 4 * ndims;
  const wantMagic = want === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const foreign = describeForeign(buf);
  if (foreign) fail(name, foreign, remedy);
  const tooShort = (): never =>
    fail(name, `too short to be an IDX ${want} file: ${fmtInt(buf.length)} bytes, the header alone is ${headerBytes} bytes`, remedy);
  if (buf.length < 4) tooShort();
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic === wantMagic) {
    if (buf.length < headerBytes) tooShort();
    return dv;
  }
  const other = want === 'images' ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC;
  if (magic === other) {
    const is = want === 'images' ? 'labels' : 'images';
    fail(name, `this is an IDX ${is} file (magic ${hex32(magic)}) where ${want} (magic ${hex32(wantMagic)}) were expected; are the image and label files swapped?`, remedy);
  }
  if (buf[0] === 0 && buf[1] === 0) {
    const type = buf[2];
    const dims = buf[3];
    if (type !== 0x08) {
      fail(name, `IDX values of type ${TYPE_NAMES[type] ?? 'unknown ' + hex32(type).slice(8)} (magic ${hex32(magic)}); only unsigned bytes (0x08) are supported, as in MNIST`, remedy);
    }
    fail(name, `IDX data with ${dims} dimension(s) (magic ${hex32(magic)}); ${want} need ${ndims} (magic ${hex32(wantMagic)})`, remedy);
  }
  return fail(name, `not an IDX file: bad magic number ${hex32(magic)}, expected ${hex32(wantMagic)} for ${want}`, remedy);
}

const HEADER_BYTES = { images: 16, labels: 8 } as const;

/**
 * The exact size of an IDX file from its header (checked: magic, 28x28, at most MAX_EXAMPLES),
 * so a reader knows how much to expect before it reads or inflates the rest.
 */
function idxHeader(buf: Uint8Array, name: string, want: 'images' | 'labels', remedy: string): { count: number; rows: number; cols: number; expected: number } {
  const dv = checkHeader(buf, name, want, remedy);
  const count = dv.getUint32(4, false);
  if (count > MAX_EXAMPLES) {
    fail(name, `the header says ${fmtInt(count)} ${want}, more than the ${fmtInt(MAX_EXAMPLES)} this trainer reads from one file`, remedy);
  }
  if (want === 'labels') return { count, rows: 0, cols: 0, expected: HEADER_BYTES.labels + count };
  const rows = dv.getUint32(8, false);
  const cols = dv.getUint32(12, false);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    fail(name, `images are ${rows}x${cols}, but these models need ${IMAGE_SIDE}x${IMAGE_SIDE} single-channel images (the MNIST format)`, remedy);
  }
  return { count, rows, cols, expected: HEADER_BYTES.images + count * rows * cols };
}

/** Parses (already decompressed) IDX images; requires 28x28 and an exact byte length. */
export function parseIdxImages(buf: Uint8Array, name: string, remedy = DEFAULT_REMEDY, wasGzipped = name.endsWith('.gz')): IdxImages {
  const after = wasGzipped ? ' after decompression' : '';
  const { count, rows, cols, expected } = idxHeader(buf, name, 'images', remedy);
  const what = `header says ${fmtInt(count)} images of ${rows}x${cols} (${fmtInt(expected)} bytes)`;
  if (buf.length < expected) fail(name, `truncated: ${what} but the file has ${fmtInt(buf.length)} bytes${after}`, remedy);
  if (buf.length > expected) fail(name, `${fmtInt(buf.length - expected)} unexpected extra bytes: ${what} but the file has ${fmtInt(buf.length)} bytes${after}`, remedy);
  if (count === 0) fail(name, 'the file holds 0 images', remedy);
  return { count, rows, cols, pixels: buf.subarray(16, expected) };
}

/** Parses (already decompressed) IDX labels; requires an exact byte length and values 0..9. */
export function parseIdxLabels(buf: Uint8Array, name: string, remedy = DEFAULT_REMEDY, wasGzipped = name.endsWith('.gz')): IdxLabels {
  const after = wasGzipped ? ' after decompression' : '';
  const { count, expected } = idxHeader(buf, name, 'labels', remedy);
  const what = `header says ${fmtInt(count)} labels (${fmtInt(expected)} bytes)`;
  if (buf.length < expected) fail(name, `truncated: ${what} but the file has ${fmtInt(buf.length)} bytes${after}`, remedy);
  if (buf.length > expected) fail(name, `${fmtInt(buf.length - expected)} unexpected extra bytes: ${what} but the file has ${fmtInt(buf.length)} bytes${after}`, remedy);
  if (count === 0) fail(name, 'the file holds 0 labels', remedy);
  const labels = buf.subarray(8, expected);
  const bad = firstLabelOutOfRange(labels);
  if (bad >= 0) {
    fail(name, `label ${labels[bad]} at index ${fmtInt(bad)} is outside 0..${NUM_CLASSES - 1}; these models have ${NUM_CLASSES} classes`, remedy);
  }
  return { count, labels };
}

/** Index of the first label >= 10, or -1. */
export function firstLabelOutOfRange(labels: ArrayLike<number>): number {
  for (let i = 0; i < labels.length; i++) if (labels[i] >= NUM_CLASSES) return i;
  return -1;
}

/**
 * The decompressed bytes of an IDX file: a regular file no larger than the largest valid one,
 * gunzipped (when it starts with the gzip magic) only up to the size its IDX header promises.
 */
async function readIdx(path: string, want: 'images' | 'labels', opts: IdxReadOptions): Promise<{ data: Uint8Array; gz: boolean; name: string }> {
  const name = opts.name ?? basename(path);
  const remedy = opts.remedy ?? DEFAULT_REMEDY;
  const largest = HEADER_BYTES[want] + MAX_EXAMPLES * (want === 'images' ? IMAGE_PIXELS : 1);
  const raw = await readRegularFile(path, name, { maxBytes: largest, signal: opts.signal, advice: remedy });
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { data: raw, gz: false, name };
  const data = await gunzipBounded(raw, name, {
    headerBytes: HEADER_BYTES[want],
    total: (head) => {
      const { expected } = idxHeader(head, name, want, remedy);
      if (expected > BOMB_CHECK_BYTES && expected > MAX_GZIP_RATIO * raw.length) {
        fail(name, `the header promises ${fmtInt(expected)} bytes from ${fmtInt(raw.length)} compressed bytes (${Math.round(expected / raw.length)}x; real image data compresses less than ${MAX_GZIP_RATIO}x): refused as a gzip bomb before inflating`, remedy);
      }
      return expected;
    },
  }, remedy, opts.signal);
  return { data, gz: true, name };
}

export async function readIdxImages(path: string, opts: IdxReadOptions = {}): Promise<IdxImages> {
  const { data, gz, name } = await readIdx(path, 'images', opts);
  return parseIdxImages(data, name, opts.remedy, gz);
}

export async function readIdxLabels(path: string, opts: IdxReadOptions = {}): Promise<IdxLabels> {
  const { data, gz, name } = await readIdx(path, 'labels', opts);
  return parseIdxLabels(data, name, opts.remedy, gz);
}

/** Throws when an images file and its labels file disagree on the number of examples. */
export function checkSameCount(imagesCount: number, labelsCount: number, imagesName: string, labelsName: string, remedy = DEFAULT_REMEDY): void {
  if (imagesCount !== labelsCount) {
    throw new DataError(
      'DATA',
      `${imagesName} has ${fmtInt(imagesCount)} images but ${labelsName} has ${fmtInt(labelsCount)} labels; they must describe the same examples. ${remedy}`,
      imagesName,
    );
  }
}

// 256-entry table: one typed-array lookup per pixel, no per-pixel division or closure.
const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** uint8 0..255 pixels -> float32 0..1 (x / 255), into a new array or into `out` from index `at`. */
export function bytesToUnitFloats(pixels: Uint8Array, out = new Float32Array(pixels.length), at = 0): Float32Array {
  const t = BYTE_TO_UNIT;
  for (let i = 0; i < pixels.length; i++) out[at + i] = t[pixels[i]];
  return out;
}
