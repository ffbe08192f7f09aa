// What the source parsers (Python Keras, TF.js, *.lenet.json) find, in one shape the analysis,
// the hovers and the CLI share. Pure data: offsets into the analysed text, no vscode types, so all
// of src/lang runs (and is tested) under plain node.
import type { Shape } from '../model/infer';
import type { LayerSpec } from '../model/spec';

/** Half-open character range [start, end) in the analysed text. */
export interface Span {
  start: number;
  end: number;
}

export interface SourceLayer {
  /** The class or factory name as written: Conv2D, conv2d, AveragePooling2D... */
  className: string;
  /** Range of the class name (the last name of `tf.keras.layers.Conv2D`). */
  classSpan: Span;
  /** Range of the whole call, `Conv2D(...)` including its arguments. */
  callSpan: Span;
  /** The spec when every argument that matters for shapes was resolved. */
  spec?: LayerSpec;
  /** Why this layer is not analyzed (unknown type, argument not a constant...). */
  notAnalyzed?: string;
  /** Arguments that do not change shapes but were not resolved (activation=my_fn): no training. */
  unresolved?: string[];
}

export interface SourceModel {
  /** Variable the model is bound to (`lenet`), when there is one. */
  varName?: string;
  /** Every place the variable is written (definition, `.add`, `.summary()`...): hovers there show the summary. */
  varSpans: Span[];
  /** The expression that creates the model, e.g. `Sequential()`; the code lens goes above its line. */
  createSpan: Span;
  /** Keras model name (`name='lenet'`). */
  name?: string;
  /** `keras.Model(inputs, outputs)` over a linear chain of layer calls (else a Sequential model). */
  functional?: boolean;
  /** Input shape with the batch axis ([null, 28, 28, 1]) when it is written as constants. */
  inputShape?: Shape;
  /** Where the input shape came from, when it was found but is not a constant (`input_shape=input_shape`). */
  inputNote?: string;
  layers: SourceLayer[];
}

export type SourceLanguage = 'python' | 'tfjs' | 'lenet-json';

export interface ParseResult {
  language: SourceLanguage;
  models: SourceModel[];
  /** Problems of the file itself (e.g. invalid *.lenet.json), not of a layer. */
  problems: { span: Span; message: string }[];
}
