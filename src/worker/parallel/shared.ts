import { parentPort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { Split } from '../../data/types';

// The memory the training thread and the worker's main thread share: control words for
// Atomics, the thread's share of each batch, the weights going out and the gradients coming back.
export const CMD = 0; // sequence number of the last command (main writes, then notifies)
export const DONE = 1; // sequence number of the last finished command (thread writes, then notifies)
export const STATUS = 2; // 0 ok, 1 the thread failed (details arrive as an 'error' message)
export const PART = 3; // images in the thread's part
export const BATCH = 4; // images in the whole batch
export const KIND = 5; // what CMD asks for
export const KIND_STEP = 1;
export const KIND_STOP = 2;
export const KIND_PREDICT = 3; // probabilities for images [PART, BATCH) of the split last sent
export const NEW_SPLIT = 6; // 1: a 'split' message with the images to predict is waiting
export const KEY = 7; // the fused step's dropout key of the step (an unsigned 32-bit value)
const CTRL_INTS = 8;
const RESULT_DOUBLES = 6;

/** A clock both threads share (each thread's performance.now() starts at its own origin). */
export const clock = (): number => performance.timeOrigin + performance.now();

export interface SharedLayout {
  ctrl: Int32Array;
  /**
   * [0] loss (part sum / batch size) and [1] correct predictions of the thread's part; then the
   * thread's clock (performance.timeOrigin + now(), ms) at [2] wake-up, [3] weights loaded,
   * [4] gradients computed, [5] gradients copied out, so benchmarks can see where a step goes.
   */
  result: Float64Array;
  weights: Float32Array;
  grads: Float32Array;
  images: Float32Array;
  labels: Uint8Array;
}

export interface SharedSizes {
  params: number;
  maxPart: number;
  imageSize: number;
}

export function sharedBytes(s: SharedSizes): number {
  return CTRL_INTS * 4 + RESULT_DOUBLES * 8 + 2 * s.params * 4 + s.maxPart * s.imageSize * 4 + s.maxPart;
}

export function layout(buf: SharedArrayBuffer, s: SharedSizes): SharedLayout {
  let o = 0;
  const take = <T>(make: (off: number) => T, bytes: number): T => {
    const t = make(o);
    o += bytes;
    return t;
  };
  return {
    ctrl: take((off) => new Int32Array(buf, off, CTRL_INTS), CTRL_INTS * 4),
    result: take((off) => new Float64Array(buf, off, RESULT_DOUBLES), RESULT_DOUBLES * 8),
    weights: take((off) => new Float32Array(buf, off, s.params), s.params * 4),
    grads: take((off) => new Float32Array(buf, off, s.params), s.params * 4),
    images: take((off) => new Float32Array(buf, off, s.maxPart * s.imageSize), s.maxPart * s.imageSize * 4),
    labels: take((off) => new Uint8Array(buf, off, s.maxPart), s.maxPart),
  };
}

/** What the main thread hands the training thread at start. */
export interface ThreadInit {
  buffer: SharedArrayBuffer;
  sizes: SharedSizes;
  /** model.toJSON() of the model being trained (architecture only). */
  topology: string;
  shapes: number[][];
  inputShape: number[];
  numClasses: number;
  wasmDir: string;
}

export type ThreadMessage = { type: 'ready' } | { type: 'error'; message: string };

/** Main thread to training thread, read synchronously (receiveMessageOnPort) on KIND_PREDICT. */
export interface SplitMessage {
  type: 'split';
  /** count * imageSize floats */
  images: SharedArrayBuffer;
  /** count * numClasses floats, written by the thread for its range */
  probs: SharedArrayBuffer;
}

/** The split to validate, copied into shared memory and posted to the other thread (once per split). */
export function shareSplit(worker: Worker, split: Split, imageSize: number, numClasses: number): { split: Split; probs: Float32Array } {
  const count = split.count;
  const images = new SharedArrayBuffer(count * imageSize * 4);
  new Float32Array(images).set(split.images.subarray(0, count * imageSize));
  const probs = new SharedArrayBuffer(count * numClasses * 4);
  worker.postMessage({ type: 'split', images, probs } satisfies SplitMessage);
  return { split, probs: new Float32Array(probs) };
}

/** In the other thread: the split posted by shareSplit just before the command that needs it. */
export function receiveSplit(ctrl: Int32Array): { images: Float32Array; probs: Float32Array } {
  for (let tries = 0; tries < 1000; tries++) {
    const m = parentPort && receiveMessageOnPort(parentPort);
    if (m) {
      const sp = m.message as SplitMessage;
      return { images: new Float32Array(sp.images), probs: new Float32Array(sp.probs) };
    }
    Atomics.wait(ctrl, CMD, -1, 1); // 1 ms
  }
  throw new Error('the images to predict never arrived');
}

/** A tensor's values without a copy where the backend allows it (wasm: a view of its heap). */
export function valuesOf(tf: typeof import('@tensorflow/tfjs'), t: import('@tensorflow/tfjs').Tensor): Float32Array {
  const b = tf.backend() as unknown as { typedArrayFromHeap?: (t: unknown) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof b.typedArrayFromHeap === 'function') return b.typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/**
 * Images per predict call during validation on two threads. Small on purpose: a wasm heap never
 * shrinks, and 500-image chunks grow each thread's heap by ~100 MB for no speed gain.
 */
export const PREDICT_CHUNK = 128;

/** A split-validation answer: this thread's probabilities for the first `half` images, then the other thread's. */
export function joinHalves(mine: Float32Array, theirs: Float32Array, half: number, count: number, numClasses: number): Float32Array {
  const out = new Float32Array(count * numClasses);
  out.set(mine);
  out.set(theirs.subarray(half * numClasses, count * numClasses), half * numClasses);
  return out;
}
