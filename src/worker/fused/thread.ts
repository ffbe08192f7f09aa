// Entry of the fused step's second thread (worker_threads): its own instance of the kernels on the
// other core. Each step it loads the current weights, computes the gradients of its share of the
// batch and hands them back; it never updates weights itself, so it cannot drift.
import { parentPort, workerData } from 'node:worker_threads';
import { FusedNet } from './net';
import type { Op } from './plan';
import {
  BATCH, CMD, DONE, KEY, KIND, KIND_PREDICT, KIND_STOP, NEW_SPLIT, PART, STATUS, layout, receiveSplit, type SharedSizes, type ThreadMessage,
} from '../parallel/shared';

export interface FusedThreadInit {
  buffer: SharedArrayBuffer;
  sizes: SharedSizes;
  ops: Op[];
  inputSize: number;
  numClasses: number;
}

function post(m: ThreadMessage): void {
  parentPort?.postMessage(m);
}

function main(init: FusedThreadInit): void {
  const net = new FusedNet(init.ops, init.inputSize, init.numClasses, init.sizes.maxPart);
  const sh = layout(init.buffer, init.sizes);
  post({ type: 'ready' });
  let split: { images: Float32Array; probs: Float32Array } | null = null;
  let seen = 0;
  for (;;) {
    Atomics.wait(sh.ctrl, CMD, seen);
    seen = Atomics.load(sh.ctrl, CMD);
    if (sh.ctrl[KIND] === KIND_STOP) break;
    try {
      let off = 0;
      net.weights.forEach((p, i) => {
        net.mem.floats(p, net.sizes[i]).set(sh.weights.subarray(off, off + net.sizes[i]));
        off += net.sizes[i];
      });
      if (sh.ctrl[KIND] === KIND_PREDICT) {
        if (sh.ctrl[NEW_SPLIT] === 1 || !split) split = receiveSplit(sh.ctrl);
        net.predict(split.images, split.probs, sh.ctrl[PART], sh.ctrl[BATCH]);
        Atomics.store(sh.ctrl, DONE, seen);
        Atomics.notify(sh.ctrl, DONE);
        continue;
      }
      // The thread's share is the batch's tail: its first image is the batch's image BATCH - PART.
      const r = net.compute(sh.images, sh.labels, sh.ctrl[PART], sh.ctrl[BATCH], { key: sh.ctrl[KEY] >>> 0, first: sh.ctrl[BATCH] - sh.ctrl[PART] });
      off = 0;
      net.grads.forEach((p, i) => {
        sh.grads.set(net.mem.floats(p, net.sizes[i]), off);
        off += net.sizes[i];
      });
      sh.result[0] = r.loss;
      sh.result[1] = r.correct;
    } catch (err) {
      Atomics.store(sh.ctrl, STATUS, 1);
      post({ type: 'error', message: (err as Error)?.message ?? String(err) });
    }
    Atomics.store(sh.ctrl, DONE, seen);
    Atomics.notify(sh.ctrl, DONE);
  }
}

try {
  main(workerData as FusedThreadInit);
} catch (err) {
  post({ type: 'error', message: (err as Error)?.message ?? String(err) });
}
