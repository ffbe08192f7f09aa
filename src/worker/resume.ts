// Resuming a run in its own folder (Keras initial_epoch): the training settings come from the
// folder's config.json, never from the request, so the continued run is the same run; the request
// gives only the new total of epochs and where and how to run (backend, dataset cache).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainConfig } from '../shared/protocol';
import { readResumable, ResumeError, resumeTotal, type Resumable } from '../shared/resumable';
import { validateTrainConfig } from './config';
import { errorMessage } from '../shared/errors';

/** config.json's fields that make the run what it is (the rest describes where it ran). */
const RUN_FIELDS = [
  'dataset', 'batchSize', 'learningRate', 'optimizer', 'seed', 'limit', 'model', 'source', 'initialWeights',
  'tensorboard', 'earlyStopping', 'reduceLrOnPlateau', 'lrSchedule',
] as const;

/** config.json as written (readResumable checked that it is a JSON object). */
export function readSavedConfig(runDir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as Record<string, unknown>;
}

/** The training config of a resume request: the run's own settings, the requested total of epochs. */
export function resumedConfig(request: TrainConfig): { config: TrainConfig; resumable: Resumable } {
  const resumable = readResumable(request.resumeFrom!);
  const { runDir } = resumable;
  const epochs = resumeTotal(resumable, request.epochs);
  const saved = readSavedConfig(runDir);
  const fields: Record<string, unknown> = {};
  for (const k of RUN_FIELDS) if (saved[k] !== undefined) fields[k] = saved[k];
  // 'auto' picks by what is cached or reachable now; the run goes on with what it trained on.
  const resolved = (saved.resolvedDataset as { name?: unknown } | undefined)?.name;
  if (fields.dataset === 'auto' && typeof resolved === 'string') fields.dataset = resolved;
  try {
    const config = validateTrainConfig({
      ...fields, epochs, backend: request.backend, outDir: dirname(runDir), cacheDir: request.cacheDir, resumeFrom: runDir,
    });
    return { config, resumable };
  } catch (err) {
    throw new ResumeError(`cannot resume ${runDir}: its config.json does not hold a valid training config (${errorMessage(err)}); start a new run`);
  }
}
