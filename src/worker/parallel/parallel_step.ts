// Data-parallel training step on two cores: this thread and one worker thread, each with its own
// wasm instance, each computing the gradient of its share of every batch. The gradients are
// summed here (the loss is the batch mean, so the shares' gradients add up to exactly the
// batch's gradient, up to float rounding) and this thread's optimizer applies the one update;
// the other thread receives the new weights before its next share. One batch, one SGD update:
// the same mathematics as the single-instance step.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel, NamedTensorMap, Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../tf';
import type { Batch, StepResult, TrainStep } from '../trainStep';
import { predictAll as predictOneThread, type Split } from '../metrics';
import { PartGrads } from './part_grads';
import {
  BATCH, CMD, DONE, KIND, KIND_PREDICT, KIND_STEP, KIND_STOP, NEW_SPLIT, PART, PREDICT_CHUNK, STATUS, clock, joinHalves, layout, shareSplit, sharedBytes, valuesOf,
  type SharedLayout, type SharedSizes, type ThreadInit, type ThreadMessage,
} from './shared';

export interface ParallelOptions {
  maxBatch: number;
  inputShape: number[];
  numClasses: number;
  wasmDir: string;
  /** Share of each batch the worker thread takes (this thread also runs the loop and the update). */
  threadShare?: number;
  /** Give up on a thread that does not answer within this time. */
  timeoutMs?: number;
  /** false: always split (tests); default true: keep checking that splitting is faster. */
  adaptive?: boolean;
  /** Benchmarks: sum where each step's time goes (ParallelTrainStep.profile). */
  profile?: boolean;
}

/**
 * Chooses per stretch of steps between splitting each batch over both threads and computing it
 * here alone (the same update either way). Splitting needs both threads on a core at once: on a
 * busy machine each step then waits for the other thread to be scheduled and can get slower
 * than one thread. So every PERIOD steps it times PROBE steps of each, interleaved, and keeps the faster.
 */
export class SplitChooser {
  static readonly PERIOD = 200;
  static readonly PROBE = 12;
  private step = 0;
  private split = true;
  private readonly times: { split: number[]; solo: number[] } = { split: [], solo: [] };
  /** Steps run split / alone so far (for benchmarks and tests). */
  readonly counts = { split: 0, solo: 0 };

  constructor(private readonly adaptive: boolean) {}

  /** Whether the next step splits. */
  next(): boolean {
    if (!this.adaptive) return true;
    const t = this.step % SplitChooser.PERIOD;
    // The first period splits without probing: its first split steps are slow for a reason that
    // passes (the other thread's code and wasm heap warm up), and a probe there chose one thread
    // for the next 176 steps in every measured epoch (10.7 vs 9.0 s/epoch).
    if (this.step < SplitChooser.PERIOD) return true;
    if (t < 2 * SplitChooser.PROBE) return t % 2 === 0;
    return this.split;
  }

  /** Wall time per image of the step just run (after next()). */
  record(split: boolean, msPerImage: number): void {
    this.counts[split ? 'split' : 'solo']++;
    if (!this.adaptive) return;
    const t = this.step % SplitChooser.PERIOD;
    // Probe steps alternate (split, alone, split, ...) so that a burst of load from another
    // process slows both ways alike; back to back, a burst during the split probe sent whole
    // stretches to one thread (measured: 236 of 938 steps alone, 10.7 s/epoch vs 9.0 s always
    // split). The first pair warms up (new shapes, caches): not counted. Medians, so one step
    // that lost its core does not decide.
    const probing = this.step >= SplitChooser.PERIOD;
    if (probing && t >= 2 && t < 2 * SplitChooser.PROBE) this.times[t % 2 === 0 ? 'split' : 'solo'].push(msPerImage);
    if (probing && t === 2 * SplitChooser.PROBE - 1) {
      this.split = median(this.times.split) <= median(this.times.solo);
      this.times.split = [];
      this.times.solo = [];
    }
    this.step++;
  }

  /** Whether the last decision was to split (validation follows it). */
  get splitting(): boolean {
    return !this.adaptive || this.split;
  }
}

/** Where the time of a split step goes, in milliseconds summed over steps (benchmarks only). */
export interface StepProfile {
  /** This thread: copying the other share in, computing its own share, waiting, the update. */
  main: Record<'prepare' | 'compute' | 'wait' | 'update', number>;
  /**
   * The other thread on split steps: from the notify to its wake-up, loading the weights,
   * computing, copying the gradients out, and from its done (or this thread's, if later) to this
   * thread noticing.
   */
  thread: Record<'wake' | 'load' | 'compute' | 'copy' | 'notice', number>;
}

/** Share bounds of the adaptive split: the thread takes between a quarter and three quarters. */
const MIN_SHARE = 0.25, MAX_SHARE = 0.75;

export class ParallelTrainStep implements TrainStep {
  readonly name = 'wasm-2-threads';
  readonly chooser: SplitChooser;
  /** Filled only when started with `profile: true`. */
  readonly profile?: StepProfile;
  private readonly part: PartGrads;
  private readonly imageSize: number;
  private readonly adaptive: boolean;
  private readonly timeoutMs: number;
  private share: number;
  private seq = 0;
  private disposed = false;
  /** The split being validated, copied once into shared memory for the thread. */
  private shared: { split: Split; probs: Float32Array } | null = null;

  private constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private readonly optimizer: Optimizer,
    private readonly vars: Variable[],
    private readonly o: ParallelOptions,
    private readonly sizes: SharedSizes,
    private readonly sh: SharedLayout,
    private readonly thread: ThreadHandle,
  ) {
    this.imageSize = o.inputShape.reduce((a, b) => a * b, 1);
    this.adaptive = o.adaptive ?? true;
    this.share = initialShare(o);
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.chooser = new SplitChooser(this.adaptive);
    this.part = new PartGrads(tf, model, vars, o.inputShape, o.numClasses);
    if (o.profile) {
      this.profile = { main: { prepare: 0, compute: 0, wait: 0, update: 0 }, thread: { wake: 0, load: 0, compute: 0, copy: 0, notice: 0 } };
    }
  }

  /** Starts the second thread; resolves once it has built its model, rejects if it cannot. */
  static async start(tf: Tf, model: LayersModel, optimizer: Optimizer, o: ParallelOptions): Promise<ParallelTrainStep> {
    const vars = model.trainableWeights.map((w) => w.read() as Variable);
    const share = initialShare(o);
    // The shared image buffer holds only the thread's largest share of the largest batch.
    const sizes: SharedSizes = {
      params: vars.reduce((a, v) => a + v.size, 0),
      maxPart: Math.ceil(o.maxBatch * ((o.adaptive ?? true) ? Math.max(share, MAX_SHARE) : share)),
      imageSize: o.inputShape.reduce((a, b) => a * b, 1),
    };
    const buffer = new SharedArrayBuffer(sharedBytes(sizes));
    const init: ThreadInit = {
      buffer, sizes, topology: JSON.stringify(model.toJSON(null, false)), shapes: vars.map((v) => v.shape),
      inputShape: o.inputShape, numClasses: o.numClasses, wasmDir: o.wasmDir,
    };
    const thread = await ThreadHandle.start(init);
    return new ParallelTrainStep(tf, model, optimizer, vars, o, sizes, layout(buffer, sizes), thread);
  }

  /** The other thread's current share of each full batch. */
  get threadShare(): number {
    return this.share;
  }

  async run(batch: Batch): Promise<StepResult> {
    const { tf, sh, vars, thread } = this;
    if (thread.failure) throw thread.failure;
    const n = batch.size;
    const t0 = performance.now();
    const split = this.chooser.next();
    const nThread = split ? Math.min(Math.round(n * this.share), this.sizes.maxPart, n) : 0;
    const nMain = n - nThread;
    let notified = 0;
    if (nThread > 0) {
      writeWeights(tf, sh, vars);
      sh.images.set(batch.images.subarray(nMain * this.imageSize, n * this.imageSize));
      sh.labels.set(batch.labels.subarray(nMain, n));
      sh.ctrl[PART] = nThread;
      sh.ctrl[BATCH] = n;
      sh.ctrl[KIND] = KIND_STEP;
      notified = clock();
      this.command();
    }
    const t1 = performance.now();
    const mine = nMain > 0
      ? this.part.compute({ images: batch.images, labels: batch.labels, size: nMain, batchSize: n })
      : { grads: null, loss: 0, correct: 0 };
    let loss = mine.loss, correct = mine.correct;
    let grads: Tensor[] | null = mine.grads;
    const t2 = performance.now();
    const mainDone = clock();
    let t3 = t2;
    if (nThread > 0) {
      const threadFirst = Atomics.load(sh.ctrl, DONE) === this.seq;
      if (!waitDoneSync(sh, this.seq, SYNC_WAIT_MS)) await waitDone(sh, this.seq, thread.died, this.timeoutMs);
      t3 = performance.now();
      if (this.profile) {
        const r = sh.result;
        const p = this.profile.thread;
        p.wake += r[2] - notified;
        p.load += r[3] - r[2];
        p.compute += r[4] - r[3];
        p.copy += r[5] - r[4];
        p.notice += clock() - Math.max(r[5], mainDone);
      }
      // The share moves by one image per step towards the point where both threads finish
      // together (this thread also copies, updates and runs the loop).
      if (this.adaptive && n === this.o.maxBatch) {
        const shareStep = 1 / this.o.maxBatch;
        if (threadFirst) this.share = Math.min(MAX_SHARE, this.share + shareStep);
        else if (t3 - t2 > 0.25) this.share = Math.max(MIN_SHARE, this.share - shareStep);
      }
      if (Atomics.load(sh.ctrl, STATUS) !== 0) {
        tf.dispose(grads ?? []);
        throw await thread.failed();
      }
      loss += sh.result[0];
      correct += sh.result[1];
      grads = addThreadGrads(tf, vars, sh.grads, grads);
    }
    const named: NamedTensorMap = {};
    vars.forEach((v, i) => (named[v.name] = grads![i]));
    this.optimizer.applyGradients(named);
    tf.dispose(grads!);
    const t4 = performance.now();
    if (this.profile) {
      const p = this.profile.main;
      p.prepare += t1 - t0;
      p.compute += t2 - t1;
      p.wait += t3 - t2;
      p.update += t4 - t3;
    }
    this.chooser.record(split, (t4 - t0) / n);
    return { loss, acc: correct / n };
  }

  /** Validation on both threads: this one predicts the first half, the other the second. */
  async predictAll(split: Split): Promise<Float32Array> {
    const { tf, sh, thread, imageSize } = this;
    const { inputShape, numClasses } = this.o;
    if (thread.failure || !this.chooser.splitting || split.count < 2) return predictOneThread(tf, this.model, split, inputShape, numClasses);
    const count = split.count;
    const half = Math.ceil(count / 2);
    const fresh = this.shared?.split !== split;
    if (fresh) this.shared = shareSplit(thread.worker, split, imageSize, numClasses);
    writeWeights(tf, sh, this.vars);
    sh.ctrl[PART] = half;
    sh.ctrl[BATCH] = count;
    sh.ctrl[KIND] = KIND_PREDICT;
    sh.ctrl[NEW_SPLIT] = fresh ? 1 : 0;
    this.command();
    const first = { images: split.images.subarray(0, half * imageSize), labels: split.labels.subarray(0, half), count: half };
    const mine = await predictOneThread(tf, this.model, first, inputShape, numClasses, PREDICT_CHUNK);
    await waitDone(sh, this.seq, thread.died, this.timeoutMs);
    if (Atomics.load(sh.ctrl, STATUS) !== 0) throw await thread.failed();
    return joinHalves(mine, this.shared!.probs, half, count, numClasses);
  }

  /** This thread's model always holds the latest weights. */
  sync(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sh.ctrl[KIND] = KIND_STOP;
    this.command();
    this.thread.terminate();
  }

  /** Hands the other thread the command set up in the shared control words. */
  private command(): void {
    Atomics.store(this.sh.ctrl, CMD, ++this.seq);
    Atomics.notify(this.sh.ctrl, CMD);
  }
}

function initialShare(o: ParallelOptions): number {
  return Math.min(Math.max(o.threadShare ?? 0.5, 0), 1);
}

/** A training thread's script: the esbuild bundle next to dist/worker.js, else its TypeScript source. */
export interface ThreadEntry {
  bundled: string;
  source: string;
}

const TRAIN_THREAD: ThreadEntry = { bundled: join(__dirname, 'train-thread.js'), source: join(__dirname, 'thread.ts') };

/** The second thread: its worker, and how it failed once it has (a crash, an exit, an abort). */
export class ThreadHandle {
  failure: Error | null = null;
  /** Rejects with the first failure; steps race their waits against it. */
  readonly died: Promise<never>;
  private reject: (e: Error) => void = () => {};

  private constructor(readonly worker: Worker) {
    this.died = new Promise<never>((_, reject) => (this.reject = reject));
    this.died.catch(() => {}); // observed through `failure` as well
  }

  /** Resolves once the thread has built its model; rejects with its reason if it cannot. */
  static async start(init: ThreadInit | object, entry: ThreadEntry = TRAIN_THREAD): Promise<ThreadHandle> {
    const t = new ThreadHandle(startThread(init, entry));
    // The thread's stderr (emscripten prints its aborts there) is kept for the error message
    // instead of leaking into the worker's output.
    let stderr = '';
    t.worker.stderr.setEncoding('utf8');
    t.worker.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    t.worker.on('error', (e) => t.fail(new Error(`training thread crashed: ${e.message}`)));
    t.worker.on('exit', (code) => {
      const last = stderr.trim().split('\n').pop();
      t.fail(new Error(`training thread exited (code ${code})${last ? `: ${last}` : ''}`));
    });
    await new Promise<void>((resolve, reject) => {
      t.worker.on('message', (m: ThreadMessage) => {
        if (m.type === 'ready') resolve();
        else t.fail(new Error(`training thread: ${m.message.split('\n')[0]}`));
      });
      t.died.catch(reject);
    });
    return t;
  }

  /** The failure to throw once the thread reported one (waits for its reason to arrive). */
  async failed(): Promise<Error> {
    await this.died.catch(() => {});
    return this.failure ?? new Error('training thread failed');
  }

  terminate(): void {
    this.worker.removeAllListeners('exit');
    this.worker.removeAllListeners('error');
    this.worker.on('error', () => {});
    void this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.reject(this.failure);
  }
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[v.length >> 1] : Infinity;
}

function startThread(init: object, { bundled, source }: ThreadEntry): Worker {
  if (existsSync(bundled)) return new Worker(bundled, { workerData: init, stderr: true });
  // Running from the TypeScript sources (tests, benchmarks under tsx): load tsx in the thread.
  const tsx = require.resolve('tsx/cjs', { paths: [__dirname, process.cwd()] });
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true, workerData: init, stderr: true });
}

function writeWeights(tf: Tf, sh: SharedLayout, vars: Variable[]): void {
  let off = 0;
  for (const v of vars) {
    sh.weights.set(valuesOf(tf, v), off);
    off += v.size;
  }
}

/** grads[i] + the thread's gradient i, in that order on both sides (deterministic sum). */
function addThreadGrads(tf: Tf, vars: Variable[], shared: Float32Array, mine: Tensor[] | null): Tensor[] {
  let off = 0;
  return vars.map((v, i) => {
    const theirs = tf.tensor(shared.subarray(off, off + v.size), v.shape, 'float32');
    off += v.size;
    if (!mine) return theirs;
    const sum = tf.add(mine[i], theirs);
    mine[i].dispose();
    theirs.dispose();
    return sum;
  });
}

// Node 20 has Atomics.waitAsync; TypeScript's ES2022 lib does not declare it yet.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/**
 * How long a step blocks this thread waiting for the other one before going through the event loop.
 * A blocked Atomics.wait wakes within ~0.05 ms; Atomics.waitAsync's promise resolves through the
 * event loop, measured ~0.5 ms later (7% of a split step). A step's share takes ~7 ms, so 100 ms
 * only runs out when the thread is stalled or dead; then waitDone also watches its exit.
 */
export const SYNC_WAIT_MS = 100;

export function waitDoneSync(sh: SharedLayout, seq: number, ms: number): boolean {
  const end = performance.now() + ms;
  for (;;) {
    const done = Atomics.load(sh.ctrl, DONE);
    if (done === seq) return true;
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.wait(sh.ctrl, DONE, done, left);
  }
}

export async function waitDone(sh: SharedLayout, seq: number, died: Promise<never>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = Atomics.load(sh.ctrl, DONE);
    if (done === seq) return;
    const w = waitAsync(sh.ctrl, DONE, done, Math.max(1, deadline - Date.now()));
    if (w.async) await Promise.race([w.value, died]);
    if (Atomics.load(sh.ctrl, DONE) !== seq && Date.now() >= deadline) {
      throw new Error(`training thread did not answer within ${timeoutMs / 1000} s`);
    }
  }
}
