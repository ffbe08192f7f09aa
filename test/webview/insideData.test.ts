// The "Inside the network" view's pure data: colour scales, layouts, per-channel statistics, and
// which weight lands on which pixel of a kernel grid or Dense matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelImage, channelStats, denseImage, filterOf, heatColour, heatScale, kernelGrid, layoutOf, short, zoomFor, type Palette,
} from '../../webview/insideData';

const P: Palette = { background: [0, 0, 0], neg: [0, 0, 200], pos: [200, 100, 0] };
const px = (img: Uint8ClampedArray, width: number, x: number, y: number) => Array.from(img.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));

test('colour scale: signed values are symmetric around the background, others run background to pos', () => {
  const d = heatScale(-0.5, 2);
  assert.deepEqual(d, { kind: 'diverging', lo: -2, hi: 2 });
  assert.deepEqual(heatColour(0, d, P), [0, 0, 0]);
  assert.deepEqual(heatColour(2, d, P), [200, 100, 0]);
  assert.deepEqual(heatColour(-2, d, P), [0, 0, 200]);
  assert.deepEqual(heatColour(-1, d, P), [0, 0, 100], 'equal magnitudes, equal strength');
  const s = heatScale(0, 1);
  assert.equal(s.kind, 'sequential');
  assert.deepEqual(heatColour(0.5, s, P), [100, 50, 0]);
  assert.deepEqual(heatColour(NaN, s, P), [0, 0, 0], 'a diverged value is background, not a crash');
  assert.deepEqual(heatColour(3, heatScale(3, 3), P), [200, 100, 0], 'a constant positive map is full strength');
  assert.deepEqual(heatScale(NaN, NaN), { kind: 'sequential', lo: 0, hi: 0 });
});

test('layouts: maps for H x W x C, strips for vectors and 1 x 1 x C, matrices for 2-D; cut tensors by what was sent', () => {
  assert.deepEqual(layoutOf({ shape: [28, 28, 6] }), { kind: 'maps', height: 28, width: 28, channels: 6 });
  assert.deepEqual(layoutOf({ shape: [1, 1, 120] }), { kind: 'strip', length: 120 });
  assert.deepEqual(layoutOf({ shape: [84] }), { kind: 'strip', length: 84 });
  assert.deepEqual(layoutOf({ shape: [4, 7] }), { kind: 'matrix', height: 4, width: 7 });
  assert.deepEqual(layoutOf({ shape: [64, 64, 32], shown: [64, 64, 16] }), { kind: 'maps', height: 64, width: 64, channels: 16 });
  assert.equal(zoomFor(28, 28), 2);
  assert.equal(zoomFor(5, 5), 8);
  assert.equal(zoomFor(300, 300), 1);
  assert.equal(short(0.123456), '0.1235');
  assert.equal(short(-0.00001234), '-1.23e-5');
});

test('channel statistics and images follow Keras order (channels last)', () => {
  // 2 x 2 x 3: value = 10 * pixel + channel.
  const v = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32];
  assert.deepEqual(channelStats(v, 3), [{ min: 0, max: 30, mean: 15 }, { min: 1, max: 31, mean: 16 }, { min: 2, max: 32, mean: 17 }]);
  const img = channelImage(v, { height: 2, width: 2, channels: 3 }, 1, heatScale(0, 32), P);
  assert.deepEqual(px(img, 2, 1, 1), [...heatColour(31, heatScale(0, 32), P), 255], 'pixel (1, 1) of channel 1 is value 31');
  assert.deepEqual(px(img, 2, 0, 0), [...heatColour(1, heatScale(0, 32), P), 255]);
});

test('kernel grid: filter f is column f, input channel i is row i, weight [y, x, i, f] at its pixel; gaps transparent', () => {
  const shape = [2, 3, 2, 4]; // kh 2, kw 3, 2 inputs, 4 filters
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, k) => k);
  const s = heatScale(0, n - 1);
  const g = kernelGrid(values, shape, s, P);
  assert.deepEqual([g.cols, g.rows, g.width, g.height], [4, 2, 4 * 4 - 1, 2 * 3 - 1]);
  for (const [y, x, i, f] of [[0, 0, 0, 0], [1, 2, 1, 3], [0, 1, 1, 2], [1, 0, 0, 1]]) {
    const want = values[((y * 3 + x) * 2 + i) * 4 + f];
    assert.deepEqual(px(g.image, g.width, f * 4 + x, i * 3 + y), [...heatColour(want, s, P), 255], `[${y}, ${x}, ${i}, ${f}]`);
  }
  assert.equal(px(g.image, g.width, 3, 0)[3], 0, 'the column between filters is a gap');
  const d = denseImage([1, 2, 3, 4, 5, 6], [3, 2], heatScale(1, 6), P); // 3 inputs, 2 units
  assert.deepEqual([d.width, d.height], [3, 2]);
  assert.deepEqual(px(d.image, 3, 2, 1), [...heatColour(6, heatScale(1, 6), P), 255], 'unit 1 (row 1), input 2 (column 2) is kernel[2][1]');
  assert.deepEqual(px(d.image, 3, 1, 0), [...heatColour(3, heatScale(1, 6), P), 255], 'unit 0, input 1 is kernel[1][0]');
});

test('filterOf: output channel f of a kernel [kh, kw, in, filters] is the weights [y, x, i, f] in order', () => {
  const shape = [2, 3, 2, 4];
  const values = Array.from({ length: 48 }, (_, k) => k);
  const f2 = filterOf(values, shape, 2);
  assert.equal(f2.length, 2 * 3 * 2);
  for (const [y, x, i] of [[0, 0, 0], [1, 2, 1], [0, 1, 1]]) assert.equal(f2[(y * 3 + x) * 2 + i], values[((y * 3 + x) * 2 + i) * 4 + 2], `[${y}, ${x}, ${i}]`);
});
