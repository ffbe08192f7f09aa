// Random VALID model specs for property tests (here against tfjs; the source parsers reuse it to
// render models as Python/TS). Validity is decided layer by layer with inferLayer: a candidate it
// rejects is reported through onRejected (so tests can check the rejection against tfjs too) and
// another candidate is drawn. Shapes stay small so building and running models is fast.
import { defaultLayerNames, inferLayer, ShapeError, type Shape } from '../../src/model/infer';
import type { LayerSpec, LayerType, ModelSpec, Pair, Padding } from '../../src/model/spec';
import { ACTIVATIONS } from '../../src/model/vocab';

/** The project's seeded PRNG (src/shared/random.ts), so failures reproduce. */
export { rng } from '../../src/shared/random';

export interface Rejection {
  prefix: ModelSpec;
  candidate: LayerSpec;
  error: ShapeError;
}

const MAX_VALUES = 2048; // per example, so Dense/Conv weights and activations stay small

export interface RandomSpecOptions {
  /** Layer types never to draw (e.g. SpatialDropout2D, which TF.js source cannot spell). */
  exclude?: readonly LayerType[];
}

export function randomSpec(rand: () => number, onRejected?: (r: Rejection) => void, opts: RandomSpecOptions = {}): ModelSpec {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const maybe = <T>(p: number, f: () => T): T | undefined => (rand() < p ? f() : undefined);
  const pair = (lo: number, hi: number): Pair => [int(lo, hi), int(lo, hi)];
  const padding = (): Padding | undefined => maybe(0.8, () => pick(['valid', 'same'] as const));

  const rank = pick([3, 3, 3, 3, 1, 2]);
  const inputShape = rank === 3 ? [int(1, 12), int(1, 12), int(1, 4)] : rank === 2 ? [int(1, 8), int(1, 8)] : [int(1, 24)];
  const layers: LayerSpec[] = [];
  if (rand() < 0.15) layers.push({ type: 'InputLayer', shape: inputShape.slice() });

  const candidate = (shape: Shape, i: number): LayerSpec => {
    const name = maybe(0.25, () => `L${i}_${int(0, 999)}`);
    const named = <T extends LayerSpec>(l: T): T => (name ? { ...l, name } : l);
    const total = shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
    // Image layers are drawn more often while the tensor is still an image, so that convolutions
    // and pools are well represented instead of mostly rejected after a Flatten.
    const image = shape.length === 4;
    const kinds = image
      ? (['Conv2D', 'Conv2D', 'Conv2D', 'Pool', 'Pool', 'Pool', 'GlobalPool', 'Flatten', 'Dense', 'Dropout', 'Activation', 'BatchNormalization', 'ZeroPadding2D', 'ZeroPadding2D', 'Reshape',
          'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'UpSampling2D', 'Cropping2D', 'SpatialDropout2D', 'Shaped', 'Shaped', 'Permute'] as const)
      : (['Flatten', 'Dense', 'Dense', 'Dropout', 'Activation', 'BatchNormalization', 'Reshape', 'Reshape', 'Reshape', 'Conv2D', 'Pool', 'Shaped', 'Permute', 'RepeatVector', 'RepeatVector'] as const);
    const conv = () => {
      const strides = maybe(0.4, () => pair(1, 3));
      const dilated = !strides || (strides[0] === 1 && strides[1] === 1);
      return {
        kernelSize: pair(1, 4), strides, padding: padding(),
        dilationRate: dilated ? maybe(0.3, () => pair(1, 3)) : undefined,
        activation: maybe(0.7, () => pick(ACTIVATIONS)), useBias: maybe(0.4, () => rand() < 0.5),
      };
    };
    const rank = shape.length - 1;
    switch (pick(kinds)) {
      case 'Conv2DTranspose': {
        const { dilationRate, ...rest } = conv();
        void dilationRate; // not modelled for transposed convolutions
        return named({ type: 'Conv2DTranspose', filters: int(1, 4), ...rest });
      }
      case 'DepthwiseConv2D': {
        const { dilationRate, ...rest } = conv();
        void dilationRate; // tfjs 4.22 gets the shape wrong with dilation (the trainer refuses it)
        return named({ type: 'DepthwiseConv2D', depthMultiplier: maybe(0.5, () => int(1, 3)), ...rest });
      }
      case 'SeparableConv2D':
        return named({ type: 'SeparableConv2D', filters: int(1, 6), depthMultiplier: maybe(0.5, () => int(1, 3)), ...conv() });
      case 'UpSampling2D':
        return named({ type: 'UpSampling2D', size: maybe(0.7, () => pair(1, 3)) });
      case 'Cropping2D':
        return named({ type: 'Cropping2D', cropping: [pair(0, 2), pair(0, 2)] });
      case 'SpatialDropout2D':
        return named({ type: 'SpatialDropout2D', rate: Math.round(rand() * 90) / 100 });
      case 'Shaped':
        // Shape-preserving layers with their options.
        switch (int(0, 6)) {
          case 0: return named({ type: 'ReLU', maxValue: maybe(0.4, () => int(1, 12) / 2) });
          case 1: return named({ type: 'LeakyReLU', alpha: maybe(0.6, () => Math.round(rand() * 50) / 100) });
          case 2: return named({ type: 'ELU', alpha: maybe(0.4, () => 1) }); // tfjs has only alpha 1
          case 3: return named({ type: 'Softmax' });
          case 4: return named({ type: 'GaussianNoise', stddev: Math.round(rand() * 100) / 100 });
          case 5: return named({ type: 'GaussianDropout', rate: Math.round(rand() * 90) / 100 });
          default: return named({ type: 'Rescaling', scale: pick([1 / 255, 2, 0.5, -1]), offset: maybe(0.5, () => pick([-1, 0.5, 0])) });
        }
      case 'Permute': {
        const dims = Array.from({ length: rank }, (_, k) => k + 1);
        for (let k = dims.length - 1; k > 0; k--) {
          const j = int(0, k);
          [dims[k], dims[j]] = [dims[j], dims[k]];
        }
        return named({ type: 'Permute', dims });
      }
      case 'RepeatVector':
        return named({ type: 'RepeatVector', n: int(1, 4) });
      case 'Conv2D': {
        const strides = maybe(0.4, () => pair(1, 3));
        const dilated = !strides || (strides[0] === 1 && strides[1] === 1);
        return named({
          type: 'Conv2D', filters: int(1, 6), kernelSize: pair(1, 4), strides, padding: padding(),
          dilationRate: dilated ? maybe(0.3, () => pair(1, 3)) : undefined,
          activation: maybe(0.7, () => pick(ACTIVATIONS)), useBias: maybe(0.4, () => rand() < 0.5),
        });
      }
      case 'Pool':
        return named({
          type: pick(['MaxPooling2D', 'AveragePooling2D'] as const), poolSize: pair(1, 3),
          strides: maybe(0.5, () => (rand() < 0.3 ? null : pair(1, 3))), padding: padding(),
        });
      case 'GlobalPool':
        return named({ type: pick(['GlobalAveragePooling2D', 'GlobalMaxPooling2D'] as const) });
      case 'Flatten':
        return named({ type: 'Flatten' });
      case 'Dense':
        return named({ type: 'Dense', units: int(1, 8), activation: maybe(0.7, () => pick(ACTIVATIONS)), useBias: maybe(0.3, () => rand() < 0.5) });
      case 'Dropout':
        return named({ type: 'Dropout', rate: Math.round(rand() * 90) / 100 });
      case 'Activation':
        return named({ type: 'Activation', activation: pick(ACTIVATIONS) });
      case 'BatchNormalization':
        return named({ type: 'BatchNormalization' });
      case 'ZeroPadding2D':
        return named({ type: 'ZeroPadding2D', padding: [pair(0, 2), pair(0, 2)] });
      case 'Reshape': {
        // Mostly a valid factorisation of the current size, sometimes a wrong one (to exercise
        // the rejection path), sometimes with -1.
        const dims: number[] = [];
        let rest = total;
        const n = image ? int(1, 3) : pick([1, 2, 3, 3, 3]); // often back to (h, w, c)
        for (let k = 0; k < n - 1; k++) {
          const divisors = [...Array(rest).keys()].map((d) => d + 1).filter((d) => rest % d === 0);
          const d = pick(divisors);
          dims.push(d);
          rest /= d;
        }
        dims.push(rest);
        if (rand() < 0.15) dims[0] += 1;
        if (rand() < 0.4) dims[int(0, dims.length - 1)] = -1;
        return named({ type: 'Reshape', targetShape: dims });
      }
    }
  };

  let shape: Shape = [null, ...inputShape];
  const depth = int(1, 7);
  for (let tries = 0; layers.filter((l) => l.type !== 'InputLayer').length < depth && tries < 40; tries++) {
    const c = candidate(shape, layers.length);
    if (opts.exclude?.includes(c.type)) continue;
    // Names must stay unique in the model (a duplicate is a different error, tested elsewhere).
    const names = defaultLayerNames([...layers, c]);
    if (new Set(names).size !== names.length) continue;
    try {
      const info = inferLayer(c, shape, names[names.length - 1], layers.length);
      const size = info.outputShape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
      if (size > MAX_VALUES) continue;
      layers.push(c);
      shape = info.outputShape;
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      onRejected?.({ prefix: { inputShape: inputShape.slice(), layers: layers.slice() }, candidate: c, error: e });
    }
  }
  if (!layers.some((l) => l.type !== 'InputLayer')) layers.push({ type: 'Flatten' });
  // Half of the models with an InputLayer leave inputShape empty: the InputLayer alone defines it.
  const spec: ModelSpec = { inputShape: layers[0].type === 'InputLayer' && rand() < 0.5 ? [] : inputShape, layers };
  // Drop undefined keys so the spec is what a JSON file would hold.
  return JSON.parse(JSON.stringify(spec)) as ModelSpec;
}
