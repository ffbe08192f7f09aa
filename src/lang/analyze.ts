// From parsed source models to what the editor shows: per layer the model core's LayerInfo (or why
// there is none), diagnostics, and the ModelSpec to train. The inference itself is the model
// core's (src/model/infer.ts); this file only walks the layers in order and decides what is known.
import { defaultLayerNames, formatShape, inferLayer, inferModel, ShapeError, type InferResult, type LayerInfo, type Shape } from '../model/infer';
import type { LayerSpec, ModelSpec } from '../model/spec';
import { assertTrainable } from '../model/trainable';
import type { ParseResult, SourceLanguage, SourceLayer, SourceModel, Span } from './types';

/** The dataset's image shape, assumed when the source computes its input shape at run time. */
export const ASSUMED_INPUT: Shape = [null, 28, 28, 1];

export type LayerStatus = 'ok' | 'error' | 'not-analyzed' | 'unknown';

export interface LayerAnalysis {
  source: SourceLayer;
  index: number;
  /** Keras name: explicit or default (conv2d_1...). */
  name: string;
  /** Keras class as the summary prints it (Conv2D), or the name as written when not modelled. */
  type: string;
  status: LayerStatus;
  info?: LayerInfo;
  /** Sum of params up to and including this layer. */
  runningParams?: number;
  /** Error or not-analyzed reason; for 'unknown', which earlier layer stopped the analysis. */
  message?: string;
}

export interface ModelAnalysis {
  source: SourceModel;
  name: string;
  inputShape: Shape;
  /** Set when the input shape is assumed, with the reason. */
  inputAssumed?: string;
  layers: LayerAnalysis[];
  /** The model core's result over the analysed layers (all of them when `complete`). */
  result: InferResult;
  complete: boolean;
  /** The spec to train when every layer was read; `trainBlocker` says why it cannot be trained. */
  spec?: ModelSpec;
  trainBlocker?: string;
}

export type Severity = 'error' | 'warning' | 'information';

export interface ShapeDiagnostic {
  span: Span;
  severity: Severity;
  message: string;
}

export interface FileAnalysis {
  language: SourceLanguage;
  models: ModelAnalysis[];
  diagnostics: ShapeDiagnostic[];
}

export function analyzeParsed(parsed: ParseResult): FileAnalysis {
  const diagnostics: ShapeDiagnostic[] = parsed.problems.map((p) => ({ span: p.span, severity: 'error' as const, message: p.message }));
  const models = parsed.models.map((m) => analyzeModel(m, diagnostics));
  return { language: parsed.language, models, diagnostics };
}

export function analyzeModel(model: SourceModel, diagnostics: ShapeDiagnostic[] = []): ModelAnalysis {
  let inputShape = model.inputShape;
  let inputAssumed: string | undefined;
  if (!inputShape) {
    inputShape = ASSUMED_INPUT;
    inputAssumed = model.inputNote ?? 'no input shape is written in the source';
  }
  // Names follow Keras's rule over every layer, modelled or not (a Conv1D still takes 'conv1d').
  const names = defaultLayerNames(
    model.layers.map((l) => l.spec ?? ({ type: l.className } as unknown as LayerSpec)),
  );
  const layers: LayerAnalysis[] = [];
  const infos: LayerInfo[] = [];
  let shape: Shape = inputShape;
  let stopped: string | undefined; // name of the layer after which shapes are unknown
  let total = 0;
  model.layers.forEach((src, index) => {
    const name = names[index];
    const type = src.spec?.type ?? src.className;
    const la: LayerAnalysis = { source: src, index, name, type, status: 'unknown' };
    layers.push(la);
    if (stopped !== undefined) {
      la.message = `shapes after ${stopped} are unknown`;
      return;
    }
    if (!src.spec) {
      la.status = 'not-analyzed';
      la.message = src.notAnalyzed ?? 'not analyzed';
      stopped = name;
      diagnostics.push({
        span: src.classSpan,
        severity: 'information',
        message: `${name} (${src.className}) not analyzed: ${la.message}. Shapes after it are unknown.`,
      });
      return;
    }
    try {
      const info = inferLayer(src.spec, shape, name, index);
      total += info.params;
      la.status = 'ok';
      la.info = info;
      la.runningParams = total;
      infos.push(info);
      shape = info.outputShape;
    } catch (e) {
      la.status = 'error';
      la.message = e instanceof ShapeError ? e.message : `${name}: ${e instanceof Error ? e.message : String(e)}`;
      stopped = name;
      diagnostics.push({ span: src.callSpan, severity: 'error', message: la.message });
    }
  });
  const complete = layers.every((l) => l.status === 'ok');
  const sum = (f: (l: LayerInfo) => number) => infos.reduce((s, l) => s + f(l), 0);
  let result: InferResult = {
    name: model.name ?? 'sequential',
    inputShape,
    layers: infos,
    totalParams: sum((l) => l.params),
    trainableParams: sum((l) => l.trainableParams),
    nonTrainableParams: sum((l) => l.nonTrainableParams),
  };
  const out: ModelAnalysis = { source: model, name: result.name, inputShape, inputAssumed, layers, result, complete };
  if (!complete) {
    const first = layers.find((l) => l.status !== 'ok');
    out.trainBlocker = first ? `${first.name} (${first.type}): ${first.message}` : 'the model has problems';
    return out;
  }
  if (layers.length === 0) {
    out.trainBlocker = 'the model has no layers';
    return out;
  }
  const spec: ModelSpec = {
    name: result.name,
    inputShape: inputShape.slice(1).map((d) => d ?? 0),
    layers: model.layers.map((l) => l.spec!),
  };
  out.spec = spec;
  try {
    // Whole-model rules (unique names...) on top of the per-layer ones.
    result = inferModel(spec);
    out.result = result;
  } catch (e) {
    if (e instanceof ShapeError && e.layerIndex >= 0 && layers[e.layerIndex]) {
      const la = layers[e.layerIndex];
      la.status = 'error';
      la.message = e.message;
      out.complete = false;
      diagnostics.push({ span: la.source.callSpan, severity: 'error', message: e.message });
    }
    out.trainBlocker = e instanceof Error ? e.message : String(e);
    return out;
  }
  const unresolved = model.layers.flatMap((l, i) => (l.unresolved ?? []).map((u) => `${names[i]}: ${u}`));
  if (inputShape.slice(1).some((d) => d === null)) {
    out.trainBlocker = `the input shape ${formatShape(inputShape)} is not fully known`;
  } else if (unresolved.length > 0) {
    out.trainBlocker = `not read from the source: ${unresolved.join('; ')}`;
  } else {
    try {
      assertTrainable(spec);
    } catch (e) {
      out.trainBlocker = e instanceof Error ? e.message : String(e);
    }
  }
  return out;
}
