// Keras .h5 model files on the command line: `summary FILE.h5` and `train --model FILE.h5` read
// the architecture here (h5wasm, no TensorFlow.js); training then starts from the file's weights.
import { resolve } from 'node:path';
import { readKerasH5 } from '../keras/h5';
import type { ModelSpec } from '../model/spec';
import { ModelFileError } from './modelFile';
import { errorMessage } from '../shared/errors';

export const isKerasFile = (path: string | undefined): path is string => !!path && /\.(h5|hdf5)$/i.test(path);

export async function kerasModelSpec(path: string): Promise<ModelSpec> {
  try {
    return (await readKerasH5(resolve(path))).spec;
  } catch (err) {
    throw new ModelFileError(errorMessage(err));
  }
}
