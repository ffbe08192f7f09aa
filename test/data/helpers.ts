// Writers for small IDX / .npy / .npz files used by the data tests (files are generated into
// temp folders; nothing is checked in).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/data/zip';

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'lenet-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** IDX images; pixel (i, p) = (i * 7 + p) & 255 so content is checkable. */
export function idxImages(count: number, rows = 28, cols = 28, magic = 0x00000803): Buffer {
  const b = Buffer.alloc(16 + count * rows * cols);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(count, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < count * rows * cols; i++) b[16 + i] = (Math.floor(i / (rows * cols)) * 7 + (i % (rows * cols))) & 255;
  return b;
}

export function idxLabels(labels: number[], magic = 0x00000801): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

export function labelsCycle(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i % 10);
}

/** A .npy file (format 1.0, or 2.0 when version = 2). */
export function npy(descr: string, shape: number[], data: Uint8Array, opts: { fortran?: boolean; version?: 1 | 2 } = {}): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const head = Buffer.alloc(pre);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A zip archive (stored or deflate members), as numpy.savez / savez_compressed write them. */
/** declaredSize: the uncompressed size the directory claims (default the real one; a lie for bomb tests). */
export function zip(members: { name: string; data: Uint8Array; deflate?: boolean; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const body = m.deflate ? deflateRawSync(m.data) : Buffer.from(m.data);
    const crc = crc32(m.data);
    const loc = Buffer.alloc(30);
    loc.writeUInt32LE(0x04034b50, 0);
    loc.writeUInt16LE(20, 4);
    loc.writeUInt16LE(m.deflate ? 8 : 0, 8);
    loc.writeUInt32LE(crc, 14);
    loc.writeUInt32LE(body.length, 18);
    loc.writeUInt32LE(m.declaredSize ?? m.data.length, 22);
    loc.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(m.deflate ? 8 : 0, 10);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(m.declaredSize ?? m.data.length, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(loc, name, body);
    centrals.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** uint8 images (N, 28, 28) with pixel = (i + p) & 255. */
export function u8Images(n: number): Uint8Array {
  const a = new Uint8Array(n * 784);
  for (let i = 0; i < a.length; i++) a[i] = (Math.floor(i / 784) + (i % 784)) & 255;
  return a;
}

/** A valid Keras-style mnist.npz with the given sizes. */
export function mnistNpz(nTrain: number, nTest: number, deflate = false): Buffer {
  return zip([
    { name: 'x_test.npy', data: npy('|u1', [nTest, 28, 28], u8Images(nTest)), deflate },
    { name: 'x_train.npy', data: npy('|u1', [nTrain, 28, 28], u8Images(nTrain)), deflate },
    { name: 'y_train.npy', data: npy('|u1', [nTrain], Uint8Array.from(labelsCycle(nTrain))), deflate },
    { name: 'y_test.npy', data: npy('|u1', [nTest], Uint8Array.from(labelsCycle(nTest))), deflate },
  ]);
}

/** Runs fn, expects a DataError of `code` whose message matches every pattern; returns it. */
export async function expectDataError(fn: () => Promise<unknown> | unknown, code: string, ...patterns: RegExp[]): Promise<Error & { code: string }> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!err) throw new Error(`expected a DataError ${code}, but nothing was thrown`);
  const e = err as Error & { code: string; name: string };
  if (e.name !== 'DataError') throw new Error(`expected a DataError, got ${e.name}: ${e.message}`);
  if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`);
  for (const p of patterns) if (!p.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${p}`);
  return e;
}
