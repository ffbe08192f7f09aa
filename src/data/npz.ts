// Reader for Keras' mnist.npz (numpy.savez of x_train, y_train, x_test, y_test), and any .npz
// laid out the same way (e.g. Fashion-MNIST saved by keras.datasets.fashion_mnist users).
import { basename } from 'node:path';
import { DataError, fmtInt } from './errors';
import { readRegularFile } from './files';
import { bytesToUnitFloats, IMAGE_PIXELS, IMAGE_SIDE, MAX_EXAMPLES, NUM_CLASSES } from './idx';
import { formatShape, npyValues, parseNpy, type NpyArray } from './npy';
import type { Split } from './types';
import { ZipReader } from './zip';

export const NPZ_MEMBERS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;

const NPZ_REMEDY = 'Use the original Keras mnist.npz (keras.datasets.mnist.load_data) or re-save with numpy.savez(path, x_train=..., y_train=..., x_test=..., y_test=...).';

/** Largest .npz accepted: MAX_EXAMPLES uint8 images and labels, stored uncompressed, plus headers. */
const MAX_NPZ_BYTES = MAX_EXAMPLES * (IMAGE_PIXELS + 8) + (1 << 20);

export async function readMnistNpz(path: string, remedy = NPZ_REMEDY, signal?: AbortSignal): Promise<{ train: Split; test: Split }> {
  const file = basename(path);
  const folderHint = 'For a folder of IDX files use idx:<folder>.';
  const buf = await readRegularFile(path, file, { maxBytes: MAX_NPZ_BYTES, signal, advice: folderHint });
  return parseMnistNpz(buf, file, remedy);
}

export function parseMnistNpz(buf: Uint8Array, file: string, remedy = NPZ_REMEDY): { train: Split; test: Split } {
  const zip = new ZipReader(buf, file, remedy, MAX_NPZ_BYTES);
  const names = zip.names();
  const member = (key: string): NpyArray => {
    // numpy.savez names members "<key>.npy"; accept a bare key too.
    const name = names.find((n) => n === `${key}.npy`) ?? names.find((n) => n === key);
    if (!name) {
      throw new DataError(
        'DATA',
        `${file}: missing array ${key}: the archive holds ${names.length ? names.map((n) => n.replace(/\.npy$/, '')).join(', ') : 'nothing'}; it needs ${NPZ_MEMBERS.join(', ')}. ${remedy}`,
        file,
      );
    }
    return parseNpy(zip.read(name), `${file}: ${key}`, remedy);
  };
  const train = toSplit(member('x_train'), member('y_train'), file, 'train', remedy);
  const test = toSplit(member('x_test'), member('y_test'), file, 'test', remedy);
  return { train, test };
}

function toSplit(x: NpyArray, y: NpyArray, file: string, part: 'train' | 'test', remedy: string): Split {
  const fail = (key: string, problem: string): never => {
    throw new DataError('DATA', `${file}: ${key}_${part}: ${problem}. ${remedy}`, file);
  };
  const s = x.shape;
  const shapeOk =
    (s.length === 3 && s[1] === IMAGE_SIDE && s[2] === IMAGE_SIDE) ||
    (s.length === 4 && s[1] === IMAGE_SIDE && s[2] === IMAGE_SIDE && s[3] === 1) ||
    (s.length === 2 && s[1] === IMAGE_PIXELS);
  if (!shapeOk) {
    fail('x', `shape ${formatShape(s)}; these models need single-channel 28x28 images: (N, 28, 28), (N, 28, 28, 1) or (N, 784)`);
  }
  if (x.kind === 'b') fail('x', `dtype ${x.descr} (boolean) is not an image type; use uint8 0..255 or float 0..1`);
  const count = s[0];
  if (count === 0) fail('x', 'holds 0 images');
  if (count > MAX_EXAMPLES) fail('x', `holds ${fmtInt(count)} images, more than the ${fmtInt(MAX_EXAMPLES)} this trainer reads from one file`);
  const ys = y.shape;
  if (!(ys.length === 1 || (ys.length === 2 && ys[1] === 1))) {
    const hint = ys.length === 2 && ys[1] === NUM_CLASSES ? ' (one-hot? save numpy.argmax(y, axis=1) instead)' : '';
    fail('y', `shape ${formatShape(ys)}; labels must be class indices of shape (N,)${hint}`);
  }
  if (y.kind !== 'u' && y.kind !== 'i') fail('y', `dtype ${y.descr}; labels must be integers 0..9`);
  if (ys[0] !== count) {
    throw new DataError('DATA', `${file}: x_${part} has ${fmtInt(count)} images but y_${part} has ${fmtInt(ys[0])} labels; they must describe the same examples. ${remedy}`, file);
  }

  const yv = npyValues(y);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = yv[i];
    if (!(v >= 0 && v < NUM_CLASSES)) fail('y', `label ${v} at index ${fmtInt(i)} is outside 0..${NUM_CLASSES - 1}`);
    labels[i] = v;
  }

  let images: Float32Array;
  if (x.kind === 'u' && x.itemSize === 1) {
    images = bytesToUnitFloats(x.data);
  } else {
    const v = npyValues(x);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const a = v[i];
      // NaN fails both comparisons of a range check: name it and where it is.
      if (!Number.isFinite(a)) fail('x', `pixel ${fmtInt(i % IMAGE_PIXELS)} of image ${fmtInt(Math.floor(i / IMAGE_PIXELS))} is ${a}; pixels must be numbers 0..1 (float) or 0..255`);
      if (a < lo) lo = a;
      if (a > hi) hi = a;
    }
    if (!(lo >= 0 && hi <= 255)) fail('x', `pixel values range from ${lo} to ${hi}; expected 0..1 (float) or 0..255`);
    // Floats already in 0..1 stay as they are; anything above 1 is taken as 0..255.
    const scale = x.kind === 'f' && hi <= 1 ? 1 : 1 / 255;
    if (v instanceof Float32Array) {
      // Already a fresh float32 copy: scaled in place, no second 188 MB array for 60,000 images.
      images = v;
      if (scale !== 1) for (let i = 0; i < v.length; i++) v[i] *= scale;
    } else {
      images = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) images[i] = v[i] * scale;
    }
  }
  return { images, labels, count };
}
