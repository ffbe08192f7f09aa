// A Keras .h5 model as a TF.js LayersModel: the architecture through the same builder as training
// (buildModel), then each layer's weights from the file, checked shape by shape.
import type { LayersModel } from '@tensorflow/tfjs';
import { readKerasH5 } from '../keras/h5';
import type { Tf } from './backend';
import { buildModel } from './buildModel';
import { WorkerError } from './errors';

export async function loadKerasModel(tf: Tf, path: string): Promise<LayersModel> {
  let k;
  try {
    k = await readKerasH5(path);
  } catch (err) {
    throw new WorkerError('MODEL', (err as Error).message);
  }
  let model: LayersModel;
  try {
    model = buildModel(tf, k.spec);
  } catch (err) {
    throw new WorkerError('MODEL', `${path}: ${(err as Error).message}`);
  }
  try {
    for (const layer of model.layers) {
      if (!layer.weights.length) continue;
      const values = layer.weights.map((v) => {
        const short = v.originalName.split('/').pop()!;
        const w = k.weights.find((x) => x.layer === layer.name && x.name === short);
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
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
