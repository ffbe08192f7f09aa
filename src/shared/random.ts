// Seeded randomness shared by the engine (epoch shuffles), the sample split and the tests, so a
// run, the sample's train/test split and a failing property test reproduce on every machine.
// Changing anything here changes which digits are in the sample's test set and every shuffle
// order: test/shared/random.test.ts pins both.

/** mulberry32: small, fast, good enough for shuffling; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The random stream of one training epoch (1-based), from the run's seed and the epoch alone, so a
 * run resumed at any epoch shuffles exactly as the same run trained without a stop. Epoch 1 is
 * the seed's own stream.
 */
export function epochRng(seed: number, epoch: number): () => number {
  return rng((seed ^ Math.imul(epoch - 1, 0x9e3779b9)) >>> 0);
}

/** Fisher-Yates shuffle in place (from the end, one draw per position). */
export function shuffleInPlace(a: Uint32Array, random: () => number): Uint32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A shuffled 0..n-1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, random);
}
