// Turns a model FILE given on the command line into a ModelSpec. Loaders are tried in order by
// file name; `*.lenet.json` (any .json) is built in. Other formats (e.g. Keras code in .py/.ts
// sources) plug in with registerModelLoader() without touching the commands.
import { NotASmallFileError, readSmallFile } from '../shared/smallFile';
import { parseModelFile } from '../model/validate';
import type { ModelSpec } from '../model/spec';
import { errorMessage } from '../shared/errors';

/** Notebooks with outputs can be large; a model's source never needs more. */
const MAX_MODEL_FILE_BYTES = 64 << 20;

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

export interface ModelLoader {
  /** Shown in errors: "*.lenet.json model files". */
  describe: string;
  matches(path: string): boolean;
  load(path: string, text: string): ModelSpec;
}

const loaders: ModelLoader[] = [
  {
    describe: '*.lenet.json model specs',
    matches: (p) => p.toLowerCase().endsWith('.json'),
    load(path, text) {
      try {
        return parseModelFile(text, path);
      } catch (err) {
        throw new ModelFileError(errorMessage(err));
      }
    },
  },
];

/** Adds a loader; it is tried before the built-in ones. */
export function registerModelLoader(loader: ModelLoader): void {
  loaders.unshift(loader);
}

export function loadModelFile(path: string): ModelSpec {
  const loader = loaders.find((l) => l.matches(path));
  if (!loader) {
    throw new ModelFileError(`cannot read a model from ${path}: supported are ${loaders.map((l) => l.describe).join(', ')}`);
  }
  let text: string;
  try {
    text = readSmallFile(path, MAX_MODEL_FILE_BYTES);
  } catch (err) {
    if (err instanceof NotASmallFileError) throw new ModelFileError(`cannot read a model from ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `model file not found: ${path}` : `cannot read ${path}: ${errorMessage(err)}`);
  }
  return loader.load(path, text);
}
