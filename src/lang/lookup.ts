// What is under the cursor: the innermost layer call containing the offset, else a mention of a
// model variable. Offsets are in the analysed text.
import type { FileAnalysis, LayerAnalysis, ModelAnalysis } from './analyze';

export type Hit = { model: ModelAnalysis; layer: LayerAnalysis } | { model: ModelAnalysis; layer?: undefined };

export function findAt(a: FileAnalysis, offset: number): Hit | undefined {
  let best: { model: ModelAnalysis; layer: LayerAnalysis } | undefined;
  for (const model of a.models) {
    for (const layer of model.layers) {
      const s = layer.source.callSpan;
      if (offset >= s.start && offset <= s.end) {
        // Innermost wins (a Sequential nested in a layer list is rare, but a layer's span is smaller).
        if (!best || s.end - s.start < best.layer.source.callSpan.end - best.layer.source.callSpan.start) best = { model, layer };
      }
    }
  }
  if (best) return best;
  for (const model of a.models) {
    for (const s of model.source.varSpans) {
      if (offset >= s.start && offset <= s.end) return { model };
    }
    const c = model.source.createSpan;
    if (offset >= c.start && offset <= c.end) return { model };
  }
  return undefined;
}
