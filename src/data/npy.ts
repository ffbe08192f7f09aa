// Parser for NumPy .npy arrays (format versions 1, 2 and 3), C order, little- or big-endian
// integer and float dtypes. Only what an MNIST-like .npz needs: the raw values as numbers.
import { DataError, fmtInt } from './errors';

export interface NpyArray {
  /** NumPy dtype string as written, e.g. "|u1", "<f4". */
  descr: string;
  kind: 'u' | 'i' | 'f' | 'b';
  itemSize: number;
  littleEndian: boolean;
  shape: number[];
  /** The raw value bytes (C order), a view into the source buffer. */
  data: Uint8Array;
}

export function formatShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** `where` names the member in messages, e.g. "mnist.npz: x_train". */
export function parseNpy(buf: Uint8Array, where: string, remedy: string): NpyArray {
  const fail = (problem: string): never => {
    throw new DataError('DATA', `${where}: ${problem}. ${remedy}`, where);
  };
  const magic = Buffer.from(buf.subarray(0, 6)).toString('latin1');
  if (buf.length < 10 || magic !== '\x93NUMPY') fail('not a NumPy .npy array (bad magic)');
  const major = buf[6];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) fail('truncated .npy header');
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    return fail(`.npy format version ${major}.${buf[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  if (start + headerLen > buf.length) fail('truncated .npy header');
  const header = Buffer.from(buf.subarray(start, start + headerLen)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') fail('array is stored in Fortran order; save it with numpy.ascontiguousarray(...) first');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) fail(`bad shape (${shapeText}) in the .npy header`);
  const m = /^([<>|=])?([uifb])(\d+)$/.exec(descr!);
  if (!m) return fail(`dtype ${descr} is not supported (use uint8 images and integer labels, or float images)`);
  const kind = m[2] as NpyArray['kind'];
  const itemSize = Number(m[3]);
  const okSizes: Record<string, number[]> = { u: [1, 2, 4, 8], i: [1, 2, 4, 8], f: [4, 8], b: [1] };
  if (!okSizes[kind].includes(itemSize)) fail(`dtype ${descr} is not supported`);
  const littleEndian = m[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * itemSize;
  const have = buf.length - dataStart;
  if (have < need) fail(`truncated: shape ${formatShape(shape)} of ${descr} needs ${fmtInt(need)} bytes of data but only ${fmtInt(have)} are present`);
  if (have > need) fail(`${fmtInt(have - need)} unexpected extra bytes after the array data of shape ${formatShape(shape)}`);
  return { descr: descr!, kind, itemSize, littleEndian, shape, data: buf.subarray(dataStart, dataStart + need) };
}

/**
 * All values as numbers: float32 where that is exact (float32 data, 1- and 2-byte integers), so a
 * 60,000-image float32 array is not widened to 376 MB of float64 on the way; float64 otherwise
 * (exact for every integer an MNIST file can hold). Typed-array fast path for single bytes
 * (uint8 comes back as the same view), DataView otherwise.
 */
export function npyValues(a: NpyArray): Float32Array | Float64Array | Uint8Array {
  const n = a.data.length / a.itemSize;
  if (a.itemSize === 1) {
    if (a.kind === 'i') {
      const out = new Float32Array(n);
      const s = new Int8Array(a.data.buffer, a.data.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = s[i];
      return out;
    }
    return a.data; // u1 and b1
  }
  const out = a.itemSize === 2 || (a.kind === 'f' && a.itemSize === 4) ? new Float32Array(n) : new Float64Array(n);
  const dv = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const le = a.littleEndian;
  const sz = a.itemSize;
  if (a.kind === 'f') {
    if (sz === 4) for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, le);
    else for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, le);
  } else if (sz === 2) {
    if (a.kind === 'u') for (let i = 0; i < n; i++) out[i] = dv.getUint16(i * 2, le);
    else for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, le);
  } else if (sz === 4) {
    if (a.kind === 'u') for (let i = 0; i < n; i++) out[i] = dv.getUint32(i * 4, le);
    else for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, le);
  } else {
    if (a.kind === 'u') for (let i = 0; i < n; i++) out[i] = Number(dv.getBigUint64(i * 8, le));
    else for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, le));
  }
  return out;
}
