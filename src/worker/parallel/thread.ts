// Entry of the second training thread (worker_threads): its own tfjs with its own wasm instance
// on the other core. Each step it loads the current weights, computes the gradients of its share
// of the batch and hands them back; it never updates weights itself, so it cannot drift.
import { parentPort, workerData } from 'node:worker_threads';
import type { Variable } from '@tensorflow/tfjs';
import { registerWasmKernels } from '../kernels';
import { PartGrads } from './part_grads';
import { BATCH, CMD, DONE, KIND, KIND_STOP, PART, STATUS, layout, valuesOf, type ThreadInit, type ThreadMessage } from './shared';

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

  let seen = 0;
  for (;;) {
    Atomics.wait(sh.ctrl, CMD, seen);
    seen = Atomics.load(sh.ctrl, CMD);
    if (sh.ctrl[KIND] === KIND_STOP) break;
    try {
      let off = 0;
      for (const v of vars) {
        const w = tf.tensor(sh.weights.subarray(off, off + v.size), v.shape, 'float32');
        v.assign(w);
        w.dispose();
        off += v.size;
      }
      const r = part.compute({ images: sh.images, labels: sh.labels, size: sh.ctrl[PART], batchSize: sh.ctrl[BATCH] });
      off = 0;
      for (const g of r.grads) {
        sh.grads.set(valuesOf(tf, g), off);
        off += g.size;
      }
      tf.dispose(r.grads);
      sh.result[0] = r.loss;
      sh.result[1] = r.correct;
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
