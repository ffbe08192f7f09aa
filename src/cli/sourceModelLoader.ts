// The CLI's model loader for source files (.py, .ipynb, .ts, .js...): `lenet-lab summary FILE`
// prints what the editor hover shows. Notes (assumed input shape) go to stderr so --json stays clean.
import { ModelFileError, type ModelLoader } from './modelFile';
import { firstModelFromSource, isModelSource, SourceModelError } from '../lang/modelFromSource';

export const sourceModelLoader: ModelLoader = {
  describe: 'Keras models in .py/.ipynb files and TF.js models in .ts/.js files',
  matches: isModelSource,
  load(path, text) {
    try {
      const r = firstModelFromSource(path, text);
      for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
      return r.spec;
    } catch (e) {
      if (e instanceof SourceModelError) throw new ModelFileError(e.message);
      throw e;
    }
  },
};
