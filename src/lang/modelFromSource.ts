// `lenet-lab summary FILE` (and `train FILE`) for source files: the first model found in a
// Python, notebook or TS/JS file, read by the same code as the editor hovers.
import { analyzeSource, languageFor } from './index';
import { ipynbPython } from './notebook';
import type { ModelSpec } from '../model/spec';
import type { ModelAnalysis } from './analyze';

export class SourceModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceModelError';
  }
}

/** File names this reader takes (the built-in JSON loader keeps *.json). */
export function isModelSource(path: string): boolean {
  const l = languageFor(path);
  return l === 'python' || l === 'tfjs' || l === 'ipynb';
}

export interface SourceModelResult {
  spec: ModelSpec;
  analysis: ModelAnalysis;
  /** Things the reader assumed, for a note on stderr (input shape). */
  notes: string[];
}

/** The first model of a source file, or a SourceModelError saying what is wrong and where. */
export function firstModelFromSource(path: string, text: string): SourceModelResult {
  const lang = languageFor(path);
  let code = text;
  let toFile = (o: number) => o;
  if (lang === 'ipynb') {
    const nb = ipynbPython(text);
    if (!nb) throw new SourceModelError(`${path} is not a Jupyter notebook with Python code cells (invalid JSON or no "cells")`);
    code = nb.text;
    toFile = (o) => nb.toJson[Math.min(o, nb.toJson.length - 1)];
  } else if (lang !== 'python' && lang !== 'tfjs') {
    throw new SourceModelError(`${path}: not a Python, notebook or TypeScript/JavaScript file`);
  }
  const a = analyzeSource(code, lang === 'tfjs' ? 'tfjs' : 'python');
  const where = (o: number) => {
    const at = toFile(o);
    const before = text.slice(0, at);
    return `${path}:${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
  };
  const m = a.models[0];
  if (!m) {
    throw new SourceModelError(
      `no model found in ${path}: LeNet Lab reads Keras Sequential models (Sequential() + .add(...), Sequential([...])), linear Keras functional models (keras.Input -> layers -> keras.Model(inputs, outputs)) and TF.js tf.sequential() models`,
    );
  }
  const bad = m.layers.find((l) => l.status !== 'ok');
  if (bad) {
    const what = bad.status === 'error' ? bad.message : `${bad.name} (${bad.type}) not analyzed: ${bad.message}`;
    throw new SourceModelError(`${where(bad.source.classSpan.start)}: ${what}`);
  }
  if (m.layers.length === 0) throw new SourceModelError(`${where(m.source.createSpan.start)}: the model has no layers`);
  if (!m.spec) throw new SourceModelError(`${where(m.source.createSpan.start)}: ${m.trainBlocker ?? 'the model could not be read'}`);
  const unread = m.layers.find((l) => l.source.unresolved?.length);
  if (unread) {
    throw new SourceModelError(
      `${where(unread.source.classSpan.start)}: ${unread.name}: ${unread.source.unresolved!.join(', ')} cannot be read without running the code; write it as a constant (e.g. activation='relu')`,
    );
  }
  const notes: string[] = [];
  if (m.inputAssumed) notes.push(`input shape assumed to be (${m.spec.inputShape.join(', ')}): ${m.inputAssumed}`);
  if (a.models.length > 1) notes.push(`${path} defines ${a.models.length} models; using the first (${where(m.source.createSpan.start)})`);
  return { spec: m.spec, analysis: m, notes };
}
