// A run folder's trained model (model.json + weights.bin, TF.js layers format) as a Keras .h5 file,
// without TensorFlow.js: the architecture comes from the run's config.json (the ModelSpec it
// trained), the weights straight from weights.bin. TF.js stores kernels in Keras's layout
// ((kh, kw, in, out) for Conv2D, (in, out) for Dense), so no transposition is needed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferModel } from '../model/infer';
import { LENET5 } from '../model/lenet';
import type { ModelSpec } from '../model/spec';
import { parseModelSpec } from '../model/validate';
import { KerasFormatError, kerasWeightNames } from './modelConfig';
import { writeKerasH5, type NamedWeight } from './h5';
import { errorMessage } from '../shared/errors';

interface WeightSpec { name: string; shape: number[]; dtype?: string }
interface ModelJson { weightsManifest?: { paths: string[]; weights: WeightSpec[] }[] }

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new KerasFormatError(`cannot read ${what} ${path}: ${errorMessage(err)}`);
  }
}

/** The ModelSpec a run trained: its config.json's model (a best/ folder: its parent's). */
function specOfRun(modelDir: string): ModelSpec {
  for (const f of [join(modelDir, 'config.json'), join(modelDir, '..', 'config.json')]) {
    if (!existsSync(f)) continue;
    const c = readJson<{ model?: unknown }>(f, 'the run configuration');
    return c.model === undefined ? LENET5 : parseModelSpec(c.model, `${f} model`);
  }
  throw new KerasFormatError(`no config.json in ${modelDir} or its parent: pass a run folder made by LeNet Lab (or its best/)`);
}

/** Weights of a saved run by layer, named and shaped as Keras has them. */
export function readRunWeights(modelDir: string, spec: ModelSpec): NamedWeight[] {
  const modelPath = join(modelDir, 'model.json');
  if (!existsSync(modelPath)) throw new KerasFormatError(`no model.json in ${modelDir} (train a model first, or pass the folder of a saved run)`);
  const json = readJson<ModelJson>(modelPath, 'the model');
  if (!Array.isArray(json.weightsManifest)) throw new KerasFormatError(`${modelPath} has no weightsManifest: not a TF.js layers model`);
  const flat: (WeightSpec & { data: Float32Array })[] = [];
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => {
      const f = join(modelDir, p);
      if (!existsSync(f)) throw new KerasFormatError(`${modelPath} refers to ${p}, which is missing`);
      return readFileSync(f);
    }));
    let at = 0;
    for (const w of group.weights) {
      if ((w.dtype ?? 'float32') !== 'float32') throw new KerasFormatError(`${w.name}: only float32 weights can be exported, got ${w.dtype}`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (at + 4 * n > bytes.length) throw new KerasFormatError(`${modelPath}: the weight files are shorter than the manifest says (at ${w.name})`);
      // Copy: the weights file's bytes need not be 4-byte aligned.
      flat.push({ ...w, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * n)) });
      at += 4 * n;
    }
  }
  const out: NamedWeight[] = [];
  for (const l of inferModel(spec).layers) {
    for (const name of kerasWeightNames(spec.layers[l.index])) {
      // TF.js names weights "<layer>/<name>" (a numeric suffix when a name was taken in its process).
      const w = flat.find((x) => x.name === `${l.name}/${name}` || new RegExp(`^${l.name.replace(/[.]/g, '\\.')}/${name}_\\d+$`).test(x.name));
      if (!w) throw new KerasFormatError(`${modelPath} has no ${l.name}/${name} weights: the model does not match the run's config.json`);
      out.push({ layer: l.name, name, shape: w.shape, data: w.data });
    }
  }
  return out;
}

/** Writes modelDir's model to outFile as Keras .h5; returns what was written. */
export async function exportRunToH5(modelDir: string, outFile: string): Promise<{ spec: ModelSpec; weights: NamedWeight[] }> {
  const spec = specOfRun(modelDir);
  const weights = readRunWeights(modelDir, spec);
  await writeKerasH5(outFile, spec, weights);
  return { spec, weights };
}
