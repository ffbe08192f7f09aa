// The run folder on disk: <outDir>/<YYYYMMDD-HHMMSS>/ with config.json, metrics.csv, summary.json,
// the model (model.json + weights.bin, TF.js layers format) and best/ (the best epoch by
// val_accuracy). Every file is written to a temp name and renamed, so a reader (or a crash) never
// sees half a file. tfjs's own file:// handler needs tfjs-node, so models are written here.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import type { EpochMetrics } from '../shared/protocol';
import type { Tf } from './backend';
import { WorkerError } from './errors';
import { loadKerasModel } from './kerasModel';

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
    throw new WorkerError('BAD_CONFIG', `cannot create the output folder ${base}: ${(err as Error).message}`);
  }
  const name = timestamp(now);
  for (let i = 1; ; i++) {
    const dir = join(base, i === 1 ? name : `${name}-${i}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WorkerError('BAD_CONFIG', `cannot create the run folder ${dir}: ${(err as Error).message}`);
      }
    }
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
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

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Writes model.json + weights.bin into dir (weights first, so model.json always matches a complete file). */
export async function saveModel(tf: Tf, model: LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
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
async function replaceDirAtomic(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await fill(tmp);
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
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
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorkerError('MODEL', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new WorkerError('MODEL', `${path} is not a TF.js layers model (missing modelTopology or weightsManifest)`);
  }
  const specs: import('@tensorflow/tfjs').io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const f = join(dir, p);
      if (!existsSync(f)) throw new WorkerError('MODEL', `${path} refers to ${p}, which is missing`);
      const b = readFileSync(f);
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    }
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: specs, weightData: tf.io.CompositeArrayBuffer.join(buffers) }),
    );
  } catch (err) {
    throw new WorkerError('MODEL', `cannot load the model in ${dir}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The newest run folder under outDir that holds a model, or null. */
export function latestRunDir(outDir: string): string | null {
  const base = resolve(outDir);
  if (!existsSync(base)) return null;
  const runs = readdirSync(base)
    .filter((n) => /^\d{8}-\d{6}(-\d+)?$/.test(n))
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
