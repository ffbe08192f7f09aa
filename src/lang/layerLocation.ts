// Where a trained model's layer is written: the layer of that name in the model of the analysed
// source that the run was trained from (the same analysis the hovers use). Pure, no vscode.
import type { ModelSpec } from '../model/spec';
import type { FileAnalysis, LayerAnalysis, ModelAnalysis } from './analyze';

/**
 * The source layer named `layerName`: in the model whose spec is the run's, else in the first
 * model that has a layer of that name (the file was edited since, but the layer is still there).
 */
export function findLayerSource(analysis: FileAnalysis, spec: ModelSpec | undefined, layerName: string): { model: ModelAnalysis; layer: LayerAnalysis } | undefined {
  const same = spec ? JSON.stringify(spec) : undefined;
  const ordered = [
    ...analysis.models.filter((m) => m.spec && JSON.stringify(m.spec) === same),
    ...analysis.models,
  ];
  for (const model of ordered) {
    const layer = model.layers.find((l) => l.name === layerName);
    if (layer) return { model, layer };
  }
  return undefined;
}
