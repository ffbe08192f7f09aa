// The wasm backend's training step (src/worker/backend.ts hands it to the training loop):
// two threads (one wasm instance per core) when the machine has two or more cores, else one
// instance without the unused input gradient. Other backends (tfjs-node, cpu) return null and
// keep tfjs's own step untouched.
import { availableParallelism } from 'node:os';
import type { TrainStep, TrainStepContext } from '../trainStep';
import { FusedTrainStep, fusedUnsupported } from '../fused/step';
import { FusedTwoThreadStep } from '../fused/two_threads';
import { fastTrainStep } from './fast_step';
import { isPlainChain } from './forward';
import { ParallelTrainStep } from './parallel_step';
import { errorMessage } from '../../shared/errors';

export interface WasmStepOptions {
  /** Folder of the tfjs-backend-wasm .wasm files, for the second thread's own instance. */
  wasmDir: string;
  /** 1 = this thread only; 2 = this thread plus one worker thread. Default: 2 if >= 2 cores. */
  threads?: 1 | 2;
  /** false: split every batch (tests); default: keep checking that splitting beats one thread. */
  adaptive?: boolean;
  /** Called with the reason when the two-thread step cannot start and one thread is used. */
  onFallback?: (reason: string) => void;
  /** Benchmarks: the two-thread step sums where its time goes (ParallelTrainStep.profile). */
  profile?: boolean;
  /** The fused wasm SIMD step (src/worker/fused) for the models and optimizers it serves. */
  fused?: boolean;
  /** Why the fused step is off when `fused` is false (the run's config.json and panel say it). */
  fusedOff?: string;
}

export async function createWasmTrainStep(ctx: TrainStepContext, opts: WasmStepOptions): Promise<TrainStep | null> {
  if (ctx.backend !== 'wasm') return null;
  const { tf, model, optimizer, inputShape, numClasses, config } = ctx;
  const threads = opts.threads ?? (availableParallelism() >= 2 ? 2 : 1);
  const declined = opts.fused ? fusedUnsupported(ctx) : opts.fusedOff ?? 'the fused step is off';
  if (declined === null) {
    if (threads === 2) {
      try {
        return await FusedTwoThreadStep.start(tf, model, optimizer, inputShape, numClasses, config.batchSize, { adaptive: opts.adaptive, seed: config.seed });
      } catch (err) {
        opts.onFallback?.(`two-thread training unavailable (${(err as Error).message}); using one thread`);
      }
    }
    return new FusedTrainStep(tf, model, optimizer, inputShape, numClasses, config.batchSize, config.seed);
  }
  return Object.assign(await tfjsWasmStep(ctx, threads, opts), { declined });
}

/** The tfjs step on wasm: two threads for a plain chain, else one without the input gradient. */
async function tfjsWasmStep(ctx: TrainStepContext, threads: 1 | 2, opts: WasmStepOptions): Promise<TrainStep> {
  const { tf, model, optimizer, inputShape, numClasses, config } = ctx;
  // Layers with state outside the trainable weights (BatchNormalization's moving statistics)
  // would drift apart between threads: those models train on one thread.
  const splittable = model.nonTrainableWeights.length === 0 && isPlainChain(model);
  if (threads === 2 && splittable) {
    try {
      return await ParallelTrainStep.start(tf, model, optimizer, {
        maxBatch: config.batchSize, inputShape, numClasses, wasmDir: opts.wasmDir, adaptive: opts.adaptive, profile: opts.profile,
      });
    } catch (err) {
      opts.onFallback?.(`two-thread training unavailable (${errorMessage(err)}); using one thread`);
    }
  }
  return fastTrainStep(tf, model, optimizer, inputShape, numClasses);
}
