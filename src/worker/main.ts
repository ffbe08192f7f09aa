// The training worker: a child process (child_process.fork of dist/worker.js) that owns all
// TensorFlow.js work. It talks to its parent only through validated protocol messages, exits on
// `shutdown` or when the parent goes away, and turns every failure into an `error` event.
//
// Argument: --backend auto|tensorflow|wasm|cpu (default auto) picks the backend reported in `ready`.
import type { LayersModel } from '@tensorflow/tfjs';
import { defaultCacheDir, loadDataset } from '../data/datasets';
import { LENET5 } from '../model/lenet';
import type { ModelSpec } from '../model/spec';
import { toSummaryInfo } from '../model/summary';
import { parseModelSpec } from '../model/validate';
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { BackendChoice, WorkerCommand } from '../shared/protocol';
import { parseWorkerCommand } from '../shared/protocolValidate';
import { CPU_WARNING, initBackend, type BackendInfo } from './backend';
import { assertTrainable } from '../model/trainable';
import { validateTrainConfig } from './config';
import { toErrorInfo, WorkerError } from './errors';
import { evaluateModel, predictOne } from './evaluate';
import { computeActivations, inputShapeOf, modelToInspect } from './activations';
import { latestRunDir, loadModel } from './runDir';
import { assertActivationMemory, INFER_BATCH } from './memoryBudget';
import { limitSplit, runTraining, type DatasetLike, type EventBody } from './train';
import { IMAGE_PIXELS, IMAGE_SHAPE, NUM_CLASSES } from '../shared/geometry';
import { readSmallFile } from '../shared/smallFile';
import { join, resolve } from 'node:path';

function send(e: EventBody): Promise<void> {
  return new Promise((res) => {
    if (!process.connected || !process.send) return res();
    process.send({ v: PROTOCOL_VERSION, ...e }, undefined, {}, () => res());
  });
}

/** `id`: the predict or activations request that failed, so the parent knows exactly whose error it is. */
function sendError(err: unknown, id?: number): void {
  const info = toErrorInfo(err);
  if (info.internal) process.stderr.write(`lenet-lab worker: ${(err as Error)?.stack ?? String(err)}\n`);
  void send({ type: 'error', code: info.code, message: info.message, ...(id !== undefined ? { id } : {}) });
}

/** The id of a request (predict, activations) that failed validation, when it has a usable one. */
function predictIdOf(raw: unknown): number | undefined {
  const o = raw as { type?: unknown; id?: unknown } | null;
  return typeof o === 'object' && o !== null && (o.type === 'predict' || o.type === 'activations') && Number.isInteger(o.id) ? (o.id as number) : undefined;
}

function argBackend(): BackendChoice {
  const i = process.argv.indexOf('--backend');
  const v = i >= 0 ? process.argv[i + 1] : 'auto';
  return (['auto', 'tensorflow', 'wasm', 'cpu'] as const).find((b) => b === v) ?? 'auto';
}

// ---- state -----------------------------------------------------------------------------------
let backend: Promise<BackendInfo> | null = null;
let busy: 'train' | 'evaluate' | null = null;
let stopRequested = false;
let abort: AbortController | null = null;
let training: Promise<void> | null = null;
/** The model being trained right now (weights as of the last step or sync), for predict. */
let live: LayersModel | null = null;
/** The last trained (or loaded) model, for predict. */
let current: { model: LayersModel; from: string } | null = null;
/** The last outDir used, so evaluate/predict without arguments find the latest run. */
let lastOutDir = resolve('.lenet', 'runs'); // the CLI's and the extension's default
/** Loaded datasets are big (220 MB for 60k images): keep only the last one. */
let cachedData: { key: string; data: DatasetLike } | null = null;

async function useBackend(choice: BackendChoice): Promise<BackendInfo> {
  const have = backend ? await backend.catch(() => null) : null;
  if (have && (choice === 'auto' || choice === have.backend)) return have;
  backend = initBackend(choice);
  const info = await backend.catch((err) => {
    backend = null;
    throw err;
  });
  await send({ type: 'ready', backend: info.backend, reason: info.reason, versions: info.versions });
  if (info.backend === 'cpu') await send({ type: 'log', level: 'warn', message: `running on cpu: ${CPU_WARNING}` });
  return info;
}

/**
 * LENET_LAB_MIRRORS (comma-separated base URLs, tried in order, replacing the built-in mirrors:
 * a company mirror, or a test server) and LENET_LAB_DOWNLOAD_TIMEOUT_MS (longest silence of a
 * download, default 30 s).
 */
function downloadSettings(env: NodeJS.ProcessEnv): { mirrors?: { mnist: string[]; fashionMnist: string[] }; idleTimeoutMs?: number } {
  const mirrors = (env.LENET_LAB_MIRRORS ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  const idle = Number(env.LENET_LAB_DOWNLOAD_TIMEOUT_MS);
  return {
    ...(mirrors.length ? { mirrors: { mnist: mirrors, fashionMnist: mirrors } } : {}),
    ...(Number.isInteger(idle) && idle > 0 ? { idleTimeoutMs: idle, connectTimeoutMs: idle } : {}),
  };
}

async function getDataset(name: string, cacheDir: string): Promise<DatasetLike> {
  const key = `${name}\0${cacheDir}`;
  if (cachedData?.key === key) return cachedData.data;
  cachedData = null; // free the old one before loading the next
  abort = new AbortController();
  try {
    const data = await loadDataset(name, {
      cacheDir: cacheDir || defaultCacheDir(),
      signal: abort.signal,
      ...downloadSettings(process.env),
      onProgress: (file: string, bytes: number, total: number) => void send({ type: 'downloadProgress', file, bytes, total }),
    });
    cachedData = { key, data };
    return data;
  } finally {
    abort = null;
  }
}

/** A saved model, refused (and freed) when inference alone would need more than the budget. */
async function loadModelWithinBudget(tf: BackendInfo['tf'], dir: string): Promise<LayersModel> {
  const model = await loadModel(tf, dir);
  try {
    const layers = model.layers.map((l) => ({ name: l.name, outputShape: (Array.isArray(l.outputShape[0]) ? l.outputShape[0] : l.outputShape) as (number | null)[] }));
    assertActivationMemory(layers, INFER_BATCH, false);
  } catch (err) {
    model.dispose();
    throw err instanceof WorkerError ? new WorkerError(err.code, `the model in ${dir}: ${err.message}`) : err;
  }
  return model;
}

function setCurrent(model: LayersModel, from: string): void {
  if (current && current.model !== model) current.model.dispose();
  current = { model, from };
}

// ---- commands --------------------------------------------------------------------------------
async function train(rawConfig: unknown): Promise<void> {
  const config = validateTrainConfig(rawConfig);
  const info = await useBackend(config.backend);
  lastOutDir = resolve(config.outDir);
  // A spec from the parent is untrusted: normalise and check it like a model file.
  const spec: ModelSpec = config.model ? parseModelSpec(config.model, 'config.model') : LENET5;
  const inferred = assertTrainable(spec, { inputShape: [...IMAGE_SHAPE], classes: NUM_CLASSES });
  // Before any data is loaded or tensor allocated: the step, and validation after each epoch.
  assertActivationMemory(inferred.layers, config.batchSize, true);
  assertActivationMemory(inferred.layers, INFER_BATCH, false);
  let data: DatasetLike;
  try {
    data = await getDataset(config.dataset, config.cacheDir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ABORTED' && stopRequested) {
      await send({ type: 'stopped', epoch: 0, batch: 0 });
      await send({ type: 'done', history: [], runDir: '', stopped: true });
      return;
    }
    throw err;
  }
  // train = what this run uses (the limit applied exactly as runTraining applies it).
  await send({
    type: 'dataset', name: data.name, source: data.source, train: limitSplit(data.train, config.limit).count,
    available: data.train.count, test: data.test.count, classes: data.classes,
  });
  const summary = toSummaryInfo(inferred);
  await send({ type: 'summary', ...summary });
  const result = await runTraining(
    { tf: info.tf, backend: info.backend, versions: info.versions, createStep: info.createTrainStep, emit: (e) => void send(e), stopRequested: () => stopRequested, onModel: (m) => (live = m) },
    config, data, spec, summary,
  );
  setCurrent(result.model, result.runDir);
  await send({ type: 'done', history: result.history, runDir: result.runDir, stopped: result.stopped });
}

function runDirFor(modelDir: string | undefined, outDir: string | undefined): string {
  if (modelDir) return resolve(modelDir);
  const dir = latestRunDir(outDir ?? lastOutDir);
  if (!dir) {
    throw new WorkerError('NO_MODEL', `no trained model in ${resolve(outDir ?? lastOutDir)} (train one first, or pass the folder of a saved model)`);
  }
  return dir;
}

/** The dataset a run was trained on, from its config.json (falls back to auto). */
function datasetOfRun(dir: string): string {
  for (const f of [join(dir, 'config.json'), join(dir, '..', 'config.json')]) {
    try {
      const c = JSON.parse(readSmallFile(f, 16 << 20)) as { resolvedDataset?: { name?: unknown }; dataset?: unknown };
      const name = c.resolvedDataset?.name ?? c.dataset;
      if (typeof name === 'string' && name) return name;
    } catch {
      // no or unreadable config: not fatal for evaluation
    }
  }
  return 'auto';
}

async function evaluate(cmd: Extract<WorkerCommand, { type: 'evaluate' }>): Promise<void> {
  const info = await useBackend(cmd.backend ?? 'auto');
  if (cmd.outDir) lastOutDir = resolve(cmd.outDir);
  const dir = runDirFor(cmd.modelDir, cmd.outDir);
  const model = await loadModelWithinBudget(info.tf, dir);
  try {
    const dataset = cmd.dataset ?? datasetOfRun(dir);
    const data = await getDataset(dataset, cmd.cacheDir ?? '');
    const result = await evaluateModel(info.tf, model, data.test, data.classes, { modelDir: dir, dataset: data.name });
    await send(result);
  } finally {
    model.dispose();
  }
}

async function predict(cmd: Extract<WorkerCommand, { type: 'predict' }>): Promise<void> {
  const info = await useBackend('auto');
  if (cmd.pixels.some((p) => p < 0 || p > 1)) {
    throw new WorkerError('BAD_MESSAGE', `predict: pixels must be ${IMAGE_PIXELS} values from 0 to 1 (divide 0..255 values by 255)`);
  }
  if (!cmd.modelDir && live) {
    await send({ type: 'prediction', id: cmd.id, probabilities: predictOne(info.tf, live, cmd.pixels) });
    return;
  }
  if (cmd.modelDir && current?.from !== resolve(cmd.modelDir)) {
    setCurrent(await loadModelWithinBudget(info.tf, resolve(cmd.modelDir)), resolve(cmd.modelDir));
  } else if (!current) {
    const dir = runDirFor(undefined, cmd.outDir);
    setCurrent(await loadModelWithinBudget(info.tf, dir), dir);
  }
  await send({ type: 'prediction', id: cmd.id, probabilities: predictOne(info.tf, current!.model, cmd.pixels) });
}

/** The image an activations request is about: its pixels, or a test image of the run's dataset. */
async function activationInput(cmd: Extract<WorkerCommand, { type: 'activations' }>, dir: string, shape: number[]) {
  if ((cmd.pixels === undefined) === (cmd.testIndex === undefined)) {
    throw new WorkerError('BAD_MESSAGE', 'activations: give either pixels or testIndex (exactly one)');
  }
  if (cmd.pixels) {
    if (cmd.pixels.some((p) => p < 0 || p > 1)) {
      throw new WorkerError('BAD_MESSAGE', 'activations: pixels must be values from 0 to 1 (divide 0..255 values by 255)');
    }
    return { kind: 'pixels' as const, shape, values: cmd.pixels };
  }
  const name = datasetOfRun(dir);
  // Training keeps its dataset loaded; another one would replace it under the running loop.
  if (busy && cachedData?.key !== `${name}\0${cmd.cacheDir ?? ''}`) {
    throw new WorkerError('BUSY', `activations: the test images of ${name} cannot be loaded while ${busy === 'train' ? 'training' : 'evaluating'}; draw an input, or wait until it ends`);
  }
  const data = await getDataset(name, cmd.cacheDir ?? '');
  const index = cmd.testIndex!;
  if (index < 0 || index >= data.test.count) {
    throw new WorkerError('BAD_CONFIG', `activations: test image ${index} does not exist (${data.name} has ${data.test.count} test images: 0..${data.test.count - 1})`);
  }
  const per = data.test.images.length / data.test.count;
  const values = Array.from(data.test.images.subarray(index * per, (index + 1) * per));
  return { kind: 'test' as const, index, label: data.test.labels[index], dataset: data.name, shape, values };
}

async function activations(cmd: Extract<WorkerCommand, { type: 'activations' }>): Promise<void> {
  const info = await useBackend('auto');
  if (cmd.outDir) lastOutDir = resolve(cmd.outDir);
  const dir = runDirFor(cmd.modelDir, cmd.outDir);
  const model = await modelToInspect(info.tf, dir);
  const input = await activationInput(cmd, dir, inputShapeOf(model));
  // Loaded again when the files changed meanwhile (a run still training): compute on the current one.
  const now = await modelToInspect(info.tf, dir);
  const result = computeActivations(info.tf, now, input.values, { layer: cmd.layer });
  await send({ type: 'activations', id: cmd.id, model: dir, input, ...result });
}

async function shutdown(): Promise<never> {
  stopRequested = true;
  abort?.abort();
  await training?.catch(() => undefined); // let a running training save its weights
  process.exit(0);
}

/** Runs a long command exclusively: one train or evaluate at a time. */
function exclusive(kind: 'train' | 'evaluate', job: () => Promise<void>): void {
  if (busy) {
    sendError(new WorkerError('BUSY', `cannot ${kind} while ${busy === 'train' ? 'training' : 'evaluating'}; stop it first`));
    return;
  }
  busy = kind;
  stopRequested = false;
  const p = job()
    .catch(sendError)
    .finally(() => {
      busy = null;
      if (kind === 'train') {
        training = null;
        live = null; // now `current` (saved) or disposed on failure
      }
    });
  if (kind === 'train') training = p;
}

function onMessage(raw: unknown): void {
  const cmd = parseWorkerCommand(raw);
  if (typeof cmd === 'string') {
    sendError(new WorkerError('BAD_MESSAGE', cmd), predictIdOf(raw));
    return;
  }
  switch (cmd.type) {
    case 'train': return exclusive('train', () => train(cmd.config));
    case 'evaluate': return exclusive('evaluate', () => evaluate(cmd));
    case 'predict': void predict(cmd).catch((err) => sendError(err, cmd.id)); return;
    case 'activations': void activations(cmd).catch((err) => sendError(err, cmd.id)); return;
    case 'stop':
      // Harmless when idle or repeated: only a running train/download looks at it.
      if (busy === 'train') {
        stopRequested = true;
        abort?.abort();
      }
      return;
    case 'shutdown': void shutdown(); return;
  }
}

function main(): void {
  if (!process.send) {
    process.stderr.write('lenet-lab worker: start me with child_process.fork (I talk over IPC)\n');
    process.exit(2);
  }
  process.on('message', onMessage);
  // No orphans: when the parent dies or closes the channel, go too.
  process.on('disconnect', () => process.exit(0));
  // Ctrl+C in a terminal reaches the whole process group: the parent decides (stop, then kill).
  process.on('SIGINT', () => undefined);
  // SIGTERM/SIGHUP (a timeout, docker stop, a closed terminal, systemd stopping the group): like a
  // stop request, so a training saves its weights at the next batch; the parent learns from
  // 'stopped'/'done' and goes on as after Ctrl+C.
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (busy !== 'train') process.exit(128 + (sig === 'SIGTERM' ? 15 : 1));
      stopRequested = true;
      abort?.abort();
    });
  }
  process.on('unhandledRejection', (err) => sendError(err));
  const choice = argBackend();
  useBackend(choice).catch((err) => {
    sendError(err);
  });
}

main();
