// The optional argument of lenet.startTraining: { model, source } from "Train This Model". It can
// come from any caller of the command, so it is validated like a model file and checked against
// what the trainer can build before anything starts.
import type { ModelSpec } from '../model/spec';
import { parseModelSpec } from '../model/validate';
import { assertTrainable } from '../model/trainable';

export type TrainRequest = { model?: ModelSpec; source?: string } | { error: string };

export function readTrainRequest(request: unknown): TrainRequest {
  if (request === undefined || request === null || typeof request !== 'object' || !('model' in request)) return {};
  const r = request as { model: unknown; source?: unknown };
  const source = typeof r.source === 'string' ? r.source : undefined;
  try {
    const model = parseModelSpec(r.model, source ?? 'model');
    assertTrainable(model);
    return { model, source };
  } catch (e) {
    return { error: `cannot train the model${source ? ` from ${source}` : ''}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
