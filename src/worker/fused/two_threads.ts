// The fused step on two cores: this thread and one worker thread (thread.ts), each with its own
// instance of the kernels, each computing the gradient of its share of every batch. The shares'
// gradients are summed here (the loss is the batch mean, so they add up to the batch's gradient)
// and one update is applied; the other thread receives the new weights before its next share.
// The control words and buffers are the two-thread tfjs step's (parallel/shared.ts), and so is
// the choice per stretch of steps between splitting and one thread (SplitChooser).
import { join } from 'node:path';
import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import type { Split } from '../../data/types';
import type { Tf } from '../tf';
import type { Batch, StepResult, TrainStep } from '../trainStep';
import { SplitChooser, SYNC_WAIT_MS, ThreadHandle, waitDone, waitDoneSync, type ThreadEntry } from '../parallel/parallel_step';
import {
  BATCH, CMD, DONE, KEY, KIND, KIND_PREDICT, KIND_STEP, KIND_STOP, NEW_SPLIT, PART, STATUS, joinHalves, layout, shareSplit, sharedBytes,
  type SharedLayout, type SharedSizes,
} from '../parallel/shared';
import { FusedTrainStep } from './step';
import type { FusedThreadInit } from './thread';

const FUSED_THREAD: ThreadEntry = { bundled: join(__dirname, 'fused-thread.js'), source: join(__dirname, 'thread.ts') };

/** Share bounds of the adaptive split: the thread takes between a quarter and three quarters. */
const MIN_SHARE = 0.25, MAX_SHARE = 0.75;

export interface FusedTwoThreadOptions {
  /** false: split every batch (tests); default true: keep checking that splitting is faster. */
  adaptive?: boolean;
  timeoutMs?: number;
  /** The run's seed (dropout masks). */
  seed?: number;
}

export class FusedTwoThreadStep implements TrainStep {
  readonly name = 'wasm-fused-2-threads';
  readonly chooser: SplitChooser;
  private share = 0.5;
  private seq = 0;
  private disposed = false;
  private readonly adaptive: boolean;
  private readonly timeoutMs: number;
  /** The split being validated, copied once into shared memory for the thread. */
  private shared: { split: Split; probs: Float32Array } | null = null;

  private constructor(
    private readonly one: FusedTrainStep,
    private readonly sizes: SharedSizes,
    private readonly sh: SharedLayout,
    private readonly thread: ThreadHandle,
    opts: FusedTwoThreadOptions,
  ) {
    this.adaptive = opts.adaptive ?? true;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.chooser = new SplitChooser(this.adaptive);
  }

  /** Starts the other thread; rejects with its reason if it cannot start (the caller then uses one thread). */
  static async start(tf: Tf, model: LayersModel, optimizer: Optimizer, inputShape: number[], numClasses: number, maxBatch: number,
    opts: FusedTwoThreadOptions = {}): Promise<FusedTwoThreadStep> {
    const one = new FusedTrainStep(tf, model, optimizer, inputShape, numClasses, maxBatch, opts.seed);
    const { net } = one;
    const sizes: SharedSizes = {
      params: net.sizes.reduce((a, b) => a + b, 0),
      maxPart: Math.ceil(maxBatch * MAX_SHARE),
      imageSize: net.inputSize,
    };
    const buffer = new SharedArrayBuffer(sharedBytes(sizes));
    const init: FusedThreadInit = { buffer, sizes, ops: net.ops, inputSize: net.inputSize, numClasses };
    const thread = await ThreadHandle.start(init, FUSED_THREAD);
    return new FusedTwoThreadStep(one, sizes, layout(buffer, sizes), thread, opts);
  }

  /** The other thread's current share of each full batch. */
  get threadShare(): number {
    return this.share;
  }

  async run(batch: Batch): Promise<StepResult> {
    const { sh, thread, one } = this;
    const { net } = one;
    if (thread.failure) throw thread.failure;
    const n = batch.size;
    const t0 = performance.now();
    const split = this.chooser.next();
    const nThread = split ? Math.min(Math.round(n * this.share), this.sizes.maxPart, n - 1) : 0;
    const nMain = n - nThread;
    const key = one.stepKey;
    if (nThread > 0) {
      this.writeWeights();
      const size = net.inputSize;
      sh.images.set(batch.images.subarray(nMain * size, n * size));
      sh.labels.set(batch.labels.subarray(nMain, n));
      sh.ctrl[PART] = nThread;
      sh.ctrl[BATCH] = n;
      sh.ctrl[KEY] = key;
      sh.ctrl[KIND] = KIND_STEP;
      this.command();
    }
    const mine = net.compute(batch.images, batch.labels, nMain, n, { key, first: 0 });
    let { loss, correct } = mine;
    if (nThread > 0) {
      const t1 = performance.now();
      const threadFirst = Atomics.load(sh.ctrl, DONE) === this.seq;
      if (!waitDoneSync(sh, this.seq, SYNC_WAIT_MS)) await waitDone(sh, this.seq, thread.died, this.timeoutMs);
      // The share moves by one image per step towards the point where both threads finish together.
      if (this.adaptive && n === net.maxBatch) {
        if (threadFirst) this.share = Math.min(MAX_SHARE, this.share + 1 / n);
        else if (performance.now() - t1 > 0.25) this.share = Math.max(MIN_SHARE, this.share - 1 / n);
      }
      if (Atomics.load(sh.ctrl, STATUS) !== 0) throw await thread.failed();
      loss += sh.result[0];
      correct += sh.result[1];
      let off = 0;
      net.grads.forEach((p, i) => {
        const g = net.mem.floats(p, net.sizes[i]);
        for (let j = 0; j < g.length; j++) g[j] += sh.grads[off + j];
        off += net.sizes[i];
      });
    }
    one.update();
    this.chooser.record(split, (performance.now() - t0) / n);
    return { loss, acc: correct / n };
  }

  /** Validation on both threads: this one predicts the first half, the other the second. */
  async predictAll(split: Split): Promise<Float32Array> {
    const { sh, thread, one } = this;
    const { inputSize, numClasses } = one.net;
    if (thread.failure || !this.chooser.splitting || split.count < 2) return one.predictAll(split);
    const count = split.count;
    const half = Math.ceil(count / 2);
    const fresh = this.shared?.split !== split;
    if (fresh) this.shared = shareSplit(thread.worker, split, inputSize, numClasses);
    this.writeWeights();
    sh.ctrl[PART] = half;
    sh.ctrl[BATCH] = count;
    sh.ctrl[KIND] = KIND_PREDICT;
    sh.ctrl[NEW_SPLIT] = fresh ? 1 : 0;
    this.command();
    const mine = await one.predictAll({ images: split.images.subarray(0, half * inputSize), labels: split.labels.subarray(0, half), count: half });
    await waitDone(sh, this.seq, thread.died, this.timeoutMs);
    if (Atomics.load(sh.ctrl, STATUS) !== 0) throw await thread.failed();
    return joinHalves(mine, this.shared!.probs, half, count, numClasses);
  }

  sync(): void {
    this.one.sync();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sh.ctrl[KIND] = KIND_STOP;
    this.command();
    this.thread.terminate();
    this.one.dispose();
  }

  /** This thread's current weights into shared memory, for the other thread's next command. */
  private writeWeights(): void {
    const { net } = this.one;
    let off = 0;
    net.weights.forEach((p, i) => {
      this.sh.weights.set(net.mem.floats(p, net.sizes[i]), off);
      off += net.sizes[i];
    });
  }

  private command(): void {
    Atomics.store(this.sh.ctrl, CMD, ++this.seq);
    Atomics.notify(this.sh.ctrl, CMD);
  }
}
