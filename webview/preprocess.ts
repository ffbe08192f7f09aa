// MNIST-style preprocessing for the try-it pad, pure so it runs under node tests.
// MNIST digits were size-normalised into a 20x20 box keeping their aspect ratio (anti-aliased),
// then placed in a 28x28 field so that their centre of mass sits at the centre. A model trained
// on MNIST only recognises drawings that went through the same steps.

export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;

/** Pixels below this (0..1) count as background when finding the drawing's bounding box. */
const INK_THRESHOLD = 0.05;

export interface Gray { width: number; height: number; data: ArrayLike<number> }

/**
 * Converts RGBA canvas pixels to intensities 0..1. The pad draws light strokes on a transparent
 * background, so ink = alpha (independent of the stroke colour the theme picked).
 */
export function rgbaToInk(rgba: ArrayLike<number>, width: number, height: number): Gray {
  if (rgba.length !== width * height * 4) {
    throw new Error(`rgbaToInk: expected ${width * height * 4} RGBA values for ${width}x${height}, got ${rgba.length}`);
  }
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3] / 255;
  return { width, height, data };
}

/** Bounding box of pixels above the ink threshold, or null for an empty drawing. */
export function inkBounds(img: Gray): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 }; // x1, y1 exclusive
}

/**
 * Area-averaging resample of the source rectangle [sx0,sx1)x[sy0,sy1) to tw x th pixels: every
 * output pixel is the exact coverage-weighted mean of the source pixels under it (anti-aliased
 * like MNIST's own normalisation, no aliasing when shrinking 10x).
 */
export function resampleArea(
  img: Gray, sx0: number, sy0: number, sx1: number, sy1: number, tw: number, th: number,
): Float32Array {
  const out = new Float32Array(tw * th);
  const fx = (sx1 - sx0) / tw;
  const fy = (sy1 - sy0) / th;
  for (let ty = 0; ty < th; ty++) {
    const ya = sy0 + ty * fy, yb = ya + fy;
    for (let tx = 0; tx < tw; tx++) {
      const xa = sx0 + tx * fx, xb = xa + fx;
      let sum = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        if (wy <= 0 || y < 0 || y >= img.height) continue;
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          if (wx <= 0 || x < 0 || x >= img.width) continue;
          sum += img.data[y * img.width + x] * wx * wy;
        }
      }
      out[ty * tw + tx] = sum / (fx * fy);
    }
  }
  return out;
}

/** Centre of mass (x, y) in pixel-centre coordinates (pixel i spans i..i+1), or null when there is no mass. */
export function centreOfMass(data: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      m += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/**
 * The full MNIST pipeline: crop to the ink, scale the longer side to 20 px keeping the aspect
 * ratio, place in 28x28 with the centre of mass at the centre (clamped so nothing is cut off).
 * Returns 784 values in 0..1 (peak scaled to 1), row-major, or null when nothing is drawn.
 */
export function preprocessDigit(img: Gray): number[] | null {
  if (img.data.length !== img.width * img.height) {
    throw new Error(`preprocessDigit: expected ${img.width * img.height} values for ${img.width}x${img.height}, got ${img.data.length}`);
  }
  const b = inkBounds(img);
  if (!b) return null;
  const w = b.x1 - b.x0, h = b.y1 - b.y0;
  const scale = MNIST_BOX / Math.max(w, h);
  // A thin stroke (a "1") stays thin: at least 1 px on its short side.
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  // Resample exactly the box that maps onto tw x th at this scale, centred on the ink box, so the
  // aspect ratio is kept even after rounding tw/th.
  const cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
  const sw = tw / scale, sh = th / scale;
  const small = resampleArea(img, cx - sw / 2, cy - sh / 2, cx + sw / 2, cy + sh / 2, tw, th);
  let max = 0;
  for (const v of small) if (v > max) max = v;
  const com = centreOfMass(small, tw, th);
  if (!com || max <= 0) return null;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  // MNIST put the centre of mass at pixel index 14 (its centre is at 14.5 in the pixel-centre
  // coordinates used here); real MNIST digits measure 14.0..15.0, so match that, not 14.0.
  const target = MNIST_SIDE / 2 + 0.5;
  const ox = clamp(Math.round(target - com.x), 0, MNIST_SIDE - tw);
  const oy = clamp(Math.round(target - com.y), 0, MNIST_SIDE - th);
  const out = new Array<number>(MNIST_SIDE * MNIST_SIDE).fill(0);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      // Normalise so the darkest pixel is 1 like MNIST's saturated strokes (a thin pen would
      // otherwise give a faint digit); min() guards float sums like 1.0000001.
      out[(y + oy) * MNIST_SIDE + (x + ox)] = Math.min(1, small[y * tw + x] / max);
    }
  }
  return out;
}
