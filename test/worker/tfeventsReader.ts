// An independent reader of TensorBoard event files for the tests: TFRecord framing with its own
// CRC32C (bitwise, Castagnoli polynomial) and a hand-written protobuf decoder of the Event,
// Summary, SummaryMetadata and TensorProto fields, sharing no code with the writer.

const POLY = 0x82f63b78; // CRC-32C, reflected

export function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ POLY : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const mask = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** Splits a file into records, checking both CRCs of every record; throws on any mismatch. */
export function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`truncated record header at ${at}`);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== mask(crc32cBitwise(file.subarray(at, at + 8)))) throw new Error(`bad length CRC at ${at}`);
    const data = file.subarray(at + 12, at + 12 + len);
    if (data.length !== len || at + 16 + len > file.length) throw new Error(`truncated record at ${at}`);
    if (view.getUint32(at + 12 + len, true) !== mask(crc32cBitwise(data))) throw new Error(`bad data CRC at ${at}`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}

type Field = { no: number; wire: number; value: bigint | Uint8Array | DataView };

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let r = 0n, shift = 0n;
    for (;;) {
      const b = buf[i++];
      r |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return r;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3, wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) { out.push({ no, wire, value: new DataView(buf.buffer, buf.byteOffset + i, 8) }); i += 8; } else if (wire === 5) { out.push({ no, wire, value: new DataView(buf.buffer, buf.byteOffset + i, 4) }); i += 4; } else if (wire === 2) { const n = Number(varint()); out.push({ no, wire, value: buf.subarray(i, i + n) }); i += n; } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

export interface ScalarValue { tag: string; plugin: string; dtype: number; shapeDims: number; value: number }
export interface TfEvent { wallTime: number; step: number; fileVersion?: string; values: ScalarValue[] }

export function decodeEvent(buf: Uint8Array): TfEvent {
  const ev: TfEvent = { wallTime: NaN, step: 0, values: [] };
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wire === 1) ev.wallTime = (f.value as DataView).getFloat64(0, true);
    else if (f.no === 2 && f.wire === 0) ev.step = Number(f.value as bigint);
    else if (f.no === 3 && f.wire === 2) ev.fileVersion = text(f.value as Uint8Array);
    else if (f.no === 5 && f.wire === 2) {
      for (const v of fields(f.value as Uint8Array).filter((x) => x.no === 1)) ev.values.push(decodeValue(v.value as Uint8Array));
    }
  }
  return ev;
}

function decodeValue(buf: Uint8Array): ScalarValue {
  const out: ScalarValue = { tag: '', plugin: '', dtype: 0, shapeDims: -1, value: NaN };
  for (const f of fields(buf)) {
    if (f.no === 1) out.tag = text(f.value as Uint8Array);
    else if (f.no === 2 && f.wire === 5) out.value = (f.value as DataView).getFloat32(0, true); // simple_value
    else if (f.no === 9) {
      const pd = fields(f.value as Uint8Array).find((x) => x.no === 1);
      const name = pd && fields(pd.value as Uint8Array).find((x) => x.no === 1);
      if (name) out.plugin = text(name.value as Uint8Array);
    } else if (f.no === 8) {
      for (const t of fields(f.value as Uint8Array)) {
        if (t.no === 1) out.dtype = Number(t.value as bigint);
        else if (t.no === 2) out.shapeDims = fields(t.value as Uint8Array).filter((d) => d.no === 2).length;
        else if (t.no === 4) {
          const b = t.value as Uint8Array;
          out.value = new DataView(b.buffer, b.byteOffset, b.byteLength).getFloat32(0, true);
        } else if (t.no === 5) out.value = (t.value as DataView).getFloat32(0, true); // float_val, unpacked
      }
    }
  }
  return out;
}

/** step -> tag -> value of every scalar in a file; also returns the first event's file_version. */
export function readScalars(file: Uint8Array): { fileVersion?: string; scalars: Map<number, Record<string, number>>; plugins: Set<string> } {
  const records = readRecords(file).map(decodeEvent);
  const scalars = new Map<number, Record<string, number>>();
  const plugins = new Set<string>();
  for (const e of records.slice(1)) {
    for (const v of e.values) {
      if (v.dtype !== 1 || v.shapeDims !== 0) throw new Error(`${v.tag}: not a float32 scalar tensor (dtype ${v.dtype}, ${v.shapeDims} dims)`);
      plugins.add(v.plugin);
      scalars.set(e.step, { ...(scalars.get(e.step) ?? {}), [v.tag]: v.value });
    }
  }
  return { fileVersion: records[0]?.fileVersion, scalars, plugins };
}
