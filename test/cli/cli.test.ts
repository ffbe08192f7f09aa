// The lenet-lab CLI as a user runs it: the built dist/cli.js in a child process, real worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLI, ensureBuilt, tempDir } from '../worker/helpers';
import { needDebianPackage } from '../shared/prerequisites';

function cli(args: string[], opts: { cwd?: string } = {}) {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SEED_SUMMARY = `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
C1 (Conv2D)                  (None, 28, 28, 6)         156       
_________________________________________________________________
S2 (AveragePooling2D)        (None, 14, 14, 6)         0         
_________________________________________________________________
C3 (Conv2D)                  (None, 10, 10, 16)        2,416     
_________________________________________________________________
S4 (AveragePooling2D)        (None, 5, 5, 16)          0         
_________________________________________________________________
C5 (Conv2D)                  (None, 1, 1, 120)         48,120    
_________________________________________________________________
flatten (Flatten)            (None, 120)               0         
_________________________________________________________________
FC6 (Dense)                  (None, 84)                10,164    
_________________________________________________________________
OUTPUT (Dense)               (None, 10)                850       
=================================================================
Total params: 61,706 (241.04 KB)
Trainable params: 61,706 (241.04 KB)
Non-trainable params: 0 (0.00 B)
_________________________________________________________________
`;

const SEED_JSON = '{"layers":[' +
  '{"name":"C1","type":"Conv2D","outputShape":[null,28,28,6],"params":156},' +
  '{"name":"S2","type":"AveragePooling2D","outputShape":[null,14,14,6],"params":0},' +
  '{"name":"C3","type":"Conv2D","outputShape":[null,10,10,16],"params":2416},' +
  '{"name":"S4","type":"AveragePooling2D","outputShape":[null,5,5,16],"params":0},' +
  '{"name":"C5","type":"Conv2D","outputShape":[null,1,1,120],"params":48120},' +
  '{"name":"flatten","type":"Flatten","outputShape":[null,120],"params":0},' +
  '{"name":"FC6","type":"Dense","outputShape":[null,84],"params":10164},' +
  '{"name":"OUTPUT","type":"Dense","outputShape":[null,10],"params":850}],' +
  '"totalParams":61706,"trainableParams":61706,"nonTrainableParams":0}\n';

test('summary prints the seed\'s Keras table; --json the exact object', () => {
  const text = cli(['summary']);
  assert.equal(text.code, 0);
  assert.equal(text.stdout, SEED_SUMMARY);
  assert.equal(text.stderr, '');
  const json = cli(['summary', '--json']);
  assert.equal(json.code, 0);
  assert.equal(json.stdout, SEED_JSON);
});

test('summary FILE reads a *.lenet.json model; a broken one is one line and exit 1', (t) => {
  const dir = tempDir(t, 'lenet-cli-');
  const good = join(dir, 'small.lenet.json');
  writeFileSync(good, JSON.stringify({
    name: 'small', inputShape: [28, 28, 1],
    layers: [{ type: 'Conv2D', name: 'c', filters: 4, kernelSize: [3, 3] }, { type: 'Flatten' }, { type: 'Dense', name: 'out', units: 10, activation: 'softmax' }],
  }));
  const r = cli(['summary', '--json', good]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(s.layers.map((l: { outputShape: unknown }) => l.outputShape), [[null, 26, 26, 4], [null, 2704], [null, 10]]);
  assert.equal(s.totalParams, 4 * 9 + 4 + 2704 * 10 + 10);

  const bad = join(dir, 'bad.lenet.json');
  writeFileSync(bad, JSON.stringify({ inputShape: [4, 4, 1], layers: [{ type: 'Conv2D', name: 'C3', filters: 1, kernelSize: [5, 5] }] }));
  const e = cli(['summary', bad]);
  assert.equal(e.code, 1);
  assert.equal(e.stdout, '');
  assert.match(e.stderr, /^lenet-lab: error: .*C3: 5x5 kernel is larger than its 4x4 input/);
  assert.equal(e.stderr.trim().split('\n').length, 1);
  const missing = cli(['summary', join(dir, 'nope.lenet.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^lenet-lab: error: model file not found: .*nope\.lenet\.json\n$/);
});

test('bad arguments: one line on stderr, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--epochs', 'x'], /^lenet-lab: usage: --epochs must be a whole decimal number from 1 to 100000, got 'x'\n$/],
    [['train', '--epochs', '0'], /^lenet-lab: usage: --epochs must be a whole decimal number from 1 to 100000, got '0'\n$/],
    [['train', '--learning-rate', '-0.1'], /^lenet-lab: usage: --learning-rate must be a decimal number > 0 and at most 3\.4e\+38, got '-0\.1'\n$/],
    [['train', '--optimizer', 'adagrad'], /^lenet-lab: usage: --optimizer must be one of sgd, momentum, adam, rmsprop, got 'adagrad'\n$/],
    [['train', '--frobnicate'], /^lenet-lab: usage: unknown option --frobnicate for 'train' \(see lenet-lab train --help\)\n$/],
    [['train', '--epochs'], /^lenet-lab: usage: --epochs needs a value/],
    [['summary', 'a.json', 'b.json'], /^lenet-lab: usage: unexpected argument 'b.json' for 'summary'/],
    [['fly'], /^lenet-lab: usage: unknown command 'fly'/],
    [['train', '--dataset', 'cifar10'], /^lenet-lab: usage: --dataset: Unknown dataset "cifar10"\. Valid names: auto, mnist-sample, mnist, fashion-mnist, idx:<folder>, npz:<file>\.\n$/],
    [['evaluate', '--dataset', 'idx:'], /^lenet-lab: usage: --dataset: Dataset "idx:": give a folder after "idx:"/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  }
  assert.equal(cli([]).code, 2);
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /lenet-lab train \[options\]/);
});

test('train --json emits every event as a JSON line; evaluate --json reports on the run', (t) => {
  const out = tempDir(t, 'lenet-cli-');
  const r = cli(['train', '--json', '--dataset', 'mnist-sample', '--limit', '128', '--epochs', '2', '--batch-size', '32', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 5), ['ready', 'dataset', 'summary', 'trainStep', 'epochBegin']);
  // LeNet-5 with SGD: the fused step on wasm, tfjs's own step elsewhere.
  const step = events[3];
  if (events[0].backend === 'wasm') {
    assert.match(step.name, /^wasm-fused/);
    assert.match(step.label, /^fused wasm \((1 thread|2 threads)\)$/);
  } else {
    assert.equal(step.label, `tfjs (${events[0].backend})`);
  }
  assert.equal(step.reason, undefined);
  assert.equal(types.at(-1), 'done');
  assert.equal(types.filter((x) => x === 'epochEnd').length, 2);
  assert.ok(types.includes('batchEnd'));
  const done = events.at(-1);
  assert.equal(done.history.length, 2);
  assert.ok(existsSync(join(done.runDir, 'model.json')));
  assert.ok(done.runDir.startsWith(out));

  const ev = cli(['evaluate', '--json', '--out', out]);
  assert.equal(ev.code, 0, ev.stderr);
  const evaluation = ev.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'evaluation');
  assert.equal(evaluation.modelDir, done.runDir);
  assert.equal(evaluation.confusion.flat().reduce((a: number, b: number) => a + b, 0), 2000);
  assert.ok(Math.abs(evaluation.acc - done.history[1].val_acc) < 1e-9);
  // Every misclassified image, by cell: as many as the matrix's off-diagonal counts.
  const wrong = 2000 - evaluation.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0);
  assert.ok(wrong > 100, `${wrong} misclassified after 8 steps`);
  type Cell = { label: number; predicted: number; indices: number[]; probability: number[]; trueProbability: number[] };
  const cells: Cell[] = evaluation.misclassified;
  assert.equal(cells.reduce((a, c) => a + c.indices.length, 0), wrong);
  for (const c of cells) {
    assert.equal(c.indices.length, evaluation.confusion[c.label][c.predicted]);
    assert.equal(c.probability.length, c.indices.length);
    assert.equal(c.trueProbability.length, c.indices.length);
  }
  assert.equal(evaluation.averages.macro.support, 2000);
  assert.equal(evaluation.averages.weighted.support, 2000);

  // The text report has scikit-learn's accuracy, macro avg and weighted avg rows, with the same numbers.
  const text = cli(['evaluate', '--out', out]);
  assert.equal(text.code, 0, text.stderr);
  const f4 = (x: number) => x.toFixed(4);
  const { macro, weighted } = evaluation.averages;
  assert.match(text.stdout, new RegExp(`^accuracy {23,}${f4(evaluation.acc)} +2000$`, 'm'));
  assert.match(text.stdout, new RegExp(`^macro avg +${f4(macro.precision)} +${f4(macro.recall)} +${f4(macro.f1)} +2000$`, 'm'));
  assert.match(text.stdout, new RegExp(`^weighted avg +${f4(weighted.precision)} +${f4(weighted.recall)} +${f4(weighted.f1)} +2000$`, 'm'));
  assert.match(text.stdout, new RegExp(`^${wrong.toLocaleString('en-US')} of 2,000 test images misclassified \\(--json lists every one`, 'm'));
});

test('train without a terminal prints one line per epoch', (t) => {
  const out = tempDir(t, 'lenet-cli-');
  const r = cli(['train', '--dataset', 'mnist-sample', '--limit', '128', '--epochs', '2', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Backend: (wasm|tensorflow|cpu) \(/);
  assert.match(lines[1], /^Dataset: mnist-sample: 128 of 8,000 train \/ 2,000 test images \(.*\)$/);
  assert.ok(r.stdout.includes('Total params: 61,706 (241.04 KB)'));
  assert.match(lines.find((l) => l.startsWith('Training step: ')) ?? '', lines[0].startsWith('Backend: wasm') ? /^Training step: fused wasm \((1 thread|2 threads)\)$/ : /^Training step: tfjs \(/);
  const epochs = lines.filter((l) => l.startsWith('Epoch '));
  assert.equal(epochs.length, 2);
  for (const [i, l] of epochs.entries()) {
    assert.match(l, new RegExp(`^Epoch ${i + 1}/2 - \\d+s \\d+ms/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4} - val_accuracy: \\d\\.\\d{4}$`));
  }
  assert.match(r.stdout, /Run saved in .* \(best val_accuracy 0\.\d{4} at epoch \d, in best\/\)/);
  assert.ok(!r.stdout.includes('\r') && !r.stdout.includes('\x1b'), 'no terminal control codes in a log');
});

test('a corrupt IDX folder: exit 1 with a one-line message', (t) => {
  const dir = tempDir(t, 'lenet-cli-');
  const idx = join(dir, 'data');
  mkdirSync(idx);
  const header = (magic: number, dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  // Images claim 10 images but hold only 3; labels are fine.
  writeFileSync(join(idx, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([header(0x803, [10, 28, 28]), Buffer.alloc(3 * 784)])));
  writeFileSync(join(idx, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.concat([header(0x801, [10]), Buffer.alloc(10)])));
  writeFileSync(join(idx, 't10k-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([header(0x803, [2, 28, 28]), Buffer.alloc(2 * 784)])));
  writeFileSync(join(idx, 't10k-labels-idx1-ubyte.gz'), gzipSync(Buffer.concat([header(0x801, [2]), Buffer.alloc(2)])));
  const r = cli(['train', '--dataset', `idx:${idx}`, '--epochs', '1', '--out', join(dir, 'runs')]);
  assert.equal(r.code, 1);
  const err = r.stderr.trim().split('\n');
  assert.equal(err.length, 1, r.stderr);
  assert.match(err[0], /^lenet-lab: error: .*train-images-idx3-ubyte\.gz/);
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
});

test('Ctrl+C stops training at a batch boundary, saves the weights, exits 130', async (t) => {
  ensureBuilt();
  const out = tempDir(t, 'lenet-cli-');
  const child = spawn(process.execPath, [CLI, 'train', '--dataset', 'mnist-sample', '--epochs', '5', '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/"type":"batchEnd"/.test(stdout) && !child.killed) {
        child.kill('SIGINT');
        resolve();
      }
    });
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  const events = stdout.trim().split('\n').map((l) => JSON.parse(l));
  const types = events.map((e) => e.type);
  assert.ok(types.includes('stopped'), types.join(','));
  const done = events.at(-1);
  assert.equal(done.type, 'done');
  assert.equal(done.stopped, true);
  assert.ok(existsSync(join(done.runDir, 'model.json')));
  assert.match(stderr, /Stopping at the next batch/);
});

test('a closed output pipe (train --json | head): exit 141, no EPIPE stack trace', async (t) => {
  ensureBuilt();
  const out = tempDir(t, 'lenet-cli-');
  const child = spawn(process.execPath, [CLI, 'train', '--dataset', 'mnist-sample', '--epochs', '5', '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Read the first line, then close our end like `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 141, stderr);
  assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
});

test('train --model FILE trains that model; a model that does not fit the data is exit 1', (t) => {
  const dir = tempDir(t, 'lenet-cli-');
  const file = join(dir, 'mlp.lenet.json');
  writeFileSync(file, JSON.stringify({
    name: 'mlp', inputShape: [28, 28, 1],
    layers: [{ type: 'Flatten' }, { type: 'Dense', name: 'hidden', units: 32, activation: 'relu' }, { type: 'Dense', name: 'out', units: 10, activation: 'softmax' }],
  }));
  const r = cli(['train', '--json', '--model', file, '--dataset', 'mnist-sample', '--limit', '1280', '--batch-size', '32', '--epochs', '1', '--optimizer', 'adam', '--learning-rate', '0.001', '--out', join(dir, 'runs')]);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = events.find((e) => e.type === 'summary');
  assert.deepEqual(summary.layers.map((l: { name: string }) => l.name), ['flatten', 'hidden', 'out']);
  assert.equal(summary.totalParams, 784 * 32 + 32 + 32 * 10 + 10);
  const done = events.at(-1);
  assert.equal(done.type, 'done');
  assert.ok(done.history[0].val_acc > 0.5, `an MLP learns something in one epoch: ${done.history[0].val_acc}`);

  const wrong = join(dir, 'wrong.lenet.json');
  writeFileSync(wrong, JSON.stringify({ inputShape: [28, 28, 1], layers: [{ type: 'Flatten' }, { type: 'Dense', units: 5, activation: 'softmax' }] }));
  const e = cli(['train', '--model', wrong, '--dataset', 'mnist-sample', '--out', join(dir, 'runs')]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /^lenet-lab: error: the last layer dense outputs \(None, 5\) but the labels have 10 classes/);
  assert.equal(e.stderr.trim().split('\n').length, 1);
});

const hasTfjsNode = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

test('a forced backend that cannot load: exit 1, one line naming it', { skip: hasTfjsNode && 'tfjs-node is installed here' }, (t) => {
  const out = tempDir(t, 'lenet-cli-');
  const r = cli(['train', '--backend', 'tensorflow', '--dataset', 'mnist-sample', '--limit', '64', '--out', out]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'lenet-lab: error: the tensorflow backend could not start: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node for native speed); choose backend auto (or another one)\n');
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('on a terminal: Keras header, in-place progress bar, final epoch line', (t) => {
  needDebianPackage(hasScript, 'bsdutils', 'util-linux script (a pseudo-terminal)');
  ensureBuilt();
  const out = tempDir(t, 'lenet-cli-');
  const cmd = [process.execPath, CLI, 'train', '--dataset', 'mnist-sample', '--limit', '256', '--epochs', '2', '--out', out].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const text = r.stdout.replace(/\r\n/g, '\n');
  assert.match(text, /\nEpoch 1\/2\n/);
  /* eslint-disable no-control-regex -- the terminal's erase-line escape (ESC [K) is what is checked */
  assert.match(text, /\r1\/4 \[[=>.]{30}\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}\x1b\[K/);
  assert.match(text, /\r4\/4 \[={30}\] - \d+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}\x1b\[K\nEpoch 2\/2\n/);
  /* eslint-enable no-control-regex */
});
