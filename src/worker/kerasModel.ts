// Keras .h5 weights in TF.js models: a whole .h5 model as a LayersModel (the architecture through
// the same builder as training, then the file's weights), and a freshly built model started from
// an .h5 file's weights (training that continues from a Keras model).
import type { LayersModel } from '@tensorflow/tfjs';
import { readKerasH5, type NamedWeight } from '../keras/h5';
import type { ModelSpec } from '../model/spec';
import type { TrainConfig } from '../shared/protocol';
import type { Tf } from './tf';
import { buildModel } from './buildModel';
import { WorkerError } from './errors';
import { errorMessage } from '../shared/errors';

async function read(path: string) {
  try {
    return await readKerasH5(path);
  } catch (err) {
    throw new WorkerError('MODEL', errorMessage(err));
  }
}

/** Sets every layer's weights from the file's, by layer and weight name, checking shapes. */
function setWeights(tf: Tf, model: LayersModel, weights: NamedWeight[], path: string): void {
  for (const layer of model.layers) {
    if (!layer.weights.length) continue;
    const values = layer.weights.map((v) => {
      const short = v.originalName.split('/').pop()!;
      const w = weights.find((x) => x.layer === layer.name && x.name === short);
      if (!w) throw new WorkerError('MODEL', `${path}: no ${short} weights for layer ${layer.name}`);
      if (w.shape.join(',') !== v.shape.join(',')) {
        throw new WorkerError('MODEL', `${path}: ${layer.name}/${short} has shape (${w.shape.join(', ')}) but the model needs (${v.shape.join(', ')})`);
      }
      return tf.tensor(w.data, w.shape, 'float32');
    });
    try {
      layer.setWeights(values);
    } finally {
      values.forEach((t) => t.dispose());
    }
  }
}

function build(tf: Tf, spec: ModelSpec, path: string, seed?: number): LayersModel {
  try {
    return buildModel(tf, spec, { seed });
  } catch (err) {
    throw new WorkerError('MODEL', `${path}: ${errorMessage(err)}`);
  }
}

export async function loadKerasModel(tf: Tf, path: string): Promise<LayersModel> {
  const k = await read(path);
  const model = build(tf, k.spec, path);
  try {
    setWeights(tf, model, k.weights, path);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** The model a run starts from: Keras's initialisation, or config.initialWeights' weights. */
export async function buildInitialModel(tf: Tf, spec: ModelSpec, config: TrainConfig): Promise<LayersModel> {
  const model = buildModel(tf, spec, { seed: config.seed });
  if (!config.initialWeights) return model;
  try {
    setWeights(tf, model, (await read(config.initialWeights)).weights, config.initialWeights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
