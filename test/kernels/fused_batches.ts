// Seeded random batches for the fused step's tests (images uniform in [0, 1), random labels).
import { rng } from '../../src/shared/random';
import type { Batch } from '../../src/worker/trainStep';

export function randomBatch(seed: number, size: number, inputSize: number, classes: number): Batch {
  const r = rng(seed);
  const images = new Float32Array(size * inputSize);
  for (let i = 0; i < images.length; i++) images[i] = r();
  const labels = Uint8Array.from({ length: size }, () => Math.floor(r() * classes));
  return { images, labels, size };
}
