// A small PNG reader for one image as grey levels 0..1: 8- and 16-bit grey, grey+alpha, RGB,
// RGBA and 8-bit palette images, not interlaced (what image editors and matplotlib write).
// Transparent pixels count as black, the background of MNIST's digits.
import { inflateSync } from 'node:zlib';
import { errorMessage } from '../shared/errors';

export class PngError extends Error {}

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major grey levels 0..1 (luma of RGB, alpha-composited over black). */
  values: Float32Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(buf: Uint8Array, where: string): GreyImage {
  const fail = (problem: string): never => {
    throw new PngError(`${where}: ${problem}`);
  };
  if (buf.length < 8 || SIGNATURE.some((b, i) => buf[i] !== b)) fail('not a PNG file (bad signature)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let width = 0, height = 0, depth = 0, colour = -1;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (let p = 8; p + 8 <= buf.length;) {
    const len = dv.getUint32(p);
    const type = String.fromCharCode(...buf.subarray(p + 4, p + 8));
    if (p + 12 + len > buf.length) fail(`truncated ${type} chunk`);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(p + 8);
      height = dv.getUint32(p + 12);
      depth = data[8];
      colour = data[9];
      if (data[12] !== 0) fail('interlaced PNGs are not supported; save it without interlacing');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  const channels = CHANNELS[colour];
  if (!width || !height || channels === undefined) fail('no valid IHDR header');
  if (!(depth === 8 || (depth === 16 && colour !== 3))) fail(`bit depth ${depth} is not supported (8 or 16)`);
  if (colour === 3 && !palette) fail('palette image without a PLTE chunk');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (err) {
    return fail(`corrupt image data (${errorMessage(err)})`);
  }
  const bpp = (channels * depth) / 8;
  const stride = width * bpp;
  if (raw.length < height * (stride + 1)) fail('truncated image data');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const x = line[i];
      switch (filter) {
        case 0: out[i] = x; break;
        case 1: out[i] = x + a; break;
        case 2: out[i] = x + b; break;
        case 3: out[i] = x + ((a + b) >> 1); break;
        case 4: out[i] = x + paeth(a, b, c); break;
        default: fail(`unknown filter type ${filter} in row ${y}`);
      }
    }
  }
  const sample = (i: number) => (depth === 8 ? pixels[i] / 255 : ((pixels[i] << 8) | pixels[i + 1]) / 65535);
  const step = depth / 8;
  const values = new Float32Array(width * height);
  for (let k = 0; k < width * height; k++) {
    const at = k * bpp;
    let grey: number, alpha = 1;
    if (colour === 3) {
      const e = pixels[at] * 3;
      grey = (0.299 * palette![e] + 0.587 * palette![e + 1] + 0.114 * palette![e + 2]) / 255;
    } else if (channels <= 2) {
      grey = sample(at);
      if (channels === 2) alpha = sample(at + step);
    } else {
      grey = 0.299 * sample(at) + 0.587 * sample(at + step) + 0.114 * sample(at + 2 * step);
      if (channels === 4) alpha = sample(at + 3 * step);
    }
    values[k] = grey * alpha;
  }
  return { width, height, values };
}
