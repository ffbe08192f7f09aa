// The functional API as both readers model it (Keras `Layer(...)(x)`, TF.js `layer.apply(x)`):
// a linear chain of layers from one Input to the outputs. A branch (a tensor used twice) or a
// merge (several tensors into one layer) is a not-analyzed layer, so the shapes after it are unknown.
import type { SourceModel, Span } from './types';

/** A tensor: the output of the first `len` layers of `chain`, which starts at an Input. */
export interface Tensor {
  chain: SourceModel;
  len: number;
}

/** A new chain for an Input call at `span`; its layers are filled in as calls are applied. */
export function newChain(span: Span): SourceModel {
  return { varSpans: [], createSpan: span, layers: [], functional: true };
}

/**
 * Why a layer applied to `input` cannot extend the chain, or undefined when it can. `merge`: the
 * layer takes a list of tensors; `argText`: the input as written, for the message.
 */
export function chainBreak(input: Tensor, className: string, argText: string, merge: boolean): string | undefined {
  if (merge) return `${className} merges several tensors: the functional API is read only as a linear chain`;
  if (input.len !== input.chain.layers.length) {
    return `its input ${argText.slice(0, 30)} also feeds another layer (a branch): the functional API is read only as a linear chain`;
  }
  return undefined;
}

/** Records a layer that breaks the chain; returns the tensor after it. */
export function breakChain(input: Tensor, className: string, classSpan: Span, callSpan: Span, why: string): Tensor {
  input.chain.layers.push({ className, classSpan, callSpan, notAnalyzed: why });
  return { chain: input.chain, len: input.chain.layers.length };
}

/**
 * The model `Model(inputs, outputs)` makes, when `inputs` is the Input of the chain `outputs` comes
 * from. A copy: one chain can make several models (an encoder and the whole autoencoder).
 */
export function chainModel(input: Tensor, output: Tensor, createSpan: Span, name: string): SourceModel | undefined {
  if (input.chain !== output.chain || input.len !== 0) return undefined;
  return { ...input.chain, varSpans: [], createSpan, layers: input.chain.layers.slice(0, output.len), name };
}
