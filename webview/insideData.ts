// Pure data for the "Inside the network" view (unit-tested without a browser): how each layer's
// output is drawn (maps per channel, a strip, a matrix), per-channel statistics, the colour scale,
// and the images of feature maps and kernels as RGBA pixels.
import type { TensorValues } from '../src/shared/protocol';

export type Rgb = [number, number, number];

/** Signed values: zero is the background colour, negatives `neg`, positives `pos` (same limit both
 *  sides, so equal magnitudes look equally strong). Non-negative or non-positive values: background
 *  to `pos` from the smallest to the largest value. */
export interface HeatScale { kind: 'diverging' | 'sequential'; lo: number; hi: number }
export interface Palette { background: Rgb; neg: Rgb; pos: Rgb }

export function heatScale(min: number, max: number): HeatScale {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { kind: 'sequential', lo: 0, hi: 0 };
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max);
    return { kind: 'diverging', lo: -m, hi: m };
  }
  return { kind: 'sequential', lo: min, hi: max };
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t),
];

/** The colour of one value; NaN and infinities (a diverged model) are drawn as the background. */
export function heatColour(v: number, s: HeatScale, p: Palette): Rgb {
  if (!Number.isFinite(v)) return p.background;
  if (s.kind === 'diverging') {
    const t = Math.min(1, Math.abs(v) / s.hi);
    return mix(p.background, v < 0 ? p.neg : p.pos, t);
  }
  const span = s.hi - s.lo;
  const t = span > 0 ? Math.min(1, Math.max(0, (v - s.lo) / span)) : s.hi > 0 ? 1 : 0;
  return mix(p.background, p.pos, t);
}

/** How a layer's output is drawn. */
export type Layout =
  | { kind: 'maps'; height: number; width: number; channels: number }
  | { kind: 'strip'; length: number }
  | { kind: 'matrix'; height: number; width: number };

/** Feature maps for H x W x C (H x W > 1), a strip for vectors and 1 x 1 x C, a matrix for 2-D outputs. */
export function layoutOf(t: Pick<TensorValues, 'shape' | 'shown'>): Layout {
  const s = t.shown ?? t.shape;
  if (s.length === 3 && s[0] * s[1] > 1) return { kind: 'maps', height: s[0], width: s[1], channels: s[2] };
  if (s.length === 2) return { kind: 'matrix', height: s[0], width: s[1] };
  return { kind: 'strip', length: s.reduce((a, b) => a * b, 1) };
}

export interface ChannelStats { min: number; max: number; mean: number }

/** Per channel of an H x W x C output (values in Keras order, channels last). */
export function channelStats(values: ArrayLike<number>, channels: number): ChannelStats[] {
  const out = Array.from({ length: channels }, () => ({ min: Infinity, max: -Infinity, sum: 0, n: 0 }));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const c = out[i % channels];
    if (v < c.min) c.min = v;
    if (v > c.max) c.max = v;
    c.sum += v;
    c.n++;
  }
  return out.map((c) => (c.n ? { min: c.min, max: c.max, mean: c.sum / c.n } : { min: NaN, max: NaN, mean: NaN }));
}

function rgba(width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  return new Uint8ClampedArray(width * height * 4);
}

function put(img: Uint8ClampedArray, at: number, c: Rgb): void {
  img[at * 4] = c[0];
  img[at * 4 + 1] = c[1];
  img[at * 4 + 2] = c[2];
  img[at * 4 + 3] = 255;
}

/** Channel `c` of an H x W x C output as an H x W image. */
export function channelImage(values: ArrayLike<number>, l: { height: number; width: number; channels: number }, c: number, s: HeatScale, p: Palette): Uint8ClampedArray<ArrayBuffer> {
  const img = rgba(l.width, l.height);
  for (let k = 0; k < l.height * l.width; k++) put(img, k, heatColour(values[k * l.channels + c], s, p));
  return img;
}

/** Values in order as a width x height image (a strip is length x 1, a matrix row-major). */
export function valuesImage(values: ArrayLike<number>, width: number, height: number, s: HeatScale, p: Palette): Uint8ClampedArray<ArrayBuffer> {
  const img = rgba(width, height);
  for (let k = 0; k < width * height && k < values.length; k++) put(img, k, heatColour(values[k], s, p));
  return img;
}

export interface KernelGrid {
  width: number;
  height: number;
  /** Tiles across (one per filter) and down (one per input channel). */
  cols: number;
  rows: number;
  image: Uint8ClampedArray<ArrayBuffer>;
}

/**
 * A convolution kernel [kh, kw, in, filters] as a grid of kh x kw tiles: one column per filter,
 * one row per input channel (C1: one row of six; C3: six rows of sixteen), with 1-pixel
 * transparent gaps between tiles.
 */
export function kernelGrid(values: ArrayLike<number>, shape: number[], s: HeatScale, p: Palette): KernelGrid {
  const [kh, kw, cin, cout] = shape;
  const cols = cout, rows = cin;
  const width = cols * (kw + 1) - 1, height = rows * (kh + 1) - 1;
  const image = rgba(width, height);
  for (let f = 0; f < cout; f++) {
    for (let i = 0; i < cin; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const v = values[((y * kw + x) * cin + i) * cout + f];
          put(image, (i * (kh + 1) + y) * width + f * (kw + 1) + x, heatColour(v, s, p));
        }
      }
    }
  }
  return { width, height, cols, rows, image };
}

/** The filter of output channel `f` of a kernel [kh, kw, in, filters], as a kernel [kh, kw, in, 1]. */
export function filterOf(values: ArrayLike<number>, shape: number[], f: number): number[] {
  const [kh, kw, cin, cout] = shape;
  const out: number[] = [];
  for (let k = 0; k < kh * kw * cin; k++) out.push(values[k * cout + f]);
  return out;
}

/** A Dense kernel [in, units] drawn with one row per unit (its weights across), like the filters. */
export function denseImage(values: ArrayLike<number>, shape: number[], s: HeatScale, p: Palette): { width: number; height: number; image: Uint8ClampedArray<ArrayBuffer> } {
  const [inputs, units] = shape;
  const image = rgba(inputs, units);
  for (let u = 0; u < units; u++) {
    for (let i = 0; i < inputs; i++) put(image, u * inputs + i, heatColour(values[i * units + u], s, p));
  }
  return { width: inputs, height: units, image };
}

/** CSS pixels per value so a map is about 64 px across (1..8). */
export function zoomFor(height: number, width: number, target = 64): number {
  return Math.max(1, Math.min(8, Math.round(target / Math.max(height, width, 1))));
}

/** Short number for labels: 4 significant digits, exponent for tiny and huge values. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}
