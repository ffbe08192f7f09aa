// The last step both source readers share: put one read layer into its model (the input shape it
// declares, Input layers, the spec or why there is none).
import type { BuiltLayer, ReadableType } from './layerArgs';
import type { SourceLayer, SourceModel } from './types';

/**
 * `quotedInput`: the input argument as written (input_shape=input_shape), quoted in the note when
 * its value is only known at run time.
 */
export function appendLayer(
  model: SourceModel,
  layer: SourceLayer,
  type: ReadableType,
  built: BuiltLayer,
  quotedInput: string | undefined,
  extraUnresolved: string[] = [],
): void {
  if (built.input && model.layers.length === 0 && model.inputShape === undefined && model.inputNote === undefined) {
    if (built.input.shape) model.inputShape = built.input.shape;
    else model.inputNote = quotedInput ? `${quotedInput} is only known when the code runs` : built.input.note;
  }
  if (type === 'Input') {
    if (model.layers.length === 0) return; // an Input is not a layer row in Keras's summary
    layer.notAnalyzed = `an ${layer.className} can only come first`;
    model.layers.push(layer);
    return;
  }
  if (built.notAnalyzed) layer.notAnalyzed = built.notAnalyzed;
  else layer.spec = built.spec;
  const unresolved = [...(built.unresolved ?? []), ...extraUnresolved];
  if (unresolved.length > 0) layer.unresolved = unresolved;
  model.layers.push(layer);
}
