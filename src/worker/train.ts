// The training loop with the semantics of the seed's Keras fit(): seeded shuffle every epoch,
// running batch means weighted by samples, validation on the test split after each epoch. Writes
// the run folder as it goes (metrics.csv, model, best/), stops cleanly at a batch boundary.
import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import type { Dataset } from '../data/types';
import type { ModelSpec } from '../model/spec';
import type { BackendName, EpochMetrics, SummaryInfo, TrainConfig, WorkerEvent } from '../shared/protocol';
import { epochRng, permutation } from '../shared/random';
import type { Tf } from './tf';
import { toErrorInfo, WorkerError } from './errors';
import { lossAndAccuracy, predictAll, type Split } from './metrics';
import { copyModelDirAtomic, createRunDir, loadModel, markFailed, metricsCsv, saveModel, TIMES_FILE, timesCsv, writeFileAtomic, writeJsonAtomic } from './runDir';
import { stepLabel, type Batch, type TrainStepFactory } from './trainStep';
import { FitCallbacks } from './fitCallbacks';
import { ProbeRecorder } from './probes';
import { buildInitialModel } from './kerasModel';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../shared/errors';
import { optimizerSnapshot, readCheckpoint, restoreOptimizer, saveCheckpoint, type Checkpoint } from './checkpoint';
import { readResumable, ResumeError } from '../shared/resumable';
import { readSavedConfig } from './resume';

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

  // Resuming: everything is read and checked before anything in the folder is changed.
  const resumeDir = config.resumeFrom;
  const saved = resumeDir ? readSavedConfig(resumeDir) : undefined;
  const done = resumeDir ? readResumable(resumeDir).done : 0;
  if (saved) assertSameData(resumeDir!, saved, data.name, train.count);
  // With a checkpoint the weights come from it, not from the initial .h5.
  const model = await buildInitialModel(tf, spec, done ? { ...config, initialWeights: undefined } : config);
  let cp: Checkpoint | undefined;
  let optimizer: Optimizer | undefined;
  try {
    if (done) cp = await restoreWeights(tf, model, resumeDir!, config);
    optimizer = makeOptimizer(tf, cp ? { ...config, learningRate: cp.state.callbacks.learningRate } : config);
    if (cp) await restoreOptimizer(tf, optimizer, cp);
  } catch (err) {
    model.dispose();
    optimizer?.dispose();
    throw err;
  }
  ctx.onModel?.(model);
  if (cp && !cp.state.optimizer.complete && config.optimizer !== 'sgd') {
    emit({ type: 'log', level: 'warn', message: `the checkpoint of ${resumeDir} has no ${config.optimizer} slots (its training step kept them to itself): they restart at zero, so the resumed run differs slightly from an uninterrupted one` });
  }
  const step = await ctx.createStep({
    tf, model, optimizer, config, backend: ctx.backend, inputShape, numClasses,
    warn: (message) => emit({ type: 'log', level: 'warn', message }),
  });
  const trainStep = { name: step.name, label: stepLabel(step.name, ctx.backend), ...(step.declined ? { reason: step.declined } : {}) };
  emit({ type: 'trainStep', ...trainStep });
  const runDir = resumeDir ?? createRunDir(config.outDir);
  const startedAt = saved && typeof saved.startedAt === 'string' ? new Date(saved.startedAt) : new Date();
  const sessionStart = Date.now();
  const priorSeconds = cp ? cp.state.history.reduce((a, h) => a + h.seconds, 0) : 0;
  const writeConfig = () => writeJsonAtomic(join(runDir, 'config.json'), saved ? {
    // The run's settings stay as they were: only the total and the record of resumes change.
    // pid: this worker trains it now (a reader tells a live run from one a crash left behind).
    ...saved, epochs: config.epochs, pid: process.pid,
    resumes: [...(Array.isArray(saved.resumes) ? saved.resumes : []), {
      at: new Date().toISOString(), fromEpoch: done, epochs: config.epochs, backend: ctx.backend, trainStep: step.name, trainStepLabel: trainStep.label,
    }],
  } : {
    // train: the images this run uses (after the limit); available: the dataset's training images.
    ...config, model: spec, resolvedDataset: { name: data.name, source: data.source, train: train.count, available: data.train.count, test: data.test.count },
    backend: ctx.backend, versions: ctx.versions, trainStep: step.name, trainStepLabel: trainStep.label,
    ...(trainStep.reason ? { trainStepReason: trainStep.reason } : {}), startedAt: startedAt.toISOString(),
    // Whose run this is while it trains: a reader tells a live run from one a crash left behind.
    pid: process.pid,
  });
  try {
    writeConfig();
    // An epoch saved after the checkpoint (killed before it) is trained again, not listed twice.
    if (resumeDir) {
      writeFileAtomic(join(runDir, 'metrics.csv'), metricsCsv(cp?.state.history ?? []));
      // Running again: the last session's outcome no longer holds (a kill now leaves it interrupted).
      rmSync(join(runDir, 'summary.json'), { force: true });
    }
  } catch (err) {
    // A new folder without even its config is no run at all: leave nothing behind.
    if (!resumeDir) rmSync(runDir, { recursive: true, force: true });
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
  if (cp) {
    const shapes = cp.state.earlyStoppingBest;
    callbacks.restore(cp.state.callbacks, shapes && cp.earlyStoppingBest ? { shapes, data: cp.earlyStoppingBest } : undefined);
  }
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
  if (done) recorder.continueFrom(done);
  else record(0);
  if (resumeDir) emit({ type: 'log', level: 'info', message: `Resuming ${runDir} after epoch ${done} of ${config.epochs}` });

  const batches = Math.ceil(train.count / config.batchSize);
  const batch: Batch = { images: new Float32Array(config.batchSize * per), labels: new Uint8Array(config.batchSize), size: 0 };
  const history: EpochMetrics[] = cp ? [...cp.state.history] : [];
  let best: EpochMetrics | null = cp?.state.best ?? null;
  let stoppedAt: { epoch: number; batch: number } | null = null;

  try {
    for (let epoch = done + 1; epoch <= config.epochs && !stoppedAt && !stoppedEarly; epoch++) {
      if (ctx.stopRequested()) {
        // Asked during the previous epoch's validation: stop after its last batch, no empty epoch.
        stoppedAt = epoch === done + 1 ? { epoch, batch: 0 } : { epoch: epoch - 1, batch: batches };
        break;
      }
      callbacks.epochBegin(epoch);
      emit({ type: 'epochBegin', epoch, epochs: config.epochs, batches, numTensors: tf.memory().numTensors, runDir });
      const t0 = performance.now();
      const order = permutation(train.count, epochRng(config.seed, epoch));
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
      await checkpoint(runDir, { epoch, history, best, optimizer, config, model, callbacks });
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
      seconds: priorSeconds + (Date.now() - sessionStart) / 1000,
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

/** The dataset a resumed run loads must be the one it trained on (same name, same training images). */
function assertSameData(runDir: string, saved: Record<string, unknown>, name: string, train: number): void {
  const was = saved.resolvedDataset as { name?: unknown; train?: unknown } | undefined;
  if (!was || (was.name === name && was.train === train)) return;
  throw new ResumeError(`cannot resume ${runDir}: it trained on ${String(was.name)} (${String(was.train)} images) but ${name} now gives ${train}; resume where that dataset is available, or start a new run`);
}

/** The checkpoint's weights into the freshly built model (same layers, same names as the run's). */
async function restoreWeights(tf: Tf, model: LayersModel, runDir: string, config: TrainConfig): Promise<Checkpoint> {
  const cp = readCheckpoint(runDir, model, config.optimizer);
  const loaded = await loadModel(tf, cp.dir);
  try {
    model.setWeights(loaded.getWeights());
  } catch (err) {
    throw new ResumeError(`cannot resume ${runDir}: the model in ${cp.dir} does not match the run's config.json (${errorMessage(err).split('\n')[0]}); start a new run`);
  } finally {
    loaded.dispose();
  }
  return cp;
}

/** Writes RUN/checkpoint for the epoch just saved (after the step's sync(): the optimizer holds its true state). */
async function checkpoint(runDir: string, s: {
  epoch: number; history: EpochMetrics[]; best: EpochMetrics | null; optimizer: Optimizer; config: TrainConfig; model: LayersModel; callbacks: FitCallbacks;
}): Promise<void> {
  const opt = await optimizerSnapshot(s.optimizer, s.config.optimizer, s.model.trainableWeights.length);
  const cb = s.callbacks.state();
  await saveCheckpoint(runDir, {
    format: 'lenet-lab-checkpoint', version: 1, epoch: s.epoch, history: s.history, best: s.best,
    optimizer: opt.meta, callbacks: cb.callbacks, ...(cb.earlyStoppingBest ? { earlyStoppingBest: cb.earlyStoppingBest.shapes } : {}),
  }, opt.slots, cb.earlyStoppingBest?.data);
}
