import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { parseWorkerCommand, parseWorkerEvent } from '../../src/shared/protocolValidate';

const v = PROTOCOL_VERSION;
const probs = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
const eye = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 5 : 0)));
const pc = Array.from({ length: 10 }, () => ({ precision: 1, recall: 1, f1: 1, support: 5 }));
const hist = { epoch: 1, loss: 0.5, acc: 0.8, val_loss: 0.6, val_acc: 0.7, seconds: 3 };

const goodEvents: unknown[] = [
  { v, type: 'ready', backend: 'wasm', reason: 'tfjs-node not installed', versions: { tfjs: '4.22.0' } },
  { v, type: 'downloadProgress', file: 'a.gz', bytes: 10, total: 0 },
  { v, type: 'dataset', name: 'mnist-sample', source: 'bundled', train: 8000, test: 2000, classes: ['0', '1'] },
  { v, type: 'dataset', name: 'mnist-sample', source: 'bundled', train: 2000, available: 8000, test: 2000, classes: ['0', '1'] },
  { v, type: 'summary', layers: [{ name: 'C1', type: 'Conv2D', outputShape: [null, 28, 28, 6], params: 156 }], totalParams: 156, trainableParams: 156, nonTrainableParams: 0 },
  { v, type: 'epochBegin', epoch: 1, epochs: 50, batches: 938 },
  { v, type: 'batchEnd', epoch: 1, batch: 3, batches: 938, loss: 2.3, acc: 0.1 },
  { v, type: 'batchEnd', epoch: 1, batch: 3, batches: 938, loss: NaN, acc: 0.1 }, // diverged, still reported
  { v, type: 'epochEnd', epochs: 50, samplesPerSecond: 1500, numTensors: 20, ...hist },
  { v, type: 'epochEnd', epochs: 50, samplesPerSecond: 1500, ...hist },
  { v, type: 'stopped', epoch: 1, batch: 0 },
  { v, type: 'done', history: [hist], runDir: '/tmp/r', stopped: false },
  { v, type: 'evaluation', modelDir: '/m', dataset: 'd', classes: [], loss: 0.3, acc: 1, confusion: eye, perClass: pc,
    misclassified: [{ index: 3, label: 1, predicted: 2, probabilities: probs, pixels: new Array(784).fill(255) }] },
  { v, type: 'prediction', id: 7, probabilities: probs },
  { v, type: 'activations', id: 3, model: '/runs/r', input: { kind: 'test', index: 4, label: 9, dataset: 'mnist', shape: [2], values: [0, 1] },
    layers: [{ name: 'C1', type: 'Conv2D', shape: [1, 1, 2], min: NaN, max: Infinity, mean: NaN, values: [NaN, Infinity], // diverged
      window: { kernel: [5, 5], strides: [1, 1], padding: 'same', dilation: [1, 1] } }],
    kernels: [{ layer: 'C1', name: 'C1/kernel', shape: [1, 1, 1, 2], min: -1, max: 1, mean: 0, values: [-1], shown: [1, 1, 1, 1] }], notes: ['C1/kernel: cut'] },
  { v, type: 'log', level: 'warn', message: 'cpu is slow' },
  { v, type: 'error', code: 'BAD_CONFIG', message: 'epochs must be an integer >= 1' },
  { v, type: 'error', code: 'MODEL', message: 'model.json is not JSON', id: 7 },
];

test('every valid event passes unchanged', () => {
  for (const e of goodEvents) assert.equal(parseWorkerEvent(e), e);
});

const badEvents: [unknown, RegExp][] = [
  [null, /must be an object/],
  [[], /must be an object/],
  [{ type: 'log', level: 'info', message: 'x' }, /protocol version undefined, expected 1/],
  [{ v: v + 1, type: 'log', level: 'info', message: 'x' }, /protocol version 2/],
  [{ v, type: 'bogus' }, /unknown type "bogus"/],
  [{ v, type: 'toString' }, /unknown type "toString"/],
  [{ v, type: 'ready', backend: 'gpu', reason: '', versions: {} }, /ready\.backend must be one of/],
  [{ v, type: 'ready', backend: 'cpu', reason: '', versions: { a: 1 } }, /ready\.versions\.a must be a string/],
  [{ v, type: 'batchEnd', epoch: 1, batch: 1.5, batches: 3, loss: 1, acc: 1 }, /batchEnd\.batch must be an integer >= 1/],
  [{ v, type: 'batchEnd', epoch: 1, batch: 1, batches: 3, loss: '1', acc: 1 }, /batchEnd\.loss must be a number/],
  [{ v, type: 'epochEnd', epochs: 5, samplesPerSecond: Infinity, ...hist }, /samplesPerSecond must be a finite number/],
  [{ v, type: 'epochEnd', epochs: 5, samplesPerSecond: 1, numTensors: -1, ...hist }, /numTensors must be an integer >= 0/],
  [{ v, type: 'done', history: [{ ...hist, epoch: 0 }], runDir: '/r', stopped: false }, /done\.history\[0\]\.epoch/],
  [{ v, type: 'prediction', id: 1, probabilities: probs.slice(1) }, /must have 10 items, got 9/],
  [{ v, type: 'prediction', id: 1, probabilities: [...probs.slice(1), 2] }, /probabilities\[9\] must be a probability/],
  [{ v, type: 'evaluation', modelDir: '/m', dataset: 'd', classes: [], loss: 0, acc: 1, confusion: eye.slice(1), perClass: pc, misclassified: [] }, /confusion must have 10 items/],
  [{ v, type: 'evaluation', modelDir: '/m', dataset: 'd', classes: [], loss: 0, acc: 1, confusion: eye, perClass: pc,
    misclassified: [{ index: 0, label: 1, predicted: 2, probabilities: probs, pixels: [1, 2] }] }, /pixels must have 784 items/],
  [{ v, type: 'summary', layers: [{ name: 'C1', type: 'Conv2D', outputShape: [null, -1], params: 1 }], totalParams: 1, trainableParams: 1, nonTrainableParams: 0 }, /outputShape\[1\]/],
  [{ v, type: 'error', code: 'OOPS', message: 'x' }, /error\.code must be one of/],
  [{ v, type: 'error', code: 'MODEL', message: 'x', id: '7' }, /error\.id must be an integer/],
  [{ v, type: 'log', level: 'debug', message: 'x' }, /log\.level/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'drawn', shape: [], values: [] }, layers: [], kernels: [], notes: [] }, /activations\.input\.kind must be one of pixels, test/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'pixels', shape: [1], values: [NaN] }, layers: [], kernels: [], notes: [] }, /activations\.input\.values\[0\] must be a finite number/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'pixels', shape: [1], values: [0] }, kernels: [], notes: [],
    layers: [{ name: 'C1', type: 'Conv2D', shape: [1], min: 0, max: 0, mean: 0, values: [0, '1'] }] }, /activations\.layers\[0\]\.values\[1\] must be a number/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'pixels', shape: [1], values: [0] }, kernels: [], notes: [],
    layers: [{ name: 'S2', type: 'MaxPooling2D', shape: [1], min: 0, max: 0, mean: 0, values: [0], window: { kernel: [2, 2], strides: [0, 2], padding: 'valid', dilation: [1, 1] } }] },
  /activations\.layers\[0\]\.window\.strides\[0\] must be an integer >= 1/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'pixels', shape: [1], values: [0] }, kernels: [], notes: [],
    layers: [{ name: 'S2', type: 'MaxPooling2D', shape: [1], min: 0, max: 0, mean: 0, values: [0], window: { kernel: [2, 2], strides: [2, 2], padding: 'full', dilation: [1, 1] } }] },
  /activations\.layers\[0\]\.window\.padding must be one of valid, same/],
  [{ v, type: 'activations', id: 1, model: '/m', input: { kind: 'pixels', shape: [1], values: [0] }, layers: [], notes: [],
    kernels: [{ layer: 'C1', name: 'k', shape: [1], min: 0, max: 0, mean: 0, values: [], shown: [-1] }] }, /activations\.kernels\[0\]\.shown\[0\] must be an integer >= 0/],
  [{ v, type: 'dataset', name: 'd', source: 's', train: 2000, available: '8000', test: 1, classes: [] }, /dataset\.available must be an integer >= 0/],
];

test('invalid events are rejected with the path of the bad field', () => {
  for (const [e, re] of badEvents) {
    const r = parseWorkerEvent(e);
    assert.equal(typeof r, 'string', JSON.stringify(e));
    assert.match(r as string, re);
  }
});

const config = {
  dataset: 'mnist-sample', epochs: 1, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'auto',
  seed: 1, limit: 0, outDir: '/tmp/runs', cacheDir: '/tmp/cache',
};

test('commands: valid ones pass, invalid ones say why', () => {
  const good: unknown[] = [
    { v, type: 'train', config },
    { v, type: 'train', config: { ...config, model: { inputShape: [28, 28, 1], layers: [] } } },
    { v, type: 'stop' },
    { v, type: 'evaluate' },
    { v, type: 'evaluate', modelDir: '/m', dataset: 'mnist', backend: 'wasm' },
    { v, type: 'predict', id: 1, pixels: new Array(784).fill(0.5) },
    { v, type: 'activations', id: 2, modelDir: '/m/best', pixels: new Array(784).fill(0.5), layer: 'C1' },
    { v, type: 'activations', id: 3, outDir: '/runs', testIndex: 12, cacheDir: '/c' },
    { v, type: 'shutdown' },
  ];
  for (const c of good) assert.equal(parseWorkerCommand(c), c);
  const bad: [unknown, RegExp][] = [
    [{ v, type: 'train' }, /train\.config must be an object/],
    [{ v, type: 'train', config: { ...config, epochs: 'x' } }, /train\.config\.epochs must be a finite number/],
    [{ v, type: 'train', config: { ...config, outDir: undefined } }, /train\.config\.outDir must be a string/],
    [{ v, type: 'evaluate', backend: 'gpu' }, /evaluate\.backend/],
    [{ v, type: 'predict', id: 1, pixels: new Array(783).fill(0) }, /must have 784 items, got 783/],
    [{ v, type: 'predict', id: 1, pixels: [...new Array(783).fill(0), NaN] }, /pixels\[783\] must be a finite number/],
    [{ v, type: 'activations', id: 1.5, testIndex: 0 }, /activations\.id must be an integer/],
    [{ v, type: 'activations', id: 1, pixels: [0, Infinity] }, /activations\.pixels\[1\] must be a finite number/],
    [{ v, type: 'activations', id: 1, testIndex: '3' }, /activations\.testIndex must be an integer/],
    [{ v, type: 'activations', id: 1, testIndex: 3, layer: 5 }, /activations\.layer must be a string/],
    [{ v: 0, type: 'stop' }, /protocol version 0/],
    [{ v, type: 'fly' }, /unknown type/],
  ];
  for (const [c, re] of bad) {
    const r = parseWorkerCommand(c);
    assert.equal(typeof r, 'string', JSON.stringify(c));
    assert.match(r as string, re);
  }
});
