// Fixtures of the fused step's tests: seeded random batches (images uniform in [0, 1), random
// labels) and LeNet-5 with dropout.
import { rng } from '../../src/shared/random';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import type { Batch } from '../../src/worker/trainStep';

export function randomBatch(seed: number, size: number, inputSize: number, classes: number): Batch {
  const r = rng(seed);
  const images = new Float32Array(size * inputSize);
  for (let i = 0; i < images.length; i++) images[i] = r();
  const labels = Uint8Array.from({ length: size }, () => Math.floor(r() * classes));
  return { images, labels, size };
}

/** LeNet-5 with dropout after C5's flatten and after FC6, so the masks enter the gradients. */
export const LENET_DROPOUT: ModelSpec = {
  ...LENET5,
  layers: [...LENET5.layers.slice(0, 6), { type: 'Dropout', rate: 0.3 }, LENET5.layers[6], { type: 'Dropout', rate: 0.5 }, LENET5.layers[7]],
};
