// The training loop with the semantics of the seed's Keras fit(): seeded shuffle every epoch,
// running batch means weighted by samples, validation on the test split after each epoch. Writes
// the run folder as it goes (metrics.csv, model, best/), stops cleanly at a batch boundary.
import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import type { Dataset } from '../data/types';
import type { ModelSpec } from '../model/spec';
import type { BackendName, EpochMetrics, SummaryInfo, TrainConfig, WorkerEvent } from '../shared/protocol';
import { permutation, rng } from '../shared/random';
import type { Tf } from './tf';
import { toErrorInfo, WorkerError } from './errors';
import { lossAndAccuracy, predictAll, type Split } from './metrics';
import { copyModelDirAtomic, createRunDir, markFailed, metricsCsv, saveModel, TIMES_FILE, timesCsv, writeFileAtomic, writeJsonAtomic } from './runDir';
import type { Batch, TrainStepFactory } from './trainStep';
import { FitCallbacks } from './fitCallbacks';
import { ProbeRecorder } from './probes';
import { buildInitialModel } from './kerasModel';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../shared/errors';

export type EventBody<T = WorkerEvent> = T extends unknown ? Omit<T, 'v'> : never;

/** What the loop trains on: a loaded dataset (src/data). */
export type DatasetLike = Dataset;

export interface TrainContext {
  tf: Tf;
  backend: BackendName;
  versions: Record<string, string>;
  emit: (e: EventBody) => void;
  stopRequested: () => boolean;
  /** Makes the training step (the backend's: BackendInfo.createTrainStep). */
  createStep: TrainStepFactory;
  /** Gets the model being trained (e.g. to answer predict between batches). */
  onModel?: (model: LayersModel) => void;
}

export interface TrainResult {
  model: LayersModel;
  runDir: string;
  history: EpochMetrics[];
  stopped: boolean;
}

/** batchEnd at most every 100 ms (the last batch of an epoch always goes out). */
const BATCH_EVENT_INTERVAL_MS = 100;

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

export function makeOptimizer(tf: Tf, config: TrainConfig): Optimizer {
  const lr = config.learningRate;
  switch (config.optimizer) {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, 0.9);
    case 'adam': return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'rmsprop': return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
  }
}

/** Uses only the first `limit` training images (0 = all). */
export function limitSplit(split: Split, limit: number): Split {
  if (!limit || limit >= split.count) return split;
  const per = split.images.length / split.count;
  return { images: split.images.subarray(0, limit * per), labels: split.labels.subarray(0, limit), count: limit };
}

/** The error of a run whose loss went NaN or infinite, with what to try and what was kept. */
function diverged(config: TrainConfig, what: string, epochsSaved: number, runDir: string): WorkerError {
  const kept = epochsSaved
    ? `the model of epoch ${epochsSaved}, the last good one, stays saved in ${runDir}`
    : 'no epoch had finished, so no model was saved';
  return new WorkerError(
    'DIVERGED',
    `${what}: training diverged and was stopped; the learning rate ${config.learningRate} is probably too high for ${config.optimizer} (try ${Number((config.learningRate / 10).toPrecision(3))}); ${kept}`,
  );
}

export async function runTraining(
  ctx: TrainContext, config: TrainConfig, data: DatasetLike, spec: ModelSpec, summary: SummaryInfo,
): Promise<TrainResult> {
  const { tf, emit } = ctx;
  const train = limitSplit(data.train, config.limit);
  if (config.batchSize > train.count) {
    throw new WorkerError('BAD_CONFIG', `batchSize ${config.batchSize} is larger than the ${train.count} training images${config.limit ? ` (limit ${config.limit})` : ''}`);
  }
  const inputShape = spec.inputShape;
  const per = inputShape.reduce((a, b) => a * b, 1);
  const numClasses = data.classes.length;

  const model = await buildInitialModel(tf, spec, config);
  ctx.onModel?.(model);
  const optimizer = makeOptimizer(tf, config);
  const step = await ctx.createStep({
    tf, model, optimizer, config, backend: ctx.backend, inputShape, numClasses,
    warn: (message) => emit({ type: 'log', level: 'warn', message }),
  });
  const runDir = createRunDir(config.outDir);
  const startedAt = new Date();
  const writeConfig = () => writeJsonAtomic(join(runDir, 'config.json'), {
    // train: the images this run uses (after the limit); available: the dataset's training images.
    ...config, model: spec, resolvedDataset: { name: data.name, source: data.source, train: train.count, available: data.train.count, test: data.test.count },
    backend: ctx.backend, versions: ctx.versions, trainStep: step.name, startedAt: startedAt.toISOString(),
    // Whose run this is while it trains: a reader tells a live run from one a crash left behind.
    pid: process.pid,
  });
  try {
    writeConfig();
  } catch (err) {
    // A folder without even its config is no run at all: leave nothing behind.
    rmSync(runDir, { recursive: true, force: true });
    model.dispose();
    step.dispose();
    optimizer.dispose();
    throw err;
  }

  const callbacks = new FitCallbacks({
    tf, model, optimizer, config, runDir,
    emitCallback: (note) => emit({ type: 'callback', ...note }),
    warn: (message) => emit({ type: 'log', level: 'warn', message }),
  });
  let stoppedEarly = false;
  // What happens inside the network over training; a failure to record never stops the run.
  const recorder = new ProbeRecorder(tf, model, data.test, { dataset: data.name, seed: config.seed, epochs: config.epochs, runDir });
  const record = (epoch: number) => {
    try {
      recorder.record(epoch);
    } catch (err) {
      emit({ type: 'log', level: 'warn', message: `could not record the probe images' activations after epoch ${epoch}: ${errorMessage(err)}` });
    }
  };
  record(0);

  const random = rng(config.seed);
  const batches = Math.ceil(train.count / config.batchSize);
  const batch: Batch = { images: new Float32Array(config.batchSize * per), labels: new Uint8Array(config.batchSize), size: 0 };
  const history: EpochMetrics[] = [];
  let best: EpochMetrics | null = null;
  let stoppedAt: { epoch: number; batch: number } | null = null;

  try {
    for (let epoch = 1; epoch <= config.epochs && !stoppedAt && !stoppedEarly; epoch++) {
      if (ctx.stopRequested()) {
        // Asked during the previous epoch's validation: stop after its last batch, no empty epoch.
        stoppedAt = epoch === 1 ? { epoch: 1, batch: 0 } : { epoch: epoch - 1, batch: batches };
        break;
      }
      callbacks.epochBegin(epoch);
      emit({ type: 'epochBegin', epoch, epochs: config.epochs, batches, numTensors: tf.memory().numTensors, runDir });
      const t0 = performance.now();
      const order = permutation(train.count, random);
      let seen = 0, lossSum = 0, accSum = 0, lastSent = 0;
      for (let b = 0; b < batches; b++) {
        if (ctx.stopRequested()) {
          stoppedAt = { epoch, batch: b };
          break;
        }
        const start = b * config.batchSize;
        const size = Math.min(config.batchSize, train.count - start);
        for (let i = 0; i < size; i++) {
          const src = order[start + i];
          batch.images.set(train.images.subarray(src * per, (src + 1) * per), i * per);
          batch.labels[i] = train.labels[src];
        }
        batch.size = size;
        // A short last batch gets views of the right length.
        const r = await step.run(size === config.batchSize ? batch : {
          images: batch.images.subarray(0, size * per), labels: batch.labels.subarray(0, size), size,
        });
        // Like Keras's TerminateOnNaN: the weights are already ruined, so stop before saving them.
        if (!Number.isFinite(r.loss)) throw diverged(config, `loss became ${r.loss} at epoch ${epoch}, batch ${b + 1} of ${batches}`, history.length, runDir);
        seen += size;
        lossSum += r.loss * size;
        accSum += r.acc * size;
        const now = performance.now();
        if (b === batches - 1 || now - lastSent >= BATCH_EVENT_INTERVAL_MS) {
          lastSent = now;
          emit({ type: 'batchEnd', epoch, batch: b + 1, batches, loss: lossSum / seen, acc: accSum / seen });
        }
        await yieldToEvents(); // lets 'stop' and 'predict' messages in between batches
      }
      if (stoppedAt) break;
      const trainSeconds = (performance.now() - t0) / 1000;
      await step.sync();
      const probs = step.predictAll
        ? await step.predictAll(data.test)
        : await predictAll(tf, model, data.test, inputShape, numClasses);
      const val = lossAndAccuracy(probs, data.test.labels, data.test.count, numClasses);
      if (!Number.isFinite(val.loss)) throw diverged(config, `validation loss became ${val.loss} after epoch ${epoch}`, history.length, runDir);
      const m: EpochMetrics = {
        epoch, loss: lossSum / seen, acc: accSum / seen, val_loss: val.loss, val_acc: val.acc,
        seconds: (performance.now() - t0) / 1000,
      };
      stoppedEarly = callbacks.epochEnd(m);
      history.push(m);
      // Times first: every epoch a reader finds in metrics.csv has its time, whenever a kill lands.
      writeFileAtomic(join(runDir, TIMES_FILE), timesCsv(history));
      writeFileAtomic(join(runDir, 'metrics.csv'), metricsCsv(history));
      await saveModel(tf, model, runDir);
      record(epoch);
      if (!best || m.val_acc > best.val_acc) {
        best = m;
        await copyModelDirAtomic(runDir, join(runDir, 'best'));
      }
      emit({
        type: 'epochEnd', ...m, epochs: config.epochs,
        // Training throughput (validation excluded), like Keras's ms/step.
        samplesPerSecond: seen / trainSeconds,
        numTensors: tf.memory().numTensors,
      });
      callbacks.flush();
    }
    if (!stoppedAt) {
      const restored = callbacks.trainEnd(history.length);
      if (restored) await saveModel(tf, model, runDir);
    }
    if (stoppedAt) {
      await step.sync();
      await saveModel(tf, model, runDir); // the weights so far, mid-epoch included
      emit({ type: 'stopped', ...stoppedAt });
    }
    if (!history.length) writeFileAtomic(join(runDir, 'metrics.csv'), metricsCsv(history));
    writeJsonAtomic(join(runDir, 'summary.json'), {
      status: stoppedAt ? 'stopped' : 'completed',
      model: spec.name ?? 'sequential', totalParams: summary.totalParams, backend: ctx.backend, trainStep: step.name,
      dataset: { name: data.name, source: data.source, train: train.count, available: data.train.count, test: data.test.count },
      epochsCompleted: history.length, epochs: config.epochs, stopped: !!stoppedAt, stoppedAt,
      stoppedEarly: stoppedEarly ? history.length : null, callbacks: callbacks.notes,
      best: best ? { epoch: best.epoch, val_accuracy: best.val_acc, val_loss: best.val_loss } : null,
      final: history[history.length - 1] ?? null,
      startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
      seconds: (Date.now() - startedAt.getTime()) / 1000,
    });
  } catch (err) {
    model.dispose();
    const info = toErrorInfo(err);
    markFailed(runDir, info.code, info.message, { epochsCompleted: history.length, epochs: config.epochs, final: history[history.length - 1] ?? null, startedAt });
    throw err;
  } finally {
    step.dispose();
    optimizer.dispose();
  }
  return { model, runDir, history, stopped: !!stoppedAt };
}
