// Reading local data files without trusting them: only regular files (a symlink to /dev/zero, a
// FIFO or a device would be read for ever), a size bound known before reading, reads in chunks
// that notice an abort, and gzip inflated as a stream that stops at the size the file's own header
// promises (a small gzip bomb cannot grow past it).
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataError, fmtInt } from './errors';
import { errorMessage } from '../shared/errors';

/** Chunk size for reads: small enough that an abort is noticed at once, big enough to be fast. */
const CHUNK = 4 << 20;

/** The longest data file accepted at all (a full MNIST .npz is 11 MB, raw IDX files 47 MB). */
export const MAX_DATA_FILE_BYTES = 2 ** 31 - 1;

function abortedError(name: string): DataError {
  return new DataError('ABORTED', `${name}: reading stopped on request.`, name);
}

/**
 * Size of `path` when it is a regular file (after following symlinks); a DataError naming what
 * it is otherwise. Never opens the file, so a FIFO cannot block here.
 */
export async function regularFileSize(path: string, name: string, advice = ''): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : errorMessage(e);
    throw new DataError('DATA', `${name}: cannot read ${path}: ${why}.${advice ? ' ' + advice : ''}`, name);
  }
  if (!st.isFile()) {
    const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isCharacterDevice() ? 'a character device (like /dev/zero)'
      : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new DataError('DATA', `${name}: ${path} is ${what}, not a regular file; data files must be ordinary files.${advice ? ' ' + advice : ''}`, name);
  }
  return st.size;
}

export interface BoundedReadOptions {
  /** Refuse files larger than this (checked from stat, before reading). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Appended to "cannot read" messages. */
  advice?: string;
}

/** Reads a whole regular file of at most maxBytes, in chunks, honouring the abort signal. */
export async function readRegularFile(path: string, name: string, opts: BoundedReadOptions = {}): Promise<Uint8Array> {
  const size = await regularFileSize(path, name, opts.advice);
  const max = opts.maxBytes ?? MAX_DATA_FILE_BYTES;
  if (size > max) {
    throw new DataError('DATA', `${name}: ${fmtInt(size)} bytes, more than the ${fmtInt(max)} this reader accepts for such a file.${opts.advice ? ' ' + opts.advice : ''}`, name);
  }
  const out = new Uint8Array(size);
  const fh = await open(path, 'r');
  try {
    let at = 0;
    while (at < size) {
      if (opts.signal?.aborted) throw abortedError(name);
      const { bytesRead } = await fh.read(out, at, Math.min(CHUNK, size - at), at);
      if (bytesRead === 0) break; // shrank while we read: the parsers report the short length
      at += bytesRead;
    }
    return at === size ? out : out.subarray(0, at);
  } finally {
    await fh.close();
  }
}

export interface GunzipLimit {
  /** Bytes of decompressed output needed to know the total size (e.g. an IDX header). */
  headerBytes: number;
  /**
   * The exact decompressed size the header promises, or a DataError-throwing refusal (too many
   * images, wrong magic...). Called once, with the first headerBytes bytes.
   */
  total: (head: Uint8Array) => number;
}

/**
 * Gunzips `gz` into a buffer of the size its header promises and no more: output past that size
 * (plus `margin` bytes, so the parser can report "N extra bytes") stops the inflate at once. The
 * returned data may be shorter than promised (a truncated file); the parser says so.
 */
export function gunzipBounded(gz: Uint8Array, name: string, limit: GunzipLimit, remedy: string, signal?: AbortSignal, margin = 64 << 10): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const z = createGunzip({ chunkSize: 64 << 10 });
    let head: Uint8Array | null = new Uint8Array(0);
    let out: Uint8Array | null = null;
    let len = 0;
    let settled = false;
    const onAbort = () => fail(abortedError(name));
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      z.destroy();
      reject(e);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    z.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        if (!out) {
          const joined = new Uint8Array(head!.length + chunk.length);
          joined.set(head!);
          joined.set(chunk, head!.length);
          if (joined.length < limit.headerBytes) {
            head = joined;
            return;
          }
          const total = limit.total(joined);
          out = new Uint8Array(total + margin);
          head = null;
          chunk = Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength);
        }
        if (len + chunk.length > out.length) {
          fail(new DataError('DATA', `${name}: the compressed data inflates to more than the ${fmtInt(out.length - margin)} bytes its header promises (stopped at ${fmtInt(len + chunk.length)}; a damaged file or a gzip bomb). ${remedy}`, name));
          return;
        }
        out.set(chunk, len);
        len += chunk.length;
      } catch (e) {
        fail(e as Error);
      }
    });
    z.on('error', (e) => {
      const why = e.message || String(e);
      const cut = /unexpected end/i.test(why) ? ': the file ends in the middle of the compressed data (cut-off download?)' : '';
      fail(new DataError('DATA', `${name}: corrupt gzip data (${why})${cut}. ${remedy}`, name));
    });
    z.on('end', () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(out ? out.subarray(0, len) : head!);
    });
    // Fed in slices so an abort (or a refusal from `total`) is noticed between them.
    let at = 0;
    const feed = () => {
      while (!settled && at < gz.length) {
        const piece = gz.subarray(at, Math.min(gz.length, at + CHUNK / 4));
        at += piece.length;
        if (!z.write(piece)) {
          z.once('drain', feed);
          return;
        }
      }
      if (!settled) z.end();
    };
    feed();
  });
}
