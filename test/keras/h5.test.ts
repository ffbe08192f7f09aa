// Keras .h5 export and import end to end: a real run trained by the CLI, exported with
// `lenet-lab export`, read back by two independent HDF5 readers (jsfive, and h5py the way Keras's
// own loader walks the file), a plain-JS forward pass from the file's weights alone matching our
// model's predictions, and `evaluate --model FILE.h5` reproducing the run's evaluation exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as jsfive from 'jsfive';
import { loadModel } from '../../src/worker/runDir';
import { CLI, ensureBuilt } from '../worker/helpers';
import { forward, type Weights } from './forward';

tf.env().set('PROD', true);

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
let runDir = '';
let h5File = '';
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lenet-h5-'));
  const t = cli(['train', '--dataset', 'mnist-sample', '--epochs', '1', '--limit', '1024', '--optimizer', 'adam', '--learning-rate', '0.003', '--seed', '7', '--out', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);
  h5File = join(dir, 'lenet.h5');
  const e = cli(['export', runDir, '--format', 'h5', '--out', h5File]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /^Exported .* to .*lenet\.h5 \(Keras 2\.13\.1 HDF5, 61,706 parameters\)\n$/);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** HDF5 fixed-length strings come back NUL-padded from jsfive. */
const clean = (x: unknown) => (typeof x === 'string' ? x.replace(/\0+$/, '') : x);
const cleanList = (x: unknown) => (Array.isArray(x) ? x.map(clean) : x);

function openJsfive(path: string) {
  const b = readFileSync(path);
  return new jsfive.File(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, 'lenet.h5');
}

const LAYERS = ['C1', 'S2', 'C3', 'S4', 'C5', 'flatten', 'FC6', 'OUTPUT'];
const SHAPES: Record<string, [number[], number[]]> = {
  C1: [[5, 5, 1, 6], [6]], C3: [[5, 5, 6, 16], [16]], C5: [[5, 5, 16, 120], [120]], FC6: [[120, 84], [84]], OUTPUT: [[84, 10], [10]],
};

test('jsfive reads Keras\'s groups, attributes, model_config and weight shapes', () => {
  const f = openJsfive(h5File);
  assert.equal(f.attrs.keras_version, '2.13.1');
  assert.equal(f.attrs.backend, 'tensorflow');
  const config = JSON.parse(clean(f.attrs.model_config) as string);
  assert.equal(config.class_name, 'Sequential');
  assert.equal(config.config.name, 'sequential');
  const layers = config.config.layers;
  assert.deepEqual(layers.map((l: { class_name: string }) => l.class_name),
    ['InputLayer', 'Conv2D', 'AveragePooling2D', 'Conv2D', 'AveragePooling2D', 'Conv2D', 'Flatten', 'Dense', 'Dense']);
  assert.deepEqual(layers[0].config, { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, ragged: false, name: 'C1_input' });
  assert.deepEqual(layers[1].config, {
    name: 'C1', trainable: true, dtype: 'float32', batch_input_shape: [null, 28, 28, 1], filters: 6, kernel_size: [5, 5],
    strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'tanh',
    use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null,
    activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
  });
  assert.deepEqual(layers[2].config, { name: 'S2', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' });
  assert.equal(layers[3].config.padding, 'valid');
  assert.equal(layers[3].config.batch_input_shape, undefined, 'only the first layer carries the input shape');
  assert.deepEqual(layers[6].config, { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' });
  assert.equal(layers[8].config.units, 10);
  assert.equal(layers[8].config.activation, 'softmax');

  const mw = f.get('model_weights');
  assert.deepEqual(cleanList(mw.attrs.layer_names), LAYERS);
  assert.equal(clean(mw.attrs.backend), 'tensorflow');
  assert.equal(clean(mw.attrs.keras_version), '2.13.1');
  assert.deepEqual([...mw.keys].sort(), [...LAYERS, 'top_level_model_weights'].sort());
  for (const name of LAYERS) {
    const names = cleanList(f.get(`model_weights/${name}`).attrs.weight_names) as string[];
    if (!SHAPES[name]) {
      assert.deepEqual(names, [], `${name} has no weights`);
      continue;
    }
    assert.deepEqual(names, [`${name}/kernel:0`, `${name}/bias:0`]);
    const kernel = f.get(`model_weights/${name}/${name}/kernel:0`);
    const bias = f.get(`model_weights/${name}/${name}/bias:0`);
    assert.deepEqual([kernel.shape, bias.shape], SHAPES[name]);
    assert.equal(kernel.dtype, '<f4');
  }
  assert.deepEqual(cleanList(f.get('model_weights/top_level_model_weights').attrs.weight_names), []);
});

/** A Python with h5py: Debian's python3-h5py (the python3 on PATH may be another install). */
function pythonWithH5py(): string {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(py, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0) return py;
  }
  assert.fail('h5py is not installed: this test reads the .h5 with h5py like Keras does (Debian: apt-get install python3-h5py)');
}

// Keras's loader, trimmed to what it reads (legacy_h5_format.load_model_from_hdf5 and
// load_weights_from_hdf5_group): model_config (decoded if bytes), then layer_names, each layer's
// weight_names, and the datasets they name.
const KERAS_READER = String.raw`
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
def attr_list(g, name):
    return [n.decode("utf8") if hasattr(n, "decode") else n for n in g.attrs[name]]
mc = f.attrs.get("model_config")
if hasattr(mc, "decode"): mc = mc.decode("utf-8")
cfg = json.loads(mc)
g = f["model_weights"]
out = {
  "keras_version": f.attrs["keras_version"], "backend": f.attrs["backend"],
  "weights_keras_version": g.attrs["keras_version"].decode("utf8"),
  "class_name": cfg["class_name"], "n_layers": len(cfg["config"]["layers"]),
  "layer_names": attr_list(g, "layer_names"), "weights": {},
  "top_level": attr_list(g["top_level_model_weights"], "weight_names"),
}
for name in out["layer_names"]:
    out["weights"][name] = [[w, list(g[name][w].shape), str(g[name][w].dtype), float(g[name][w][()].sum())]
                            for w in attr_list(g[name], "weight_names")]
print(json.dumps(out))
`;

test('h5py walks the file the way Keras\'s loader does and finds the same weights as jsfive', () => {
  const py = pythonWithH5py();
  const r = spawnSync(py, ['-c', KERAS_READER, h5File], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.keras_version, '2.13.1');
  assert.equal(out.backend, 'tensorflow');
  assert.equal(out.weights_keras_version, '2.13.1');
  assert.equal(out.class_name, 'Sequential');
  assert.equal(out.n_layers, 9);
  assert.deepEqual(out.layer_names, LAYERS);
  assert.deepEqual(out.top_level, []);
  const f = openJsfive(h5File);
  for (const name of LAYERS) {
    const want = SHAPES[name] ?? null;
    const got = out.weights[name] as [string, number[], string, number][];
    if (!want) {
      assert.deepEqual(got, []);
      continue;
    }
    assert.deepEqual(got.map((w) => [w[0], w[1], w[2]]), [[`${name}/kernel:0`, want[0], 'float32'], [`${name}/bias:0`, want[1], 'float32']]);
    const sum = Array.from(f.get(`model_weights/${name}/${name}/kernel:0`).value).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - got[0][3]) < 1e-3, `${name} kernel sums agree (${sum} vs ${got[0][3]})`);
  }
});

function mnistDigits(perClass: number): { pixels: number[]; label: number }[] {
  const out: { pixels: number[]; label: number }[] = [];
  for (let d = 0; d < 10; d++) {
    const digits = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')).data as number[];
    for (let i = 0; i < perClass; i++) out.push({ pixels: digits.slice(i * 784, (i + 1) * 784), label: d });
  }
  return out;
}

test('a plain-JS forward pass from the exported weights alone gives our model\'s predictions', async () => {
  const f = openJsfive(h5File);
  const config = JSON.parse(clean(f.attrs.model_config) as string);
  const weights: Weights = new Map();
  for (const name of Object.keys(SHAPES)) {
    for (const w of ['kernel', 'bias']) {
      const d = f.get(`model_weights/${name}/${name}/${w}:0`);
      weights.set(`${name}/${w}`, { shape: d.shape, data: d.value });
    }
  }
  await tf.setBackend('cpu');
  const model = await loadModel(tf, runDir);
  const images = mnistDigits(3);
  const ours = tf.tidy(() => (model.predict(tf.tensor(images.flatMap((i) => i.pixels), [images.length, 28, 28, 1])) as tf.Tensor).arraySync() as number[][]);
  model.dispose();
  let maxDiff = 0;
  images.forEach((img, i) => {
    const ref = forward(config, weights, img.pixels);
    ref.forEach((p, k) => (maxDiff = Math.max(maxDiff, Math.abs(p - ours[i][k]))));
    assert.equal(ref.indexOf(Math.max(...ref)), ours[i].indexOf(Math.max(...ours[i])), `image ${i}: same class`);
  });
  assert.ok(maxDiff < 1e-5, `probabilities agree to 1e-5 (max difference ${maxDiff})`);
});

function evaluation(model: string) {
  const r = cli(['evaluate', '--model', model, '--dataset', 'mnist-sample', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const e = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.type === 'evaluation');
  assert.ok(e, r.stdout);
  return e;
}

test('evaluate --model FILE.h5 reproduces the run\'s evaluation exactly', () => {
  const fromRun = evaluation(runDir);
  const fromH5 = evaluation(h5File);
  assert.equal(fromH5.modelDir, h5File);
  assert.deepEqual({ ...fromH5, modelDir: '' }, { ...fromRun, modelDir: '' });
  assert.ok(fromRun.acc > 0.5, `the run learned something (${fromRun.acc})`);
});

test('bad export and import inputs: one line, exit 1, nothing written', () => {
  const empty = join(dir, 'empty');
  rmSync(empty, { recursive: true, force: true });
  mkdirSync(empty);
  const a = cli(['export', empty, '--out', join(dir, 'x.h5')]);
  assert.equal(a.code, 1);
  assert.match(a.stderr, /^lenet-lab: error: no config\.json in .*empty or its parent: pass a run folder made by LeNet Lab \(or its best\/\)\n$/);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('x.h5')), []);
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
  const w = cli(['export', runDir, '--out', join(aFile, 'x.h5')]);
  assert.equal(w.code, 1);
  assert.match(w.stderr, /^lenet-lab: error: cannot write .*a-file\/x\.h5: .*\n$/, 'one line, not HDF5\'s diagnostics');
  const nested = join(dir, 'new', 'folder', 'lenet.h5');
  assert.equal(cli(['export', runDir, '--out', nested]).code, 0, 'creates the folder, like Keras\'s save');
  const b = cli(['export']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /export needs the run folder/);
  const notH5 = join(dir, 'not.h5');
  writeFileSync(notH5, 'hello');
  const c = cli(['evaluate', '--model', notH5, '--dataset', 'mnist-sample']);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /^lenet-lab: error: cannot open .*not\.h5 as HDF5/m);
  const truncated = join(dir, 'truncated.h5');
  writeFileSync(truncated, readFileSync(h5File).subarray(0, 3000));
  const tr = cli(['summary', truncated]);
  assert.equal(tr.code, 1);
  assert.match(tr.stderr, /^lenet-lab: error: cannot read .*truncated\.h5 \(damaged, or not a Keras \.h5 model\?\): File has been truncated\n$/, 'one line, HDF5\'s diagnostics kept out');
  const d = cli(['evaluate', '--model', join(dir, 'missing.h5'), '--dataset', 'mnist-sample']);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /model file not found: .*missing\.h5/);
});

test('summary FILE.h5 prints the exported model; train --model FILE.h5 starts from its weights', () => {
  const s = cli(['summary', h5File]);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout, cli(['summary']).stdout, 'the seed\'s LeNet-5, layer for layer');
  const fromH5 = evaluation(h5File);
  // A learning rate too small to move the weights: the first epoch validates the file's model.
  const out = join(dir, 'continued');
  const t = cli(['train', '--model', h5File, '--dataset', 'mnist-sample', '--epochs', '1', '--limit', '64', '--learning-rate', '1e-12', '--out', out]);
  assert.equal(t.code, 0, t.stderr);
  const run = join(out, readdirSync(out)[0]);
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(config.initialWeights, h5File);
  const [, row] = readFileSync(join(run, 'metrics.csv'), 'utf8').trim().split('\n');
  const [, , , valAcc, valLoss] = row.split(',').map(Number);
  assert.equal(valAcc, fromH5.acc);
  assert.ok(Math.abs(valLoss - fromH5.loss) < 1e-5, `${valLoss} vs ${fromH5.loss}`);
});
