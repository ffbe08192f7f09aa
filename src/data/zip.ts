// Minimal zip reader for .npz archives: central directory, stored and deflate members, CRC-32
// checked. Zip64 archives (members or archives over 4 GB) and encrypted members are refused with
// a clear message; an MNIST .npz is about 11 MB.
import * as zlib from 'node:zlib';
import { DataError, fmtInt } from './errors';
import { errorMessage } from '../shared/errors';

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
/** Above this size a member that inflates more than MAX_DEFLATE_RATIO times is refused unread. */
const BOMB_CHECK_BYTES = 64 << 20;
const MAX_DEFLATE_RATIO = 100;

export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the local file header. */
  localOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// zlib.crc32 exists from Node 20.15 / 22.2 and is much faster than the table loop below.
const nativeCrc32 = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;

export function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipReader {
  readonly members = new Map<string, ZipMember>();
  private readonly dv: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string,
    private readonly remedy: string,
    /** Largest member (uncompressed) accepted; checked from the directory before inflating. */
    private readonly maxMemberBytes = 2 ** 31 - 1,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.readCentralDirectory();
  }

  private fail(problem: string): never {
    throw new DataError('DATA', `${this.file}: ${problem}. ${this.remedy}`, this.file);
  }

  private readCentralDirectory(): void {
    const { buf, dv } = this;
    if (buf.length < 22) this.fail(`not a zip/.npz archive: only ${fmtInt(buf.length)} bytes`);
    if (!(buf[0] === 0x50 && buf[1] === 0x4b)) {
      const gz = buf[0] === 0x1f && buf[1] === 0x8b;
      this.fail(gz ? 'this is a gzip file, not a zip/.npz archive (IDX .gz files go in a folder: use idx:<folder>)' : 'not a zip/.npz archive (it does not start with "PK")');
    }
    // The end-of-central-directory record is in the last 22 + up to 65,535 (comment) bytes.
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
      if (dv.getUint32(i, true) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.fail('truncated or damaged zip archive: its central directory (the index at the end of the file) is missing');
    const entries = dv.getUint16(eocd + 10, true);
    const cdSize = dv.getUint32(eocd + 12, true);
    const cdOffset = dv.getUint32(eocd + 16, true);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      this.fail('this is a Zip64 archive, which this reader does not support (an MNIST .npz is about 11 MB and never needs Zip64); re-save it with numpy.savez on a smaller array set');
    }
    if (cdOffset + cdSize > eocd) this.fail('damaged zip archive: the central directory points past the end of the data (truncated file?)');
    let p = cdOffset;
    for (let i = 0; i < entries; i++) {
      if (p + 46 > eocd || dv.getUint32(p, true) !== CEN_SIG) this.fail(`damaged zip archive: central directory entry ${i + 1} of ${entries} is corrupt`);
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      const compressedSize = dv.getUint32(p + 20, true);
      const size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      const localOffset = dv.getUint32(p + 42, true);
      const name = Buffer.from(buf.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
      if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
        this.fail(`member ${name} uses Zip64 sizes, which this reader does not support (MNIST never needs them)`);
      }
      if (flags & 1) this.fail(`member ${name} is encrypted; save the archive without a password`);
      this.members.set(name, { name, method, compressedSize, size, crc32: crc, localOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** The uncompressed bytes of a member, CRC-checked. */
  read(name: string): Uint8Array {
    const m = this.members.get(name);
    if (!m) this.fail(`no member ${name} in the archive`);
    const { dv, buf } = this;
    const p = m.localOffset;
    if (p + 30 > buf.length || dv.getUint32(p, true) !== LOC_SIG) this.fail(`damaged zip archive: the local header of ${name} is missing`);
    const start = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
    const end = start + m.compressedSize;
    if (end > buf.length) this.fail(`truncated: member ${name} needs ${fmtInt(m.compressedSize)} bytes but the archive ends before`);
    const packed = buf.subarray(start, end);
    if (m.size > this.maxMemberBytes) {
      this.fail(`member ${name} says it holds ${fmtInt(m.size)} bytes, more than the ${fmtInt(this.maxMemberBytes)} accepted`);
    }
    if (m.method === 8 && m.size > BOMB_CHECK_BYTES && m.size > MAX_DEFLATE_RATIO * m.compressedSize) {
      this.fail(`member ${name} would inflate ${fmtInt(m.compressedSize)} bytes to ${fmtInt(m.size)} (${Math.round(m.size / Math.max(1, m.compressedSize))}x; real data compresses less than ${MAX_DEFLATE_RATIO}x): refused as a zip bomb before inflating`);
    }
    let data: Uint8Array;
    if (m.method === 0) data = packed;
    else if (m.method === 8) {
      try {
        // Never past the size the directory promised: a bomb stops there instead of filling memory.
        data = zlib.inflateRawSync(packed, { maxOutputLength: Math.max(1, m.size) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') this.fail(`member ${name} inflates to more than the ${fmtInt(m.size)} bytes the archive says (damaged file or zip bomb)`);
        this.fail(`member ${name} has corrupt deflate data (${errorMessage(e)})`);
      }
    } else {
      this.fail(`member ${name} uses zip compression method ${m.method}; only stored (0) and deflate (8) are supported (numpy.savez / savez_compressed use these)`);
    }
    if (data.length !== m.size) this.fail(`member ${name} decompressed to ${fmtInt(data.length)} bytes, the archive says ${fmtInt(m.size)}`);
    if (crc32(data) !== m.crc32) this.fail(`member ${name} fails its CRC-32 check (damaged file)`);
    return data;
  }
}
