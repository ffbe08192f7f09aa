// Entry of the second training thread (worker_threads): its own tfjs with its own wasm instance
// on the other core. Each step it loads the current weights, computes the gradients of its share
// of the batch and hands them back; it never updates weights itself, so it cannot drift.
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { registerWasmKernels } from '../kernels';
import { PartGrads } from './part_grads';
import {
  BATCH, CMD, DONE, KIND, KIND_PREDICT, KIND_STOP, NEW_SPLIT, PART, PREDICT_CHUNK, STATUS, clock, layout, valuesOf,
  receiveSplit, type ThreadInit, type ThreadMessage,
} from './shared';

function post(m: ThreadMessage): void {
  parentPort?.postMessage(m);
}

async function main(init: ThreadInit): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(init.wasmDir + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise in the training thread');
  registerWasmKernels(tf);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(init.topology) });
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const shapes = vars.map((v) => v.shape.join('x')).join(',');
  if (shapes !== init.shapes.map((s) => s.join('x')).join(',')) {
    throw new Error(`the training thread rebuilt a different model (weights ${shapes}, expected ${init.shapes.map((s) => s.join('x')).join(',')})`);
  }
  const part = new PartGrads(tf, model, vars, init.inputShape, init.numClasses);
  const sh = layout(init.buffer, init.sizes);
  post({ type: 'ready' });

  const imageSize = init.inputShape.reduce((a, b) => a * b, 1);
  let split: { images: Float32Array; probs: Float32Array } | null = null;

  /** The same predict call as the worker's validation (metrics.predictAll), for its range. */
  const predictRange = (sp: { images: Float32Array; probs: Float32Array }, from: number, to: number) => {
    const classes = init.numClasses;
    for (let start = from; start < to; start += PREDICT_CHUNK) {
      const n = Math.min(PREDICT_CHUNK, to - start);
      const p = tf.tidy(() => {
        const xs = tf.tensor(sp.images.subarray(start * imageSize, (start + n) * imageSize), [n, ...init.inputShape], 'float32');
        return model.predict(xs, { batchSize: n }) as Tensor;
      });
      sp.probs.set(valuesOf(tf, p).subarray(0, n * classes), start * classes);
      p.dispose();
    }
  };

  let seen = 0;
  for (;;) {
    Atomics.wait(sh.ctrl, CMD, seen);
    seen = Atomics.load(sh.ctrl, CMD);
    if (sh.ctrl[KIND] === KIND_STOP) break;
    sh.result[2] = clock();
    try {
      let off = 0;
      for (const v of vars) {
        const w = tf.tensor(sh.weights.subarray(off, off + v.size), v.shape, 'float32');
        v.assign(w);
        w.dispose();
        off += v.size;
      }
      sh.result[3] = clock();
      if (sh.ctrl[KIND] === KIND_PREDICT) {
        if (sh.ctrl[NEW_SPLIT] === 1 || !split) split = receiveSplit(sh.ctrl);
        predictRange(split, sh.ctrl[PART], sh.ctrl[BATCH]);
        Atomics.store(sh.ctrl, DONE, seen);
        Atomics.notify(sh.ctrl, DONE);
        continue;
      }
      const r = part.compute({ images: sh.images, labels: sh.labels, size: sh.ctrl[PART], batchSize: sh.ctrl[BATCH] });
      sh.result[4] = clock();
      off = 0;
      for (const g of r.grads) {
        sh.grads.set(valuesOf(tf, g), off);
        off += g.size;
      }
      tf.dispose(r.grads);
      sh.result[0] = r.loss;
      sh.result[1] = r.correct;
      sh.result[5] = clock();
    } catch (err) {
      Atomics.store(sh.ctrl, STATUS, 1);
      post({ type: 'error', message: (err as Error)?.message ?? String(err) });
    }
    Atomics.store(sh.ctrl, DONE, seen);
    Atomics.notify(sh.ctrl, DONE);
  }
  model.dispose();
}

main(workerData as ThreadInit).catch((err) => {
  post({ type: 'error', message: (err as Error)?.message ?? String(err) });
});
