// Keras's HDF5 model file (`model.save("x.h5")` in Keras 2.x; keras/src/legacy/saving/
// legacy_h5_format.py in Keras 3), written and read with h5wasm (the HDF5 C library in wasm):
//   /                      attrs keras_version, backend (strings), model_config (JSON, bytes)
//   /model_weights         attrs layer_names (bytes array), backend, keras_version (bytes)
//   /model_weights/<layer> attr weight_names, e.g. ["C1/kernel:0", "C1/bias:0"] (empty for no weights)
//   /model_weights/<layer>/<layer>/kernel:0   float32, Keras's shape: Conv2D (kh, kw, in, out), Dense (in, out)
//   /model_weights/top_level_model_weights    attr weight_names [] (Keras 2.13+ and 3 write it)
// Layer groups are created in name order, as Keras does.
import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LayerSpec, ModelSpec } from '../model/spec';
import { parseModelSpec } from '../model/validate';
import { inferModel, type LayerInfo } from '../model/infer';
import { fromKerasModelConfig, KerasFormatError, kerasWeightNames, toKerasModelConfig, type KerasModelConfig } from './modelConfig';
import { errorMessage } from '../shared/errors';

/** The Keras version whose .h5 layout and layer configs the writer follows. */
export const KERAS_VERSION = '2.13.1';

export interface NamedWeight {
  layer: string;
  /** Keras's short name: kernel, bias, gamma, ... */
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface KerasModel {
  spec: ModelSpec;
  weights: NamedWeight[];
  kerasVersion: string | null;
  backend: string | null;
}

type H5 = typeof import('h5wasm');
let h5: Promise<H5> | null = null;
/**
 * h5wasm is 6 MB of JS and wasm: loaded on first use only, from its own bundle next to the built
 * CLI/worker (dist/h5wasm.js), or from node_modules when running from source (tests).
 */
async function h5wasm(): Promise<H5> {
  h5 ??= (async () => {
    const bundled = join(__dirname, 'h5wasm.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = (existsSync(bundled) ? require(bundled) : await import('h5wasm/node')) as H5 & { default?: H5 };
    const mod = m.default ?? m;
    await mod.ready;
    return mod;
  })();
  return h5;
}

// The module object itself (not an import copy), so its writeSync can be swapped below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsModule = require('node:fs') as typeof import('node:fs');

/**
 * Runs HDF5 calls (synchronous) and turns any failure into one line. The library writes its
 * error stack, pages of it, straight to file descriptor 2 through fs.writeSync: while fn runs,
 * those writes are collected instead, and the most specific reason goes into the message.
 */
function withHdf5Errors<T>(what: string, fn: () => T): T {
  const diagnostics: string[] = [];
  const writeSync = fsModule.writeSync;
  fsModule.writeSync = ((fd: number, buffer: string | Uint8Array, offset?: number, length?: number, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, buffer, offset, length, ...rest);
    if (typeof buffer === 'string') {
      diagnostics.push(buffer);
      return Buffer.byteLength(buffer);
    }
    // Emscripten passes its whole heap with the offset and length of the text.
    const start = offset ?? 0;
    const n = length ?? buffer.byteLength - start;
    diagnostics.push(Buffer.from(buffer.buffer, buffer.byteOffset + start, n).toString());
    return n;
  }) as typeof writeSync;
  try {
    return fn();
  } catch (err) {
    if (err instanceof KerasFormatError) throw err;
    const all = diagnostics.join('');
    const detail = /error message = '([^']+)'/.exec(all)?.[1] ?? [...all.matchAll(/minor: (.+)/g)].pop()?.[1];
    throw new KerasFormatError(`${what}: ${(detail ?? String((err as Error)?.message ?? err)).trim()}`);
  } finally {
    fsModule.writeSync = writeSync;
  }
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** A fixed-length byte-string array, what h5py stores for a list of Python bytes. */
function bytesArrayAttr(obj: { create_attribute: InstanceType<H5['Group']>['create_attribute'] }, name: string, items: string[]): void {
  if (!items.length) {
    obj.create_attribute(name, new Float64Array(0), [0], '<d'); // numpy's empty array, as h5py writes []
    return;
  }
  obj.create_attribute(name, items, [items.length], `A${Math.max(1, ...items.map(utf8))}`);
}
const bytesAttr = (obj: { create_attribute: InstanceType<H5['Group']>['create_attribute'] }, name: string, s: string) =>
  obj.create_attribute(name, s, null, `A${Math.max(1, utf8(s))}`);

/** Writes the model to path (to a temporary name first, so a reader never sees half a file). */
export async function writeKerasH5(path: string, spec: ModelSpec, weights: NamedWeight[]): Promise<void> {
  const { File } = await h5wasm();
  const config = toKerasModelConfig(spec);
  const layers = inferModel(spec).layers;
  const bySpec = new Map(layers.map((l) => [l.name, spec.layers[l.index]]));
  // Like Keras's save: create the folder; and check it can be written before HDF5 tries (its
  // failures are pages of diagnostics, not one line).
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new KerasFormatError(`cannot write ${path}: ${errorMessage(err)}`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  withHdf5Errors(`cannot write ${path}`, () => writeFile(File, tmp, config, layers, bySpec, weights));
  renameSync(tmp, path);
}

function writeFile(
  File: H5['File'], tmp: string, config: KerasModelConfig, layers: LayerInfo[], bySpec: Map<string, LayerSpec>, weights: NamedWeight[],
): void {
  const f = new File(tmp, 'w');
  if (!(f.file_id > 0n)) throw new Error('HDF5 could not create the file');
  try {
    f.create_attribute('keras_version', KERAS_VERSION);
    f.create_attribute('backend', 'tensorflow');
    bytesAttr(f, 'model_config', JSON.stringify(config));
    const mw = f.create_group('model_weights');
    bytesArrayAttr(mw, 'layer_names', layers.map((l) => l.name));
    bytesAttr(mw, 'backend', 'tensorflow');
    bytesAttr(mw, 'keras_version', KERAS_VERSION);
    for (const l of [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const g = mw.create_group(l.name);
      const names = kerasWeightNames(bySpec.get(l.name)!);
      bytesArrayAttr(g, 'weight_names', names.map((n) => `${l.name}/${n}:0`));
      if (!names.length) continue;
      const inner = g.create_group(l.name);
      for (const n of names) {
        const w = weights.find((x) => x.layer === l.name && x.name === n);
        if (!w) throw new KerasFormatError(`no ${n} weights for layer ${l.name}`);
        inner.create_dataset({ name: `${n}:0`, data: w.data, shape: w.shape, dtype: '<f4' });
      }
    }
    bytesArrayAttr(mw.create_group('top_level_model_weights'), 'weight_names', []);
  } catch (err) {
    f.close();
    rmSync(tmp, { force: true });
    throw err;
  }
  f.close();
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5's superblock signature sits at 0, 512, 1024, 2048, ... (after an optional user block). */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size; at = at ? at * 2 : 512) {
      readSync(fd, buf, 0, 8, at);
      if (buf.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : null;

/** Reads a Keras .h5 model: its Sequential architecture as a ModelSpec and its weights by layer. */
export async function readKerasH5(path: string): Promise<KerasModel> {
  if (!existsSync(path)) throw new KerasFormatError(`model file not found: ${path}`);
  if (!hasHdf5Signature(path)) throw new KerasFormatError(`cannot open ${path} as HDF5: it does not start with the HDF5 signature (is it a Keras .h5 file?)`);
  const mod = await h5wasm();
  return withHdf5Errors(`cannot read ${path} (damaged, or not a Keras .h5 model?)`, () => readFile(mod, path));
}

function readFile(mod: H5, path: string): KerasModel {
  const f = new mod.File(path, 'r');
  if (!(f.file_id > 0n)) throw new Error('HDF5 could not open the file');
  try {
    const configText = text(f.attrs.model_config?.value);
    if (!configText) throw new KerasFormatError(`${path} has no model_config attribute: not a whole Keras model (save it with model.save("x.h5"), not save_weights)`);
    let json: unknown;
    try {
      json = JSON.parse(configText);
    } catch (err) {
      throw new KerasFormatError(`${path}: model_config is not valid JSON (${errorMessage(err)})`);
    }
    const raw = fromKerasModelConfig(json);
    let spec: ModelSpec;
    try {
      spec = parseModelSpec(JSON.parse(JSON.stringify(raw)), `${path} model_config`);
      inferModel(spec);
    } catch (err) {
      throw new KerasFormatError(`${path}: ${errorMessage(err)}`);
    }
    const mw = f.get('model_weights');
    if (!mw || !(mw instanceof mod.Group)) throw new KerasFormatError(`${path} has no model_weights group`);
    const weights: NamedWeight[] = [];
    for (const l of inferModel(spec).layers) {
      const expected = kerasWeightNames(spec.layers[l.index]);
      if (!expected.length) continue;
      const g = f.get(`model_weights/${l.name}`);
      if (!g || !('attrs' in g)) throw new KerasFormatError(`${path}: model_weights has no group for layer ${l.name}`);
      const listed = g.attrs.weight_names?.value;
      const names = (Array.isArray(listed) ? listed : listed == null ? [] : [listed]).map((n) => text(n) ?? '');
      for (const short of expected) {
        const full = names.find((n) => n.split('/').pop()!.replace(/:\d+$/, '') === short);
        if (!full) throw new KerasFormatError(`${path}: layer ${l.name} has no ${short} weights (weight_names: ${names.join(', ') || 'none'})`);
        const ds = f.get(`model_weights/${l.name}/${full}`);
        if (!ds || !('shape' in ds) || !ds.shape) throw new KerasFormatError(`${path}: dataset model_weights/${l.name}/${full} is missing`);
        const value = ds.value;
        const data = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>);
        weights.push({ layer: l.name, name: short, shape: ds.shape as number[], data });
      }
    }
    return { spec, weights, kerasVersion: text(f.attrs.keras_version?.value), backend: text(f.attrs.backend?.value) };
  } finally {
    f.close();
  }
}
