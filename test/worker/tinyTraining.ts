// Real training of a tiny model (Flatten + Dense) on synthetic images, in this process on the
// cpu backend: fast enough to run the whole training loop, callbacks and logs in unit tests.
import { readFileSync } from 'node:fs';
import type { LayersModel } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../src/model/spec';
import { inferModel } from '../../src/model/infer';
import { toSummaryInfo } from '../../src/model/summary';
import type { TrainConfig } from '../../src/shared/protocol';
import { runTraining, type EventBody } from '../../src/worker/train';
import { defaultTrainStep } from '../../src/worker/trainStep';

tf.env().set('PROD', true);

export const TINY: ModelSpec = {
  name: 'tiny', inputShape: [28, 28, 1],
  layers: [{ type: 'Flatten' }, { type: 'Dense', name: 'out', units: 10, activation: 'softmax' }],
};

/** Images whose class shows in a block of bright pixels, so a tiny model learns something in a few epochs. */
export function blocks(n: number, seed = 1) {
  const images = new Float32Array(n * 784);
  const labels = new Uint8Array(n);
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * 10);
    labels[i] = c;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = r() * 0.3;
    for (let p = c * 70; p < c * 70 + 70; p++) images[i * 784 + p] += 0.7;
  }
  return { images, labels, count: n };
}

export async function trainTiny(outDir: string, over: Partial<TrainConfig>, onEvent: (e: EventBody, model: LayersModel) => void = () => {}) {
  await tf.setBackend('cpu');
  const config: TrainConfig = {
    dataset: 'blocks', epochs: 3, batchSize: 16, learningRate: 0.05, optimizer: 'sgd', backend: 'cpu', seed: 3, limit: 0,
    outDir, cacheDir: '', model: TINY, ...over,
  };
  const events: EventBody[] = [];
  const ds = { name: 'blocks', source: 'test', classes: [...'0123456789'], train: blocks(160, 1), test: blocks(80, 2) };
  let model: LayersModel | null = null;
  const r = await runTraining({
    tf, backend: 'cpu', versions: {}, createStep: defaultTrainStep, emit: (e) => { events.push(e); onEvent(e, model!); }, stopRequested: () => false,
    onModel: (m) => (model = m),
  },
  config, ds, TINY, toSummaryInfo(inferModel(TINY)));
  return { ...r, events };
}

/** metrics.csv as rows of numbers by column name. */
export function readCsv(path: string): Record<string, number>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

/** A copy of every weight of the model, in order. */
export const weightsOf = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

export { tf };
