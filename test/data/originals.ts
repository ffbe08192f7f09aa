// Rebuilds Zalando's original Fashion-MNIST .gz files from Debian's copies. Debian's
// strip-nondeterminism rewrote only the gzip header (dropped the FNAME field, reset MTIME); the
// deflate data is untouched. Putting the original header back (name + the MTIME found once by
// search, 2017-08-31) gives files whose SHA-256 must equal the published ones in download.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

const ORIGINAL_MTIME: Record<string, number> = {
  'train-images-idx3-ubyte.gz': Date.UTC(2017, 7, 31, 10, 50, 6) / 1000,
  'train-labels-idx1-ubyte.gz': Date.UTC(2017, 7, 31, 10, 50, 6) / 1000,
  't10k-images-idx3-ubyte.gz': Date.UTC(2017, 7, 31, 10, 50, 27) / 1000,
  't10k-labels-idx1-ubyte.gz': Date.UTC(2017, 7, 31, 10, 50, 27) / 1000,
};

export function haveDebianFashion(): boolean {
  return existsSync(join(DEBIAN_DIR, 'train-images-idx3-ubyte.gz'));
}

export function rebuildOriginal(name: string): Buffer {
  const deb = readFileSync(join(DEBIAN_DIR, name));
  if (deb[3] & 0x08) return deb; // already has a file name: an unmodified original
  const fname = Buffer.from(name.replace(/\.gz$/, '') + '\0', 'latin1');
  const out = Buffer.concat([deb.subarray(0, 10), fname, deb.subarray(10)]);
  out[3] |= 0x08; // FLG.FNAME
  out.writeUInt32LE(ORIGINAL_MTIME[name], 4);
  return out;
}
