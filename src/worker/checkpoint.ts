// RUN/checkpoint/: what continuing a run after its last completed epoch needs, replaced as a whole
// (temp folder, then rename) at the end of every epoch, so it always describes one epoch:
//   model.json + weights.bin   the model after that epoch (the run's own model.json may be newer:
//                              a stop saves the weights mid-epoch)
//   optimizer.bin              the optimizer's slot variables (momentum; Adam's m then v; RMSprop's
//                              mean squares then moments), float32 little-endian, one after the
//                              other in state.json's optimizer.slots order
//   early-stopping-best.bin    EarlyStopping's best weights (restoreBestWeights only), float32, in
//                              the model's weight order
//   state.json                 the epoch, the history, best/'s epoch, the optimizer's iterations and
//                              slot shapes, the learning rate and the callbacks' counters
import { copyFileSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import type { CallbackNote, EpochMetrics, OptimizerName } from '../shared/protocol';
import { CHECKPOINT_DIR, CHECKPOINT_FORMAT, CHECKPOINT_STATE_FILE, CHECKPOINT_VERSION, ResumeError } from '../shared/resumable';
import type { Tf } from './tf';
import { MODEL_FILE, replaceDirAtomic, WEIGHTS_FILE } from './runDir';

type NamedTensor = { name: string; tensor: Tensor };

const OPTIMIZER_FILE = 'optimizer.bin';
const BEST_WEIGHTS_FILE = 'early-stopping-best.bin';

/** What the callbacks need to go on as if never stopped (src/worker/fitCallbacks.ts). */
export interface CallbackState {
  learningRate: number;
  earlyStopping?: { wait: number; best: number | null; bestEpoch: number; haveSnapshot: boolean };
  reduceLrOnPlateau?: { wait: number; best: number | null; cooldownCounter: number };
  notes: CallbackNote[];
}

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Epochs completed (1-based number of the last one). */
  epoch: number;
  history: EpochMetrics[];
  /** The epoch best/ holds. */
  best: EpochMetrics | null;
  optimizer: {
    name: OptimizerName;
    iterations: number;
    /** false: the training step kept its slots to itself, so none were saved (resuming restarts them at zero). */
    complete: boolean;
    slots: { name: string; shape: number[] }[];
  };
  callbacks: CallbackState;
  /** Shapes of early-stopping-best.bin's weights, when it exists. */
  earlyStoppingBest?: number[][];
}

export interface Checkpoint {
  state: CheckpointState;
  dir: string;
  slots: Float32Array[];
  earlyStoppingBest?: Float32Array[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Slots a tfjs optimizer holds once it has taken a step, for n trainable weights. */
export function slotCount(name: OptimizerName, n: number): number {
  return { sgd: 0, momentum: n, adam: 2 * n, rmsprop: 2 * n }[name];
}

/** The optimizer's iterations and slots as plain arrays (after the step's sync()). */
export async function optimizerSnapshot(optimizer: Optimizer, name: OptimizerName, trainable: number): Promise<{ meta: CheckpointState['optimizer']; slots: Float32Array[] }> {
  const all: NamedTensor[] = await optimizer.getWeights();
  // The first is a fresh scalar of the iterations; the rest are the optimizer's own variables.
  const [iter, ...vars] = all;
  const iterations = iter ? (await iter.tensor.data())[0] : 0;
  iter?.tensor.dispose();
  const complete = vars.length === slotCount(name, trainable);
  const slots = complete ? await Promise.all(vars.map(async (v) => Float32Array.from(await v.tensor.data()))) : [];
  return {
    meta: { name, iterations, complete, slots: complete ? vars.map((v) => ({ name: v.name, shape: v.tensor.shape })) : [] },
    slots,
  };
}

function concat(arrays: Float32Array[]): Uint8Array {
  const out = new Float32Array(arrays.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return new Uint8Array(out.buffer);
}

/**
 * A hard link where the file system allows it: every write in a run folder replaces its file by a
 * rename, never in place, so the link keeps this epoch's bytes and the model costs no extra space.
 */
function shareFile(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Replaces RUN/checkpoint with the epoch just saved (the run's model.json + weights.bin are that epoch's). */
export async function saveCheckpoint(runDir: string, state: CheckpointState, slots: Float32Array[], earlyStoppingBest?: Float32Array[]): Promise<void> {
  await replaceDirAtomic(join(runDir, CHECKPOINT_DIR), (tmp) => {
    mkdirSync(tmp, { recursive: true });
    for (const f of [WEIGHTS_FILE, MODEL_FILE]) shareFile(join(runDir, f), join(tmp, f));
    writeFileSync(join(tmp, OPTIMIZER_FILE), concat(slots));
    if (earlyStoppingBest) writeFileSync(join(tmp, BEST_WEIGHTS_FILE), concat(earlyStoppingBest));
    writeFileSync(join(tmp, CHECKPOINT_STATE_FILE), JSON.stringify(state) + '\n');
  });
}

/** Splits a float32 file into arrays of the given shapes; a ResumeError naming the file when its size or values are wrong. */
function readFloats(path: string, shapes: number[][], what: string, runDir: string): Float32Array[] {
  const damaged = (why: string) => new ResumeError(
    `cannot resume ${runDir}: ${what} ${path} is damaged (${why}); the run's files are untouched; start a new run, or delete ${path} to resume with that state reset`, true,
  );
  const expected = shapes.reduce((a, s) => a + size(s), 0) * 4;
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw damaged('not a regular file');
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof ResumeError) throw err;
    throw damaged((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message);
  }
  if (bytes.byteLength !== expected) throw damaged(`${bytes.byteLength.toLocaleString('en-US')} bytes, expected ${expected.toLocaleString('en-US')}`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const bad = all.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw damaged(`value ${bad} is ${all[bad]}`);
  const out: Float32Array[] = [];
  let at = 0;
  for (const s of shapes) {
    out.push(all.subarray(at, at + size(s)));
    at += size(s);
  }
  return out;
}

const isShape = (s: unknown): s is number[] => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);

/**
 * Reads RUN/checkpoint and checks it against the model it will restore (weights' shapes, the
 * optimizer); throws a ResumeError naming the file and the problem, before anything is changed.
 */
export function readCheckpoint(runDir: string, model: LayersModel, optimizer: OptimizerName): Checkpoint {
  const dir = join(runDir, CHECKPOINT_DIR);
  const statePath = join(dir, CHECKPOINT_STATE_FILE);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as CheckpointState;
  const damaged = (why: string) => new ResumeError(`cannot resume ${runDir}: ${statePath} is damaged (${why}); the run's files are untouched; start a new run`, true);
  if (!Array.isArray(state.history) || state.history.length !== state.epoch || state.history.some((h, i) => h?.epoch !== i + 1)) {
    throw damaged(`its history does not hold epochs 1 to ${state.epoch}`);
  }
  const o = state.optimizer;
  if (!o || o.name !== optimizer || !Number.isInteger(o.iterations) || o.iterations < 0 || !Array.isArray(o.slots) || !o.slots.every((s) => isShape(s?.shape))) {
    throw damaged(`its optimizer record does not describe a ${optimizer} optimizer`);
  }
  const shapes = model.trainableWeights.map((w) => w.shape as number[]);
  if (o.complete) {
    const want = slotCount(optimizer, shapes.length);
    const ok = o.slots.length === want && o.slots.every((s, i) => s.shape.join() === shapes[i % shapes.length].join());
    if (!ok) throw damaged(`its ${o.slots.length} optimizer slots do not match the model's ${shapes.length} trainable weights`);
  }
  const cb = state.callbacks;
  if (!cb || typeof cb.learningRate !== 'number' || !(cb.learningRate > 0) || !Array.isArray(cb.notes)) throw damaged('its callbacks record is incomplete');
  const slots = readFloats(join(dir, OPTIMIZER_FILE), o.complete ? o.slots.map((s) => s.shape) : [], 'the optimizer state', runDir);
  let earlyStoppingBest: Float32Array[] | undefined;
  if (state.earlyStoppingBest) {
    const all = model.getWeights().map((w) => w.shape as number[]);
    if (!Array.isArray(state.earlyStoppingBest) || state.earlyStoppingBest.map((s) => (isShape(s) ? s.join() : '?')).join(';') !== all.map((s) => s.join()).join(';')) {
      throw damaged("EarlyStopping's best weights do not match the model");
    }
    earlyStoppingBest = readFloats(join(dir, BEST_WEIGHTS_FILE), all, "EarlyStopping's best weights", runDir);
  }
  return { state, dir, slots, ...(earlyStoppingBest ? { earlyStoppingBest } : {}) };
}

/** Gives a fresh optimizer the checkpoint's iterations and slots (before the training step is made). */
export async function restoreOptimizer(tf: Tf, optimizer: Optimizer, cp: Checkpoint): Promise<void> {
  const o = cp.state.optimizer;
  if (!o.complete) return;
  const named: NamedTensor[] = [
    { name: 'iter', tensor: tf.scalar(o.iterations, 'int32') },
    ...o.slots.map((s, i) => ({ name: s.name, tensor: tf.tensor(cp.slots[i], s.shape, 'float32') })),
  ];
  try {
    await optimizer.setWeights(named);
  } finally {
    // The optimizer made its own variables from these.
    for (const n of named) n.tensor.dispose();
  }
}
