// Shape and parameter inference against the seed notebook's printed summary, a published Keras
// example, and the errors Keras would raise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLayerNames, inferLayer, inferModel, ShapeError, formatShape, formatCount } from '../../src/model/infer';
import { formatBytes, formatSummary, toSummaryInfo } from '../../src/model/summary';
import { LENET5 } from '../../src/model/lenet';
import type { LayerSpec, ModelSpec } from '../../src/model/spec';

// Verbatim from ../shared/seed/000_a31a23eb99ebd122.txt (Keras 2 prints params without commas).
// The seed's output is cut after "FC6 (Dense) ... (None, 84)  1"; the last two rows are the
// counts by Keras's formula (120x84+84 and 84x10+10), which add up to the 61,706 the seed prints.
const SEED_ROWS = `
C1 (Conv2D)                  (None, 28, 28, 6)         156       
S2 (AveragePooling2D)        (None, 14, 14, 6)         0         
C3 (Conv2D)                  (None, 10, 10, 16)        2416      
S4 (AveragePooling2D)        (None, 5, 5, 16)          0         
C5 (Conv2D)                  (None, 1, 1, 120)         48120     
flatten (Flatten)            (None, 120)               0         
FC6 (Dense)                  (None, 84)                10164     
OUTPUT (Dense)               (None, 10)                850       
`.trim().split('\n');

function parseSeedRow(line: string) {
  const m = /^(\S+) \((\w+)\)\s+\(([^)]*)\)\s+(\d+)\s*$/.exec(line);
  assert.ok(m, `unparseable seed row: ${line}`);
  const shape = m[3].split(',').map((s) => s.trim()).map((s) => (s === 'None' ? null : Number(s)));
  return { name: m[1], type: m[2], outputShape: shape, params: Number(m[4]) };
}

test('LeNet-5 inference equals the seed notebook summary row by row', () => {
  const r = inferModel(LENET5);
  const expected = SEED_ROWS.map(parseSeedRow);
  assert.deepEqual(
    r.layers.map((l) => ({ name: l.name, type: l.type, outputShape: l.outputShape, params: l.params })),
    expected,
  );
  assert.equal(r.totalParams, 61706);
  assert.equal(r.trainableParams, 61706);
  assert.equal(r.nonTrainableParams, 0);
  assert.deepEqual(r.inputShape, [null, 28, 28, 1]);
  assert.equal(r.name, 'sequential');
  assert.deepEqual(r.layers.map((l) => l.formula), [
    '5x5x1x6 + 6 = 156', '0', '5x5x6x16 + 16 = 2,416', '0', '5x5x16x120 + 120 = 48,120', '0',
    '120x84 + 84 = 10,164', '84x10 + 10 = 850',
  ]);
  assert.deepEqual(r.layers.map((l) => l.inputShape), [
    [null, 28, 28, 1], [null, 28, 28, 6], [null, 14, 14, 6], [null, 10, 10, 16], [null, 5, 5, 16],
    [null, 1, 1, 120], [null, 120], [null, 84],
  ]);
});

test('the summary table has the seed rows at the seed columns, with thousands separators', () => {
  const text = formatSummary(inferModel(LENET5));
  const lines = text.split('\n');
  for (const seedLine of SEED_ROWS) {
    // Same columns as the seed (29 / 26 / 10); only the count gains its separator.
    const want = seedLine.slice(0, 55) + formatCount(Number(seedLine.slice(55).trim())).padEnd(10);
    assert.ok(lines.includes(want), `missing row:\n${want}\nin:\n${text}`);
  }
  assert.equal(lines[0], 'Model: "sequential"');
  assert.equal(lines[2], 'Layer (type)                 Output Shape              Param #   ');
  assert.ok(lines.includes('Total params: 61,706 (241.04 KB)'));
  assert.ok(lines.includes('Trainable params: 61,706 (241.04 KB)'));
  assert.ok(lines.includes('Non-trainable params: 0 (0.00 B)'));
  assert.ok(lines.includes('C3 (Conv2D)                  (None, 10, 10, 16)        2,416     '));
  for (const l of lines.slice(1, -1)) if (/^[_=]+$/.test(l)) assert.equal(l.length, 65);
});

test('the JSON summary has the documented shape', () => {
  const info = toSummaryInfo(inferModel(LENET5));
  assert.deepEqual(Object.keys(info), ['layers', 'totalParams', 'trainableParams', 'nonTrainableParams']);
  assert.deepEqual(info.layers[0], { name: 'C1', type: 'Conv2D', outputShape: [null, 28, 28, 6], params: 156 });
  assert.equal(JSON.stringify(info.layers[5]), '{"name":"flatten","type":"Flatten","outputShape":[null,120],"params":0}');
  assert.equal(info.totalParams, 61706);
});

test("Keras's published 'Simple MNIST convnet' example (keras.io/examples/vision/mnist_convnet)", () => {
  // keras.io prints: conv2d (None, 26, 26, 32) 320; max_pooling2d (None, 13, 13, 32) 0;
  // conv2d_1 (None, 11, 11, 64) 18,496; max_pooling2d_1 (None, 5, 5, 64) 0; flatten (None, 1600) 0;
  // dropout (None, 1600) 0; dense (None, 10) 16,010; Total params: 34,826 (136.04 KB).
  const spec: ModelSpec = {
    inputShape: [28, 28, 1],
    layers: [
      { type: 'Conv2D', filters: 32, kernelSize: [3, 3], activation: 'relu' },
      { type: 'MaxPooling2D', poolSize: [2, 2] },
      { type: 'Conv2D', filters: 64, kernelSize: [3, 3], activation: 'relu' },
      { type: 'MaxPooling2D', poolSize: [2, 2] },
      { type: 'Flatten' },
      { type: 'Dropout', rate: 0.5 },
      { type: 'Dense', units: 10, activation: 'softmax' },
    ],
  };
  const r = inferModel(spec);
  assert.deepEqual(r.layers.map((l) => [l.name, formatShape(l.outputShape), l.params]), [
    ['conv2d', '(None, 26, 26, 32)', 320],
    ['max_pooling2d', '(None, 13, 13, 32)', 0],
    ['conv2d_1', '(None, 11, 11, 64)', 18496],
    ['max_pooling2d_1', '(None, 5, 5, 64)', 0],
    ['flatten', '(None, 1600)', 0],
    ['dropout', '(None, 1600)', 0],
    ['dense', '(None, 10)', 16010],
  ]);
  assert.match(formatSummary(r), /^Total params: 34,826 \(136\.04 KB\)$/m);
});

test('BatchNormalization: 4 x C params, 2 x C non-trainable; sizes in the totals', () => {
  const r = inferModel({
    inputShape: [8, 8, 3],
    layers: [
      { type: 'Conv2D', filters: 16, kernelSize: [3, 3], padding: 'same', useBias: false },
      { type: 'BatchNormalization' },
      { type: 'GlobalAveragePooling2D' },
      { type: 'Dense', units: 10, useBias: false },
    ],
  });
  assert.deepEqual(r.layers.map((l) => [l.params, l.trainableParams, l.nonTrainableParams]), [
    [432, 432, 0], [64, 32, 32], [0, 0, 0], [160, 160, 0],
  ]);
  assert.equal(r.layers[0].formula, '3x3x3x16 = 432');
  assert.equal(r.layers[1].formula, '4x16 = 64 (32 non-trainable)');
  assert.deepEqual([r.totalParams, r.trainableParams, r.nonTrainableParams], [656, 624, 32]);
  const text = formatSummary(r);
  assert.match(text, /^Total params: 656 \(2\.56 KB\)$/m);
  assert.match(text, /^Non-trainable params: 32 \(128\.00 B\)$/m);
});

test('strides, dilation, same/valid padding, zero padding, reshape with -1, Dense on the last axis', () => {
  const r = inferModel({
    inputShape: [9, 7, 2],
    layers: [
      { type: 'ZeroPadding2D', padding: [[1, 0], [2, 3]] }, // 10 x 12
      { type: 'Conv2D', filters: 4, kernelSize: [3, 3], strides: [2, 3], padding: 'same' }, // ceil: 5 x 4
      { type: 'Conv2D', filters: 3, kernelSize: [2, 3], dilationRate: [2, 1] }, // spans 3x3: 3 x 2
      { type: 'MaxPooling2D', poolSize: [2, 2], strides: [1, 1] }, // 2 x 1
      { type: 'AveragePooling2D', poolSize: [3, 3], strides: [2, 2], padding: 'same' }, // 1 x 1
      { type: 'Dense', units: 5 }, // on the channel axis: (None, 1, 1, 5)
      { type: 'Reshape', targetShape: [-1, 1] },
      { type: 'Activation', activation: 'relu' },
      { type: 'Flatten' },
    ],
  });
  assert.deepEqual(r.layers.map((l) => formatShape(l.outputShape)), [
    '(None, 10, 12, 2)', '(None, 5, 4, 4)', '(None, 3, 2, 3)', '(None, 2, 1, 3)', '(None, 1, 1, 3)',
    '(None, 1, 1, 5)', '(None, 5, 1)', '(None, 5, 1)', '(None, 5)',
  ]);
  assert.deepEqual(r.layers.map((l) => l.params), [0, 76, 75, 0, 0, 20, 0, 0, 0]);
});

test('a leading InputLayer sets the input and is not a row; it must agree with inputShape', () => {
  const r = inferModel({ inputShape: [], layers: [{ type: 'InputLayer', shape: [4, 4, 1] }, { type: 'Flatten' }] });
  assert.deepEqual(r.inputShape, [null, 4, 4, 1]);
  assert.deepEqual(r.layers.map((l) => [l.name, l.index, formatShape(l.outputShape)]), [['flatten', 1, '(None, 16)']]);
  assert.throws(
    () => inferModel({ inputShape: [28, 28, 1], layers: [{ type: 'InputLayer', shape: [4, 4, 1] }] }),
    { message: "input_layer: input shape (None, 4, 4, 1) disagrees with the model's inputShape (None, 28, 28, 1)" },
  );
  assert.throws(
    () => inferModel({ inputShape: [4], layers: [{ type: 'Dense', units: 2 }, { type: 'InputLayer', shape: [2] }] }),
    { message: 'input_layer: an InputLayer can only be the first layer of a Sequential model' },
  );
});

test('default names are counted per type and skip explicit names, like Keras', () => {
  const layers: LayerSpec[] = [
    { type: 'InputLayer', shape: [8, 8, 1] },
    { type: 'Conv2D', filters: 1, kernelSize: [1, 1] },
    { type: 'Conv2D', name: 'mine', filters: 1, kernelSize: [1, 1] },
    { type: 'Conv2D', filters: 1, kernelSize: [1, 1] },
    { type: 'MaxPooling2D', poolSize: [2, 2] },
    { type: 'AveragePooling2D', poolSize: [2, 2] },
    { type: 'ZeroPadding2D', padding: [[0, 0], [0, 0]] },
    { type: 'BatchNormalization' },
    { type: 'Activation', activation: 'relu' },
    { type: 'GlobalMaxPooling2D' },
    { type: 'Dense', units: 2 },
    { type: 'Dropout', rate: 0.1 },
    { type: 'Dense', units: 2 },
    { type: 'Reshape', targetShape: [2, 1] },
    { type: 'Flatten' },
    { type: 'GlobalAveragePooling2D' },
  ];
  assert.deepEqual(defaultLayerNames(layers), [
    'input_layer', 'conv2d', 'mine', 'conv2d_1', 'max_pooling2d', 'average_pooling2d', 'zero_padding2d',
    'batch_normalization', 'activation', 'global_max_pooling2d', 'dense', 'dropout', 'dense_1', 'reshape',
    'flatten', 'global_average_pooling2d',
  ]);
});

function shapeError(spec: ModelSpec): ShapeError {
  try {
    inferModel(spec);
  } catch (e) {
    assert.ok(e instanceof ShapeError, `expected a ShapeError, got ${e}`);
    return e;
  }
  assert.fail('expected a ShapeError');
}

test('a kernel larger than its input names the layer and the cause', () => {
  const small = { ...LENET5, inputShape: [8, 8, 1] };
  const e = shapeError(small);
  assert.equal(e.message, "C3: 5x5 kernel is larger than its 4x4 input with padding 'valid'");
  assert.equal(e.layerIndex, 2);
  assert.equal(e.layerName, 'C3');
  assert.equal(e.reason, "5x5 kernel is larger than its 4x4 input with padding 'valid'");
  const dil = shapeError({ inputShape: [6, 6, 1], layers: [{ type: 'Conv2D', filters: 1, kernelSize: [3, 3], dilationRate: [3, 3] }] });
  assert.equal(dil.message, "conv2d: 3x3 kernel with dilation 3x3 (spans 7x7) is larger than its 6x6 input with padding 'valid'");
  const pool = shapeError({ inputShape: [3, 1, 2], layers: [{ type: 'MaxPooling2D', poolSize: [2, 2], padding: 'valid' }] });
  assert.equal(pool.message, "max_pooling2d: 2x2 pool is larger than its 3x1 input with padding 'valid'");
  // With 'same' the same layer is fine.
  assert.deepEqual(inferModel({ inputShape: [3, 1, 2], layers: [{ type: 'MaxPooling2D', poolSize: [2, 2], padding: 'same' }] }).layers[0].outputShape, [null, 2, 1, 2]);
});

test('impossible reshapes', () => {
  const base: LayerSpec[] = [{ type: 'Flatten' }, { type: 'Dense', units: 120 }];
  assert.equal(
    shapeError({ inputShape: [4, 4, 1], layers: [...base, { type: 'Reshape', targetShape: [7, 7, 3] }] }).message,
    'reshape: cannot reshape (None, 120) into (7, 7, 3): 120 values vs 147',
  );
  assert.equal(
    shapeError({ inputShape: [4, 4, 1], layers: [...base, { type: 'Reshape', targetShape: [-1, 7] }] }).message,
    'reshape: cannot reshape (None, 120) into (-1, 7): 120 values are not a multiple of 7',
  );
  assert.equal(
    shapeError({ inputShape: [4, 4, 1], layers: [...base, { type: 'Reshape', targetShape: [-1, -1] }] }).message,
    'reshape: targetShape can contain -1 only once, got (-1, -1)',
  );
  assert.equal(
    shapeError({ inputShape: [4, 4, 1], layers: [...base, { type: 'Reshape', targetShape: [0, 120] }] }).message,
    'reshape: targetShape dimensions must be positive integers (or one -1), got (0, 120)',
  );
});

test('wrong ranks, bad arguments and rules Keras enforces', () => {
  const cases: [ModelSpec, string][] = [
    [{ inputShape: [784], layers: [{ type: 'Conv2D', filters: 6, kernelSize: [5, 5] }] },
      'conv2d: Conv2D needs a 4D input (batch, height, width, channels), got (None, 784); add a Reshape before it'],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'MaxPooling2D', poolSize: [2, 2] }] },
      'max_pooling2d: MaxPooling2D needs a 4D input (batch, height, width, channels), got (None, 784); add a Reshape before it'],
    [{ inputShape: [2, 2, 2, 2], layers: [{ type: 'GlobalAveragePooling2D' }] },
      'global_average_pooling2d: GlobalAveragePooling2D needs a 4D input (batch, height, width, channels), got (None, 2, 2, 2, 2)'],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', name: 'C1', filters: 0, kernelSize: [5, 5] }] },
      'C1: filters must be a positive integer, got 0'],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 2, kernelSize: [5, -1] as never }] },
      'conv2d: kernelSize must be two positive integers, got [5,-1]'],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 2, kernelSize: [3, 3], strides: [2, 2], dilationRate: [2, 2] }] },
      'conv2d: strides 2x2 cannot be combined with dilation 2x2; Keras allows strides > 1 only with dilation 1'],
    [{ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 2, kernelSize: [3, 3], padding: 'full' as never }] },
      "conv2d: padding must be 'valid' or 'same', got 'full'"],
    [{ inputShape: [10], layers: [{ type: 'Dense', units: 2.5 }] }, 'dense: units must be a positive integer, got 2.5'],
    [{ inputShape: [10], layers: [{ type: 'Dense', units: 2, activation: 'leaky_relu' as never }] }, "dense: unknown activation 'leaky_relu'"],
    [{ inputShape: [10], layers: [{ type: 'Dropout', rate: 1 }] }, 'dropout: rate must be a number from 0 up to (not including) 1, got 1'],
    [{ inputShape: [10], layers: [{ type: 'LSTM' } as never] }, "lstm: unsupported layer type 'LSTM'"],
    [{ inputShape: [0, 28, 1], layers: [{ type: 'Flatten' }] }, 'input: the input shape must be a non-empty list of positive integers such as [28, 28, 1], got [0,28,1]'],
    [{ inputShape: [10], layers: [{ type: 'Dense', units: 2, name: 'a' }, { type: 'Dense', units: 2, name: 'a' }] },
      "a: the name 'a' is already used by layer 1; layer names must be unique"],
    [{ inputShape: [10], layers: [{ type: 'Dense', units: 2, name: 'dense' }, { type: 'Dense', units: 2 }] },
      "dense: the name 'dense' is already used by layer 1; layer names must be unique"],
    [{ inputShape: [4, 4, 1], layers: [{ type: 'ZeroPadding2D', padding: [[1, -1], [0, 0]] }] },
      'zero_padding2d: padding[0] (top, bottom) must be two non-negative integers, got [1,-1]'],
  ];
  for (const [spec, message] of cases) assert.equal(shapeError(spec).message, message);
});

test('inferLayer works step by step for partial models (the hover path)', () => {
  const info = inferLayer({ type: 'Conv2D', filters: 16, kernelSize: [5, 5], activation: 'tanh' }, [null, 14, 14, 6], 'C3', 2);
  assert.deepEqual(info, {
    index: 2, name: 'C3', type: 'Conv2D', inputShape: [null, 14, 14, 6], outputShape: [null, 10, 10, 16],
    params: 2416, trainableParams: 2416, nonTrainableParams: 0, formula: '5x5x6x16 + 16 = 2,416',
  });
  // Unknown spatial sizes stay unknown instead of being invented.
  assert.deepEqual(inferLayer({ type: 'Conv2D', filters: 4, kernelSize: [3, 3] }, [null, null, 10, 3], 'c', 0).outputShape, [null, null, 8, 4]);
  assert.deepEqual(inferLayer({ type: 'Flatten' }, [null, null, 10, 3], 'f', 0).outputShape, [null, null]);
  assert.throws(() => inferLayer({ type: 'Dense', units: 3 }, [null, 5, null], 'd', 0), { message: 'd: Dense needs a known last dimension, got (None, 5, None)' });
  assert.throws(() => inferLayer({ type: 'Flatten' }, [28, 28, 1], 'f', 0), /must start with null/);
});

test('formatting helpers', () => {
  assert.equal(formatShape([null, 28, 28, 6]), '(None, 28, 28, 6)');
  assert.equal(formatShape([null]), '(None,)');
  assert.deepEqual([0, 999, 1000, 61706, 1234567].map(formatCount), ['0', '999', '1,000', '61,706', '1,234,567']);
  assert.deepEqual([0, 1023, 1024, 246824, 5 * 1024 ** 2].map(formatBytes), ['0.00 B', '1023.00 B', '1.00 KB', '241.04 KB', '5.00 MB']);
});

test('mutated specs only ever produce results or ShapeErrors (the hover feeds it anything)', async () => {
  const { randomSpec, rng } = await import('./randomSpec');
  const rand = rng(99);
  const junk = [0, -1, 1.5, NaN, Infinity, 1e300, 2 ** 60, '5', null, undefined, true, [], [0], [5], [5, 5, 5], [[1]], {}, 'same', 'tanh', -0];
  let ok = 0;
  let rejected = 0;
  for (let n = 0; n < 3000; n++) {
    const spec = randomSpec(rand) as unknown as { inputShape: unknown; layers: Record<string, unknown>[] };
    const r = rand();
    if (r < 0.1) spec.inputShape = junk[Math.floor(rand() * junk.length)];
    else if (r < 0.15) spec.layers.splice(Math.floor(rand() * spec.layers.length), 0, junk[Math.floor(rand() * junk.length)] as never);
    else {
      const layer = spec.layers[Math.floor(rand() * spec.layers.length)];
      const keys = [...Object.keys(layer), 'filters', 'kernelSize', 'strides', 'padding', 'units', 'rate', 'targetShape', 'poolSize', 'dilationRate', 'activation', 'useBias', 'type', 'shape'];
      layer[keys[Math.floor(rand() * keys.length)]] = junk[Math.floor(rand() * junk.length)];
    }
    try {
      const res = inferModel(spec as unknown as ModelSpec);
      formatSummary(res);
      ok++;
    } catch (e) {
      assert.ok(e instanceof ShapeError, `${(e as Error).stack}\n${JSON.stringify(spec)}`);
      assert.ok(e.message.startsWith(`${e.layerName}: `));
      rejected++;
    }
  }
  assert.ok(ok > 300 && rejected > 300, `${ok} ok, ${rejected} rejected`);
});

test("Keras's published convolutional autoencoder (keras.io/examples/vision/autoencoder): Conv2DTranspose", () => {
  // The summary printed on that page: 28,353 params in all.
  const r = inferModel({
    inputShape: [28, 28, 1],
    layers: [
      { type: 'Conv2D', filters: 32, kernelSize: [3, 3], activation: 'relu', padding: 'same' },
      { type: 'MaxPooling2D', poolSize: [2, 2], padding: 'same' },
      { type: 'Conv2D', filters: 32, kernelSize: [3, 3], activation: 'relu', padding: 'same' },
      { type: 'MaxPooling2D', poolSize: [2, 2], padding: 'same' },
      { type: 'Conv2DTranspose', filters: 32, kernelSize: [3, 3], strides: [2, 2], activation: 'relu', padding: 'same' },
      { type: 'Conv2DTranspose', filters: 32, kernelSize: [3, 3], strides: [2, 2], activation: 'relu', padding: 'same' },
      { type: 'Conv2D', filters: 1, kernelSize: [3, 3], activation: 'sigmoid', padding: 'same' },
    ],
  });
  assert.deepEqual(r.layers.map((l) => [l.name, formatShape(l.outputShape), l.params]), [
    ['conv2d', '(None, 28, 28, 32)', 320],
    ['max_pooling2d', '(None, 14, 14, 32)', 0],
    ['conv2d_1', '(None, 14, 14, 32)', 9248],
    ['max_pooling2d_1', '(None, 7, 7, 32)', 0],
    ['conv2d_transpose', '(None, 14, 14, 32)', 9248],
    ['conv2d_transpose_1', '(None, 28, 28, 32)', 9248],
    ['conv2d_2', '(None, 28, 28, 1)', 289],
  ]);
  assert.equal(r.totalParams, 28353);
  assert.equal(r.layers[4].formula, '3x3x32x32 + 32 = 9,248');
});

test('new layer types: Keras parameter formulas and output sizes', () => {
  const one = (l: LayerSpec, input: (number | null)[]) => inferLayer(l, [null, ...input], 'l', 0);
  // Transposed convolution, valid: n*s + max(k - s, 0); same: n*s.
  assert.deepEqual(one({ type: 'Conv2DTranspose', filters: 16, kernelSize: [3, 3], strides: [2, 2] }, [7, 7, 32]).outputShape, [null, 15, 15, 16]);
  assert.deepEqual(one({ type: 'Conv2DTranspose', filters: 16, kernelSize: [2, 5], strides: [3, 3] }, [4, 4, 1]).outputShape, [null, 12, 14, 16]);
  assert.equal(one({ type: 'Conv2DTranspose', filters: 16, kernelSize: [3, 3], useBias: false }, [7, 7, 32]).params, 3 * 3 * 16 * 32);
  // Depthwise: kh*kw*C*dm + C*dm.
  const dw = one({ type: 'DepthwiseConv2D', kernelSize: [3, 3], depthMultiplier: 2, padding: 'same', strides: [2, 2] }, [28, 28, 32]);
  assert.deepEqual([dw.outputShape, dw.params, dw.formula], [[null, 14, 14, 64], 3 * 3 * 32 * 2 + 64, '3x3x32x2 + 64 = 640']);
  // Separable: depthwise kh*kw*C*dm + pointwise C*dm*filters + filters.
  const sep = one({ type: 'SeparableConv2D', filters: 64, kernelSize: [3, 3] }, [28, 28, 32]);
  assert.deepEqual([sep.outputShape, sep.params, sep.formula], [[null, 26, 26, 64], 288 + 2048 + 64, '3x3x32x1 + 32x64 + 64 = 2,400']);
  assert.equal(one({ type: 'SeparableConv2D', filters: 8, kernelSize: [3, 3], depthMultiplier: 3, useBias: false }, [9, 9, 4]).params, 3 * 3 * 4 * 3 + 4 * 3 * 8);
  assert.deepEqual(one({ type: 'UpSampling2D' }, [7, 5, 3]).outputShape, [null, 14, 10, 3]);
  assert.deepEqual(one({ type: 'UpSampling2D', size: [3, 1] }, [7, 5, 3]).outputShape, [null, 21, 5, 3]);
  assert.deepEqual(one({ type: 'Cropping2D', cropping: [[1, 2], [0, 3]] }, [28, 28, 1]).outputShape, [null, 25, 25, 1]);
  assert.deepEqual(one({ type: 'Permute', dims: [2, 1] }, [10, 64]).outputShape, [null, 64, 10]);
  assert.deepEqual(one({ type: 'Permute', dims: [3, 1, 2] }, [4, 5, 6]).outputShape, [null, 6, 4, 5]);
  assert.deepEqual(one({ type: 'RepeatVector', n: 3 }, [32]).outputShape, [null, 3, 32]);
  for (const l of [
    { type: 'ReLU', maxValue: 6 }, { type: 'LeakyReLU', alpha: 0.1 }, { type: 'ELU' }, { type: 'Softmax' },
    { type: 'SpatialDropout2D', rate: 0.2 }, { type: 'GaussianNoise', stddev: 0.1 }, { type: 'GaussianDropout', rate: 0.3 },
    { type: 'Rescaling', scale: 1 / 255 }, { type: 'RandomFlip' }, { type: 'RandomRotation' }, { type: 'RandomZoom' },
  ] as LayerSpec[]) {
    const i = one(l, [28, 28, 1]);
    assert.deepEqual([i.outputShape, i.params], [[null, 28, 28, 1], 0], l.type);
    assert.equal(i.note !== undefined, l.type.startsWith('Random'), l.type);
  }
  assert.match(one({ type: 'RandomFlip' }, [28, 28, 1]).note!, /identity at inference.*LeNet Lab cannot train/);
  const errors: [LayerSpec, (number | null)[], RegExp][] = [
    [{ type: 'DepthwiseConv2D', kernelSize: [5, 5] }, [4, 4, 3], /^l: 5x5 kernel is larger than its 4x4 input with padding 'valid'$/],
    [{ type: 'SeparableConv2D', filters: 2, kernelSize: [3, 3], depthMultiplier: 0 }, [8, 8, 3], /depthMultiplier must be a positive integer, got 0/],
    [{ type: 'Cropping2D', cropping: [[2, 2], [0, 0]] }, [4, 4, 1], /cropping 2\+2 rows and 0\+0 columns leaves nothing of its 4x4 input/],
    [{ type: 'Permute', dims: [1, 1] }, [4, 5], /dims must be a permutation of \(1, 2\)/],
    [{ type: 'RepeatVector', n: 2 }, [4, 4, 1], /RepeatVector needs a 2D input .*; add a Flatten before it/],
    [{ type: 'SpatialDropout2D', rate: 0.1 }, [10], /SpatialDropout2D needs a 4D input/],
    [{ type: 'GaussianDropout', rate: 1 }, [10], /rate must be a number from 0 up to/],
    [{ type: 'ReLU', maxValue: -1 }, [10], /maxValue must be a non-negative number, got -1/],
    [{ type: 'Rescaling' } as LayerSpec, [10], /scale is missing/],
    [{ type: 'UpSampling2D', size: [0, 2] }, [4, 4, 1], /size must be two positive integers/],
  ];
  for (const [l, input, re] of errors) {
    assert.throws(() => one(l, input), (e: Error) => e instanceof ShapeError && re.test(e.message), `${l.type}: ${re}`);
  }
});
