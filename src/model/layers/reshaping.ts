// Layers that change the shape without weights, and Rescaling. One definition per layer type: see
// ./definition.ts for what each part means.
import { PAIR, type LayerDefinition, type LayerShape } from './definition';
import type { KerasConfigReader } from './kerasConfig';
import { formatShape, formatCount, show, hw, product, type LayerCheck, type Shape } from '../shapeCheck';
import type { Pair, Cropping2DSpec, PermuteSpec, RepeatVectorSpec, ReshapeSpec, UpSampling2DSpec, ZeroPadding2DSpec } from '../spec';

export const Reshape: LayerDefinition<'Reshape'> = {
  description: 'Reshapes everything but the batch axis; one dimension may be -1 (inferred). No params.',
  keras: {
    positional: ['target_shape'],
    h5: {
      weights: [],
      // The inferred shape: a -1 is resolved, as Keras's config keeps what the user wrote but either reads back the same.
      write: (_l, { output }) => ({ target_shape: output.slice(1) }),
      read: (r) => {
        if (!Array.isArray(r.config.target_shape)) r.fail('target_shape must be a list');
        return { type: 'Reshape', targetShape: r.config.target_shape as number[] };
      },
    },
  },
  tfjs: ['reshape'],
  build: (tf, _l, { base, known }) =>
    // The -1 resolved by our inference: tfjs 4.22 leaves it unknown in the static shape (its
    // computeOutputShape counts the batch axis as an unknown dimension), which then breaks a
    // following Flatten or Dense.
    tf.layers.reshape({ ...base, targetShape: known }),
  infer: reshape,
  fields: {
    targetShape: { kind: 'targetShape', required: true, description: 'New shape without the batch axis, e.g. [7, 7, 3]; one dimension may be -1 (inferred). Keras: target_shape.' },
  },
};

export const ZeroPadding2D: LayerDefinition<'ZeroPadding2D'> = {
  description: 'Adds rows and columns of zeros around the image. No params.',
  keras: {
    positional: ['padding', 'data_format'],
    h5: {
      weights: [],
      write: (l) => ({ padding: [[...l.padding[0]], [...l.padding[1]]], data_format: 'channels_last' }),
      read: (r) => {
        r.channelsLast();
        return { type: 'ZeroPadding2D', padding: zeroPaddingFromKeras(r) };
      },
    },
  },
  tfjs: ['zeroPadding2d'],
  build: (tf, l, { base }) => tf.layers.zeroPadding2d({ ...base, padding: [[...l.padding[0]], [...l.padding[1]]] }),
  infer: zeroPadding,
  fields: {
    padding: {
      kind: 'zeroPadding',
      default: [[1, 1], [1, 1]],
      sourceDefault: 1,
      description: 'Zeros to add: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]]. Default 1.',
    },
  },
};

export const Cropping2D: LayerDefinition<'Cropping2D'> = {
  description: 'Removes rows and columns at the borders. No params.',
  keras: { positional: ['cropping', 'data_format'], h5: null },
  tfjs: ['cropping2D'],
  build: (tf, l, { base }) => tf.layers.cropping2D({ ...base, cropping: [[...l.cropping[0]], [...l.cropping[1]]] }),
  infer: cropping,
  fields: {
    cropping: {
      kind: 'zeroPadding',
      required: true,
      sourceDefault: 0,
      description: 'Rows and columns to remove: one integer for all sides, [rows, columns] (each on both sides), or [[top, bottom], [left, right]].',
    },
  },
};

export const UpSampling2D: LayerDefinition<'UpSampling2D'> = {
  description: 'Repeats rows and columns: (None, H, W, C) -> (None, H x size[0], W x size[1], C). No params.',
  keras: { positional: ['size', 'data_format', 'interpolation'], h5: null },
  tfjs: ['upSampling2d'],
  build: (tf, l, { base }) => tf.layers.upSampling2d({ ...base, size: [...(l.size ?? [2, 2])] }),
  infer: upSampling,
  fields: {
    size: { kind: 'pair', description: `Repeat factors: ${PAIR}. Default [2, 2].` },
  },
};

export const Permute: LayerDefinition<'Permute'> = {
  description: 'Reorders the axes after the batch axis (dims are 1-based). No params.',
  keras: { positional: ['dims'], h5: null },
  tfjs: ['permute'],
  build: (tf, l, { base }) => tf.layers.permute({ ...base, dims: [...l.dims] }),
  infer: permute,
  fields: {
    dims: { kind: 'permutation', required: true, description: 'New order of the axes after the batch axis, 1-based, e.g. [2, 1] swaps the two.' },
  },
};

export const RepeatVector: LayerDefinition<'RepeatVector'> = {
  description: 'Repeats a (None, F) input n times: (None, n, F). No params.',
  keras: { positional: ['n'], h5: null },
  tfjs: ['repeatVector'],
  build: (tf, l, { base }) => tf.layers.repeatVector({ ...base, n: l.n }),
  infer: repeatVector,
  fields: {
    n: { kind: 'posInt', required: true, description: 'How many times to repeat the input.' },
  },
};

export const Rescaling: LayerDefinition<'Rescaling'> = {
  description: 'Computes x * scale + offset, e.g. scale 1/255 for pixel values. No params.',
  keras: { positional: ['scale', 'offset'], h5: null },
  tfjs: ['rescaling'],
  build: (tf, l, { base }) => tf.layers.rescaling({ ...base, scale: l.scale, offset: l.offset ?? 0 }),
  infer: (c, l, input) => {
    if (l.scale === undefined) c.fail('scale is missing');
    c.num('scale', l.scale);
    c.num('offset', l.offset);
    return { out: input.slice() };
  },
  fields: {
    scale: { kind: 'number', required: true, description: 'Factor, e.g. 0.00392156862745098 (1/255).' },
    offset: { kind: 'number', description: 'Added after scaling. Default 0.' },
  },
};

function zeroPadding(c: LayerCheck, l: ZeroPadding2DSpec, input: Shape) {
  const p = l.padding;
  if (!Array.isArray(p) || p.length !== 2) {
    c.fail(`padding must be [[top, bottom], [left, right]], got ${show(p)}`);
  }
  const [t, b] = c.pair('padding[0] (top, bottom)', p[0], 0);
  const [lf, r] = c.pair('padding[1] (left, right)', p[1], 0);
  const [h, w, ch] = c.image('ZeroPadding2D', input);
  return { out: [null, h === null ? null : h + t + b, w === null ? null : w + lf + r, ch] as Shape };
}

function cropping(c: LayerCheck, l: Cropping2DSpec, input: Shape) {
  const p = l.cropping;
  if (!Array.isArray(p) || p.length !== 2) {
    c.fail(`cropping must be [[top, bottom], [left, right]], got ${show(p)}`);
  }
  const [t, b] = c.pair('cropping[0] (top, bottom)', p[0], 0);
  const [lf, r] = c.pair('cropping[1] (left, right)', p[1], 0);
  const [h, w, ch] = c.image('Cropping2D', input);
  if ((h !== null && t + b >= h) || (w !== null && lf + r >= w)) {
    c.fail(`cropping ${t}+${b} rows and ${lf}+${r} columns leaves nothing of its ${hw(h, w)} input`);
  }
  return { out: [null, h === null ? null : h - t - b, w === null ? null : w - lf - r, ch] as Shape };
}

function permute(c: LayerCheck, l: PermuteSpec, input: Shape) {
  const dims = l.dims;
  const rank = input.length - 1;
  const want = Array.from({ length: rank }, (_, i) => i + 1);
  if (!Array.isArray(dims) || dims.length !== rank || [...dims].sort((a, b) => a - b).some((d, i) => d !== want[i])) {
    c.fail(`dims must be a permutation of ${formatShape(want)} for the input ${formatShape(input)} (1-based, the batch axis excluded), got ${show(dims)}`);
  }
  return { out: [null, ...dims.map((d) => input[d])] as Shape };
}

function reshape(c: LayerCheck, l: ReshapeSpec, input: Shape) {
  const target = l.targetShape;
  if (!Array.isArray(target) || target.length === 0) {
    c.fail(`targetShape must be a non-empty list of integers, got ${show(target)}`);
  }
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) c.fail(`targetShape can contain -1 only once, got ${formatShape(target)}`);
  for (const d of target) {
    if (!Number.isSafeInteger(d) || (d < 1 && d !== -1)) {
      c.fail(`targetShape dimensions must be positive integers (or one -1), got ${formatShape(target)}`);
    }
  }
  const dims = input.slice(1);
  if (dims.some((d) => d === null)) {
    // Input size unknown: Keras keeps -1 as None and cannot check the product.
    return { out: [null, ...target.map((d) => (d === -1 ? null : d))] as Shape };
  }
  const have = product(dims as number[]);
  const known = product(target.filter((d) => d !== -1));
  const where = `cannot reshape ${formatShape(input)} into ${formatShape(target)}`;
  if (unknown === 1) {
    if (have % known !== 0) c.fail(`${where}: ${formatCount(have)} values are not a multiple of ${formatCount(known)}`);
    return { out: [null, ...target.map((d) => (d === -1 ? have / known : d))] as Shape };
  }
  if (have !== known) c.fail(`${where}: ${formatCount(have)} values vs ${formatCount(known)}`);
  return { out: [null, ...target] as Shape };
}

function upSampling(c: LayerCheck, l: UpSampling2DSpec, input: Shape): LayerShape {
  const [fh, fw] = l.size === undefined ? [2, 2] : c.pair('size', l.size);
  const [h, w, ch] = c.image('UpSampling2D', input);
  return { out: [null, h === null ? null : h * fh, w === null ? null : w * fw, ch] };
}

function repeatVector(c: LayerCheck, l: RepeatVectorSpec, input: Shape): LayerShape {
  const n = c.posInt('n', l.n);
  if (input.length !== 2) c.fail(`RepeatVector needs a 2D input (batch, features), got ${formatShape(input)}; add a Flatten before it`);
  return { out: [null, n, input[1]] };
}

/** Keras's ZeroPadding2D padding: one integer, [rows, cols], or [[top, bottom], [left, right]]. */
function zeroPaddingFromKeras(r: KerasConfigReader): [Pair, Pair] {
  const p = r.config.padding;
  const nonNeg = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  const side = (x: unknown): Pair => {
    if (nonNeg(x)) return [x, x];
    if (Array.isArray(x) && x.length === 2 && x.every(nonNeg)) return [x[0], x[1]];
    return r.fail(`padding ${JSON.stringify(p)} is not understood`);
  };
  if (nonNeg(p)) return [[p, p], [p, p]];
  if (Array.isArray(p) && p.length === 2) return [side(p[0]), side(p[1])];
  return r.fail(`padding ${JSON.stringify(p)} is not understood`);
}
