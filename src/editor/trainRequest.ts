// The optional argument of lenet.startTraining: { model, source } from "Train This Model". It can
// come from any caller of the command, so it is validated like a model file and checked against
// what the trainer can build before anything starts.
import type { ModelSpec } from '../model/spec';
import { parseModelSpec } from '../model/validate';
import { assertTrainable } from '../model/trainable';
import { errorMessage } from '../shared/errors';

import type { CompiledOptimizer } from '../lang/compileOptimizer';

/** compiled: the optimizer the model file compiles with (its compile() call), when it names one. */
export type TrainRequest = { model?: ModelSpec; source?: string; compiled?: CompiledOptimizer } | { error: string };

export function readTrainRequest(request: unknown): TrainRequest {
  if (request === undefined || request === null || typeof request !== 'object' || !('model' in request)) return {};
  const r = request as { model: unknown; source?: unknown; compiled?: unknown };
  const source = typeof r.source === 'string' ? r.source : undefined;
  const c = r.compiled as Partial<CompiledOptimizer> | undefined;
  const compiled = c && typeof c === 'object' && typeof c.written === 'string' && c.written.length <= 100
    ? { written: c.written, ...(c.optimizer && ['sgd', 'momentum', 'adam', 'rmsprop'].includes(c.optimizer) ? { optimizer: c.optimizer } : {}) }
    : undefined;
  try {
    const model = parseModelSpec(r.model, source ?? 'model');
    assertTrainable(model);
    return { model, source, ...(compiled ? { compiled } : {}) };
  } catch (e) {
    return { error: `cannot train the model${source ? ` from ${source}` : ''}: ${errorMessage(e)}` };
  }
}
