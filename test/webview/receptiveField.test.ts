// The receptive field of an output pixel traced back through LeNet-5 and through strided, dilated
// and 'valid' layers, checked against the window arithmetic done by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerWindow } from '../../src/shared/protocol';
import { receptiveField, type GeometryLayer } from '../../webview/receptiveField';

const conv = (k: number, padding: 'same' | 'valid', s = 1, d = 1): LayerWindow => ({ kernel: [k, k], strides: [s, s], padding, dilation: [d, d] });
const pool = (k: number): LayerWindow => ({ kernel: [k, k], strides: [k, k], padding: 'valid', dilation: [1, 1] });

// LeNet-5 as LeNet Lab builds it: C1 'same', average pooling, C3 and C5 'valid'.
const LENET: GeometryLayer[] = [
  { shape: [28, 28, 6], window: conv(5, 'same') },
  { shape: [14, 14, 6], window: pool(2) },
  { shape: [10, 10, 16], window: conv(5, 'valid') },
  { shape: [5, 5, 16], window: pool(2) },
  { shape: [1, 1, 120], window: conv(5, 'valid') },
  { shape: [120] },
];
const IN = [28, 28, 1];
const size = (b: { top: number; left: number; bottom: number; right: number }) => [b.bottom - b.top + 1, b.right - b.left + 1];

test('LeNet-5: C1 5x5 (clipped at the border), S2 6x6, C3 14x14, S4 16x16, C5 the whole input', () => {
  assert.deepEqual(receptiveField(LENET, IN, 0, 10, 13), { top: 8, left: 11, bottom: 12, right: 15 });
  assert.deepEqual(receptiveField(LENET, IN, 0, 0, 27), { top: 0, left: 25, bottom: 2, right: 27 }, "'same' padding: the corner sees 3x3 real pixels");
  assert.deepEqual(receptiveField(LENET, IN, 1, 5, 6), { top: 8, left: 10, bottom: 13, right: 15 });
  assert.deepEqual(size(receptiveField(LENET, IN, 1, 5, 6)!), [6, 6]);
  assert.deepEqual(receptiveField(LENET, IN, 2, 3, 4), { top: 4, left: 6, bottom: 17, right: 19 });
  assert.deepEqual(size(receptiveField(LENET, IN, 2, 3, 4)!), [14, 14]);
  assert.deepEqual(receptiveField(LENET, IN, 3, 2, 1), { top: 6, left: 2, bottom: 21, right: 17 });
  assert.deepEqual(size(receptiveField(LENET, IN, 3, 2, 1)!), [16, 16]);
  assert.deepEqual(receptiveField(LENET, IN, 4, 0, 0), { top: 0, left: 0, bottom: 27, right: 27 });
  assert.deepEqual(receptiveField(LENET, IN, 3, 0, 0), { top: 0, left: 0, bottom: 13, right: 13 }, 'S4 corner: 16 wide less the 2 padded rows');
});

test("strided 'valid', strided 'same' with uneven padding, dilation, pass-through and unknown layouts", () => {
  // 3x3 stride 2 valid on 9x9 -> 4x4: output 1 sees rows 2..4.
  const strided: GeometryLayer[] = [{ shape: [4, 4, 8], window: conv(3, 'valid', 2) }];
  assert.deepEqual(receptiveField(strided, [9, 9, 1], 0, 1, 3), { top: 2, left: 6, bottom: 4, right: 8 });
  // 3x3 stride 2 'same' on 8 -> 4: padding total (4-1)*2+3-8 = 1, none before: output 0 sees 0..2, output 3 sees 6..7 (8 is padding).
  const same: GeometryLayer[] = [{ shape: [4, 4, 8], window: conv(3, 'same', 2) }];
  assert.deepEqual(receptiveField(same, [8, 8, 1], 0, 0, 3), { top: 0, left: 6, bottom: 2, right: 7 });
  // Dilation 2 makes a 3x3 kernel span 5: valid on 10 -> 6; output 2 sees 2..6.
  const dilated: GeometryLayer[] = [{ shape: [6, 6, 4], window: conv(3, 'valid', 1, 2) }, { shape: [6, 6, 4] }, { shape: [3, 3, 4], window: pool(2) }];
  assert.deepEqual(receptiveField(dilated, [10, 10, 1], 0, 2, 2), { top: 2, left: 2, bottom: 6, right: 6 });
  // A ReLU keeps the layout and passes the box through; pooling 2 then doubles it: 1 -> 2..3 -> 2..7.
  assert.deepEqual(receptiveField(dilated, [10, 10, 1], 2, 1, 0), { top: 2, left: 0, bottom: 7, right: 5 });
  // UpSampling changes the layout without a window: unknown.
  assert.equal(receptiveField([{ shape: [56, 56, 1] }, { shape: [54, 54, 2], window: conv(3, 'valid') }], IN, 1, 0, 0), null);
  assert.equal(receptiveField(LENET, IN, 5, 0, 0), null, 'a vector has no pixels');
  assert.equal(receptiveField([{ type: 'Conv2D', shape: [28, 28, 6] }], IN, 0, 3, 3), null, "a convolution without its window is not taken for a pass-through, even when 'same' keeps the size");
});
