import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOutputDirectory, readTrainSettings, settingsErrorMessage } from '../../src/host/settings';

const ctx = { workspaceFolder: '/ws', globalStorage: '/gs' };
const getter = (values: Record<string, unknown>) => (k: string) => values[k];

test('defaults (nothing set) give the seed configuration and the default folders', () => {
  const r = readTrainSettings(getter({}), ctx);
  assert.ok(r.ok);
  assert.deepEqual(r.config, {
    dataset: 'auto', epochs: 50, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', backend: 'auto',
    seed: 42, limit: 0, outDir: '/ws/.lenet/runs', cacheDir: '/gs/datasets',
  });
  const noFolder = readTrainSettings(getter({}), { globalStorage: '/gs' });
  assert.ok(noFolder.ok);
  assert.equal(noFolder.config.outDir, '/gs/runs');
});

test('valid explicit values are passed through; paths are resolved against the workspace', () => {
  const r = readTrainSettings(getter({
    epochs: 2, batchSize: 60000, learningRate: 0.5, optimizer: 'adam', backend: 'wasm', seed: 0,
    dataLimit: 2000, dataset: 'idx:data/mnist', outputDirectory: 'out/runs',
  }), ctx);
  assert.ok(r.ok);
  assert.equal(r.config.dataset, 'idx:/ws/data/mnist');
  assert.equal(r.config.outDir, '/ws/out/runs');
  assert.equal(r.config.batchSize, 60000);
  assert.equal(r.config.limit, 2000);
  const abs = readTrainSettings(getter({ dataset: 'npz:/data/mnist.npz', outputDirectory: '${workspaceFolder}/x' }), ctx);
  assert.ok(abs.ok);
  assert.equal(abs.config.dataset, 'npz:/data/mnist.npz');
  assert.equal(abs.config.outDir, '/ws/x');
  for (const dataset of ['mnist', 'fashion-mnist', 'mnist-sample', 'auto']) {
    const d = readTrainSettings(getter({ dataset }), ctx);
    assert.ok(d.ok && d.config.dataset === dataset, dataset);
  }
});

test('each invalid value is named with the value and the rule; nothing is started', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ epochs: 0 }, /"lenet\.epochs" must be a whole number from 1 to 100,000, but it is 0\./],
    [{ epochs: 2.5 }, /"lenet\.epochs" must be a whole number/],
    [{ epochs: '10' }, /"lenet\.epochs" .* but it is "10"/],
    [{ batchSize: 0 }, /"lenet\.batchSize" must be a whole number from 1 to 60,000/],
    [{ batchSize: 60001 }, /"lenet\.batchSize"/],
    [{ learningRate: 'abc' }, /"lenet\.learningRate" must be a number greater than 0 \(for example 0\.01\), but it is "abc"\./],
    [{ learningRate: 0 }, /"lenet\.learningRate" .* but it is 0\./],
    [{ learningRate: -1 }, /"lenet\.learningRate"/],
    [{ learningRate: Infinity }, /"lenet\.learningRate"/],
    [{ optimizer: 'SGD' }, /"lenet\.optimizer" must be one of sgd, momentum, adam, rmsprop, but it is "SGD"/],
    [{ backend: 'gpu' }, /"lenet\.backend" must be one of auto, tensorflow, wasm, cpu/],
    [{ seed: -1 }, /"lenet\.seed" must be a whole number from 0 to 4,294,967,295/],
    [{ dataLimit: -5 }, /"lenet\.dataLimit" must be a whole number >= 0, but it is -5/],
    [{ dataset: 'cifar10' }, /"lenet\.dataset" must be auto, mnist-sample, mnist, fashion-mnist, idx:<folder/],
    [{ dataset: 'idx:' }, /"lenet\.dataset" needs a path after "idx:"/],
    [{ dataset: 42 }, /"lenet\.dataset"/],
    [{ outputDirectory: 5 }, /"lenet\.outputDirectory" must be a folder path/],
    [{ epochs: { a: 1 } }, /but it is an object/],
  ];
  for (const [values, rule] of cases) {
    const r = readTrainSettings(getter(values), ctx);
    assert.equal(r.ok, false, JSON.stringify(values));
    if (!r.ok) {
      assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
      assert.match(r.errors[0], rule);
    }
  }
});

test('several invalid values are all reported in one message', () => {
  const r = readTrainSettings(getter({ epochs: 0, learningRate: 'abc' }), ctx);
  assert.ok(!r.ok);
  assert.equal(r.errors.length, 2);
  const msg = settingsErrorMessage(r.errors);
  assert.match(msg, /^LeNet: 2 invalid settings, training not started\. "lenet\.epochs".*"lenet\.learningRate".*search "lenet"/);
});

test('a relative dataset path needs an open folder', () => {
  const r = readTrainSettings(getter({ dataset: 'idx:data' }), { globalStorage: '/gs' });
  assert.ok(!r.ok);
  assert.match(r.errors[0], /absolute path when no folder is open/);
});

test('readOutputDirectory falls back to the default for bad values', () => {
  assert.equal(readOutputDirectory(getter({ outputDirectory: 7 }), ctx), '/ws/.lenet/runs');
  assert.equal(readOutputDirectory(getter({ outputDirectory: '/abs' }), ctx), '/abs');
});
