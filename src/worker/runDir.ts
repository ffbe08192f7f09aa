// The run folder on disk: <outDir>/<YYYYMMDD-HHMMSS>/ with config.json, metrics.csv, summary.json,
// the model (model.json + weights.bin, TF.js layers format) and best/ (the best epoch by
// val_accuracy). Every file is written to a temp name and renamed, so a reader (or a crash) never
// sees half a file. tfjs's own file:// handler needs tfjs-node, so models are written here.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { pidAlive } from '../shared/pid';
import type { LayersModel } from '@tensorflow/tfjs';
import type { EpochMetrics } from '../shared/protocol';
import type { Tf } from './tf';
import { WorkerError } from './errors';
import { MAX_TRAINABLE_PARAMS } from '../model/trainable';
import { JsonTooDeepError, parseJsonBounded } from '../shared/jsonDepth';
import { loadKerasModel } from './kerasModel';
import { errorMessage } from '../shared/errors';
import { SUMMARY_FILE } from '../shared/runFiles';

/** A run folder's name: YYYYMMDD-HHMMSS, -2, -3... for runs in the same second. */
const RUN_NAME = /^\d{8}-\d{6}(-\d+)?$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as YYYYMMDD-HHMMSS: sorts by name = sorts by time. */
export function timestamp(d = new Date()): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** Creates a fresh run folder; two runs in the same second get -2, -3, ... */
export function createRunDir(outDir: string, now = new Date()): string {
  const base = resolve(outDir);
  try {
    mkdirSync(base, { recursive: true });
  } catch (err) {
    if (WRITE_CAUSES[(err as NodeJS.ErrnoException).code ?? '']) throw writeError(base, err);
    throw new WorkerError('BAD_CONFIG', `cannot create the output folder ${base}: ${errorMessage(err)}`);
  }
  // Leftovers of killed runs go on the next write to their output folder.
  for (const n of readdirSync(base)) if (RUN_NAME.test(n)) removeLeftovers(join(base, n));
  const name = timestamp(now);
  for (let i = 1; ; i++) {
    const dir = join(base, i === 1 ? name : `${name}-${i}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if (WRITE_CAUSES[(err as NodeJS.ErrnoException).code ?? '']) throw writeError(dir, err);
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WorkerError('BAD_CONFIG', `cannot create the run folder ${dir}: ${errorMessage(err)}`);
      }
    }
  }
}

/** Why a write failed, in words, and what the user can do about it. */
const WRITE_CAUSES: Record<string, [string, string]> = {
  ENOSPC: ['the disk is full', 'free some space or choose another output folder (--out, lenet.outputDirectory)'],
  EDQUOT: ['the disk quota is used up', 'free some space or choose another output folder (--out, lenet.outputDirectory)'],
  EFBIG: ['the file is larger than this process may write (file size limit, ulimit -f)', 'raise the limit or choose another output folder'],
  EROFS: ['the file system is read-only', 'choose another output folder (--out, lenet.outputDirectory)'],
  EACCES: ['permission denied', "fix the folder's permissions or choose another output folder"],
  EPERM: ['operation not permitted', "fix the folder's permissions or choose another output folder"],
};

/** One line: which file, the cause, what to do (no stack trace, code DISK). */
export function writeError(path: string, err: unknown): WorkerError {
  if (err instanceof WorkerError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const [cause, todo] = WRITE_CAUSES[code] ?? [(err as Error)?.message ?? String(err), 'check the output folder'];
  return new WorkerError('DISK', `cannot write ${path}: ${cause}${code && WRITE_CAUSES[code] ? ` (${code})` : ''}; ${todo}. The files saved before are intact.`);
}

/** Writes a temp file next to path and renames it over path; on any error the temp file is removed. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  removeLeftovers(dirname(path));
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(path, err);
  }
}

/** `<name>.tmp-<pid>` and `<name>.old-<pid>`: the temp names of the atomic writes here. */
const LEFTOVER = /^(.+)\.(tmp|old)-(\d+)$/;
const cleaned = new Set<string>();

/**
 * Removes what a killed process left in dir: temp files and folders of processes that no longer
 * run. A `best.old-<pid>` whose `best` is missing (killed between the two renames of a swap) is
 * the last complete copy: it is renamed back instead. Once per folder and process.
 */
export function removeLeftovers(dir: string): void {
  if (cleaned.has(dir)) return;
  cleaned.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = LEFTOVER.exec(n);
    if (!m || Number(m[3]) === process.pid || pidAlive(Number(m[3]))) continue;
    try {
      if (m[2] === 'old' && !existsSync(join(dir, m[1]))) renameSync(join(dir, n), join(dir, m[1]));
      else rmSync(join(dir, n), { recursive: true, force: true });
    } catch {
      // best effort: a leftover we cannot remove harms nobody (readers ignore these names)
    }
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

const fmt = (x: number) => (Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan');

/**
 * metrics.csv exactly like Keras's CSVLogger: alphabetical columns, 0-based epoch, and
 * learning_rate when a callback put it in the logs.
 */
export function metricsCsv(history: EpochMetrics[]): string {
  if (history.some((h) => h.learning_rate !== undefined)) {
    const rows = history.map((h) => [h.epoch - 1, h.acc, h.learning_rate ?? NaN, h.loss, h.val_acc, h.val_loss].map(fmt).join(','));
    return ['epoch,accuracy,learning_rate,loss,val_accuracy,val_loss', ...rows].join('\n') + '\n';
  }
  const rows = history.map((h) => [h.epoch - 1, h.acc, h.loss, h.val_acc, h.val_loss].map(fmt).join(','));
  return ['epoch,accuracy,loss,val_accuracy,val_loss', ...rows].join('\n') + '\n';
}

/**
 * Each epoch's wall-clock seconds and throughput, which Keras's CSVLogger columns (metrics.csv)
 * lack: a past run's per-epoch times are read from here.
 */
export { TIMES_FILE } from '../shared/runFiles';

export function timesCsv(history: EpochMetrics[]): string {
  return ['epoch,seconds', ...history.map((h) => `${h.epoch - 1},${fmt(h.seconds)}`)].join('\n') + '\n';
}

/**
 * A run that failed after its folder exists says so in summary.json (status "failed" and the
 * reason), so it never passes for a finished or interrupted run. Best effort: the disk may be what failed.
 */
export function markFailed(runDir: string, code: string, message: string, progress: Record<string, unknown>): void {
  try {
    writeJsonAtomic(join(runDir, SUMMARY_FILE), {
      status: 'failed', error: { code, message }, ...progress, finishedAt: new Date().toISOString(),
    });
  } catch {
    // nothing more to do: the error itself is reported to the user
  }
}

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Writes model.json + weights.bin into dir (weights first, so model.json always matches a complete file). */
export async function saveModel(tf: Tf, model: LayersModel, dir: string): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw writeError(dir, err);
  }
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = a.weightData ? tf.io.CompositeArrayBuffer.join(a.weightData) : new ArrayBuffer(0);
      writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs ?? ''}`,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs ?? [] }],
      };
      writeJsonAtomic(join(dir, MODEL_FILE), json);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/** Replaces the folder dir as a whole: fill dir.tmp, then swap, so best/ is never half-written. */
export async function replaceDirAtomic(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  removeLeftovers(dirname(dir));
  rmSync(tmp, { recursive: true, force: true });
  let moved = false;
  try {
    await fill(tmp);
    if (existsSync(dir)) {
      renameSync(dir, old);
      moved = true;
    }
    renameSync(tmp, dir);
    moved = false;
  } catch (err) {
    if (moved) renameSync(old, dir);
    rmSync(tmp, { recursive: true, force: true });
    throw writeError(dir, err);
  }
  rmSync(old, { recursive: true, force: true });
}

/** Saves the model as the whole folder dir (atomically). */
export async function saveModelDirAtomic(tf: Tf, model: LayersModel, dir: string): Promise<void> {
  await replaceDirAtomic(dir, (tmp) => saveModel(tf, model, tmp));
}

/**
 * Makes dir a copy of the model saveModel just wrote into from (atomically): the best epoch's
 * model is the one saved a moment ago, so its weights are not read out and serialised twice.
 */
export async function copyModelDirAtomic(from: string, dir: string): Promise<void> {
  await replaceDirAtomic(dir, (tmp) => {
    mkdirSync(tmp, { recursive: true });
    for (const f of [WEIGHTS_FILE, MODEL_FILE]) copyFileSync(join(from, f), join(tmp, f));
  });
}

/** model.json of a layers model is a few KB; far beyond that it is not one of ours. */
const MAX_MODEL_JSON_BYTES = 16 << 20;
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/**
 * Reads a file of a saved model that must be a regular file inside dir (no `..`, no absolute path,
 * no symlink out of it) and at most maxBytes long; a WorkerError naming the file otherwise.
 */
function readModelFile(dir: string, rel: string, what: string, maxBytes: number): Uint8Array {
  const path = resolve(dir, rel);
  const inside = (base: string, p: string) => {
    const r = relative(base, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  if (isAbsolute(rel) || !inside(dir, path)) {
    throw new WorkerError('MODEL', `${what} ${JSON.stringify(rel)} points outside the model folder ${dir}; a saved model's files must be inside its folder`);
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new WorkerError('MODEL', `${what} ${rel} is missing in ${dir}`);
  }
  if (!inside(realpathSync(dir), real)) {
    throw new WorkerError('MODEL', `${what} ${rel} in ${dir} is a link to ${real}, outside the model folder; a saved model's files must be inside its folder`);
  }
  const st = statSync(real);
  if (!st.isFile()) throw new WorkerError('MODEL', `${what} ${rel} in ${dir} is not a regular file`);
  if (st.size > maxBytes) {
    throw new WorkerError('MODEL', `${what} ${rel} in ${dir} has ${st.size.toLocaleString('en-US')} bytes, expected at most ${maxBytes.toLocaleString('en-US')}`);
  }
  return readFileSync(real);
}

/** Loads a model saved by saveModel (or any TF.js layers model.json with local weight files), or a Keras .h5 file. */
export async function loadModel(tf: Tf, dir: string): Promise<LayersModel> {
  if (/\.(h5|hdf5|keras\.h5)$/i.test(dir)) return loadKerasModel(tf, dir);
  const path = join(dir, MODEL_FILE);
  if (!existsSync(path)) {
    throw new WorkerError('NO_MODEL', `no ${MODEL_FILE} in ${dir} (train a model first, or pass the folder of a saved run)`);
  }
  let json: {
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
  };
  try {
    json = parseJsonBounded(Buffer.from(readModelFile(dir, MODEL_FILE, 'the model file', MAX_MODEL_JSON_BYTES)).toString('utf8'), path) as typeof json;
  } catch (err) {
    if (err instanceof WorkerError) throw err;
    if (err instanceof JsonTooDeepError) throw new WorkerError('MODEL', err.message);
    throw new WorkerError('MODEL', `${path} is not valid JSON: ${errorMessage(err)}`);
  }
  if (!json || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new WorkerError('MODEL', `${path} is not a TF.js layers model (missing modelTopology or weightsManifest)`);
  }
  const specs: import('@tensorflow/tfjs').io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  let total = 0;
  for (const group of json.weightsManifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new WorkerError('MODEL', `${path}: each weightsManifest entry needs paths and weights arrays`);
    }
    // The manifest says exactly how many bytes its weights take: the files may not hold more.
    let expected = 0;
    for (const w of group.weights) {
      const n = Array.isArray(w?.shape) ? w.shape.reduce((a: number, b: unknown) => a * (Number.isInteger(b) && (b as number) >= 0 ? (b as number) : NaN), 1) : NaN;
      const bytes = n * (DTYPE_BYTES[w?.dtype ?? 'float32'] ?? NaN);
      if (!Number.isFinite(bytes)) throw new WorkerError('MODEL', `${path}: weight ${JSON.stringify(w?.name)} has a bad shape or dtype`);
      expected += bytes;
    }
    total += expected;
    if (total > MAX_TRAINABLE_PARAMS * 4) {
      throw new WorkerError('MODEL', `${path}: its weights take ${total.toLocaleString('en-US')} bytes, more than the ${MAX_TRAINABLE_PARAMS.toLocaleString('en-US')} parameters this trainer accepts`);
    }
    specs.push(...group.weights);
    let have = 0;
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new WorkerError('MODEL', `${path}: weight paths must be strings`);
      const b = readModelFile(dir, p, 'the weights file', expected - have);
      have += b.byteLength;
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    }
    if (have !== expected) {
      throw new WorkerError('MODEL', `${path}: its weight files hold ${have.toLocaleString('en-US')} bytes but the manifest needs ${expected.toLocaleString('en-US')} (truncated or mismatched weights)`);
    }
  }
  const bad = firstNonFinite(specs, buffers);
  if (bad) {
    throw new WorkerError('MODEL', `the model in ${dir} holds ${bad.value} in weight ${bad.name}: the training that made it diverged; train again with a lower learning rate`);
  }
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: specs, weightData: tf.io.CompositeArrayBuffer.join(buffers) }),
    );
  } catch (err) {
    throw new WorkerError('MODEL', `cannot load the model in ${dir}: ${errorMessage(err).split('\n')[0]}`);
  }
  return model;
}

/** The first float32 weight value that is NaN or infinite, with its weight's name. */
function firstNonFinite(specs: import('@tensorflow/tfjs').io.WeightsManifestEntry[], buffers: ArrayBuffer[]): { name: string; value: number } | null {
  const all = new Uint8Array(buffers.reduce((a, b) => a + b.byteLength, 0));
  let at = 0;
  for (const b of buffers) {
    all.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  let offset = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const size = n * (DTYPE_BYTES[w.dtype ?? 'float32'] ?? 4);
    if ((w.dtype ?? 'float32') === 'float32' && !w.quantization) {
      const dv = new DataView(all.buffer, offset, size);
      for (let i = 0; i < n; i++) {
        const v = dv.getFloat32(i * 4, true);
        if (!Number.isFinite(v)) return { name: w.name, value: v };
      }
    }
    offset += size;
  }
  return null;
}

/** The newest run folder under outDir that holds a model, or null. */
export function latestRunDir(outDir: string): string | null {
  const base = resolve(outDir);
  if (!existsSync(base)) return null;
  if (!statSync(base).isDirectory()) {
    throw new WorkerError('BAD_CONFIG', `the output folder ${base} is a file, not a folder; pass the folder that holds the run folders (--out) or a model folder (--model)`);
  }
  const runs = readdirSync(base)
    .filter((n) => RUN_NAME.test(n))
    .filter((n) => statSync(join(base, n)).isDirectory() && existsSync(join(base, n, MODEL_FILE)))
    .sort(runOrder);
  return runs.length ? join(base, runs[runs.length - 1]) : null;
}

/** Name order with numeric suffixes (...-10 after ...-9). */
function runOrder(a: string, b: string): number {
  const key = (n: string): [string, number] => {
    const m = /^(\d{8}-\d{6})(?:-(\d+))?$/.exec(n);
    return m ? [m[1], Number(m[2] ?? 1)] : [n, 0];
  };
  const [ta, sa] = key(a);
  const [tb, sb] = key(b);
  return ta < tb ? -1 : ta > tb ? 1 : sa - sb;
}
