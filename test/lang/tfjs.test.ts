// The TF.js reader, the *.lenet.json reader and notebooks opened as .ipynb text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShape } from '../../src/model/infer';
import { LENET5 } from '../../src/model/lenet';
import { analyzeSource, languageFor } from '../../src/lang/index';
import { findAt } from '../../src/lang/lookup';
import { hoverMarkdown } from '../../src/lang/hover';
import { ipynbPython } from '../../src/lang/notebook';
import { tokenizeJs } from '../../src/lang/tfjs/tokenize';
import { firstModelFromSource } from '../../src/lang/modelFromSource';

const rows = (src: string, lang: 'tfjs' | 'python' | 'lenet-json' = 'tfjs', i = 0) =>
  analyzeSource(src, lang).models[i].layers.map((l) => (l.info ? `${l.name}:${formatShape(l.info.outputShape)}:${l.info.params}` : `${l.name}:${l.status}`));

test('JS tokenizer: comments, templates, regex literals, division', () => {
  const toks = tokenizeJs('const a = /re[/]x/g; // c\nconst b = 4 / 2 /* x */; const t = `a${b}c`; const s = "q\\"x";');
  assert.ok(toks.some((t) => t.kind === 'str' && t.text === '/re[/]x/g'));
  assert.ok(toks.some((t) => t.kind === 'punct' && t.text === '/'));
  assert.ok(toks.some((t) => t.kind === 'str' && t.dynamic && t.text === 'ac'));
  assert.ok(toks.some((t) => t.kind === 'str' && t.text === 'q"x'));
});

test('tf.sequential() + model.add(tf.layers.X({...})) with const values and TS types', () => {
  const src = `
import * as tf from '@tensorflow/tfjs';
const KERNEL: number = 5;
export function lenet(): tf.Sequential {
  const model: tf.Sequential = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: KERNEL, padding: 'same', activation: 'tanh', name: 'C1' }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: [KERNEL, KERNEL], activation: 'tanh', name: 'C3' }));
  model.add(tf.layers.averagePooling2d({ poolSize: [2, 2], strides: 2 }));
  model.add(tf.layers.conv2d({ filters: 120, kernelSize: 5, activation: 'tanh', name: 'C5' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 84, activation: 'tanh', name: 'FC6' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'OUTPUT' }));
  return model;
}`;
  const a = analyzeSource(src, 'tfjs');
  const m = a.models[0];
  assert.equal(m.result.totalParams, 61706);
  // The same layers as the seed's LeNet-5 (the pools are unnamed here and S4 spells its strides).
  assert.deepEqual(m.spec?.layers[0], LENET5.layers[0]);
  assert.deepEqual(m.spec?.layers[2], LENET5.layers[2]);
  assert.deepEqual(m.spec?.layers[3], { type: 'AveragePooling2D', poolSize: [2, 2], strides: [2, 2] });
  assert.deepEqual(m.spec?.layers.slice(4), LENET5.layers.slice(4));
  const at = src.indexOf('filters: 16');
  const hit = findAt(a, at);
  assert.ok(hit?.layer);
  assert.ok(hoverMarkdown(hit.model, hit.layer).includes('(None, 14, 14, 6) -> (None, 10, 10, 16)'));
  assert.equal(src.slice(hit.layer.source.classSpan.start, hit.layer.source.classSpan.end), 'conv2d');
});

test('tf.sequential({layers: [...]}) with bare imported names and shorthand options', () => {
  const src = `
import { sequential, layers } from '@tensorflow/tfjs';
const units = 32;
const model = sequential({
  name: 'mlp',
  layers: [
    layers.flatten({ inputShape: [28, 28, 1] }),
    layers.dense({ units, activation: 'relu' }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.summary();`;
  assert.deepEqual(rows(src), ['flatten:(None, 784):0', 'dense:(None, 32):25120', 'dropout:(None, 32):0', 'dense_1:(None, 10):330']);
  const a = analyzeSource(src, 'tfjs');
  assert.equal(a.models[0].name, 'mlp');
  assert.equal(a.models[0].source.varSpans.length, 2);
});

test('TF.js: layers added in a callback, spread options, unknown layer, shape error', () => {
  const src = `
const model = tf.sequential();
model.add(tf.layers.dense({units: 4, inputShape: [3]}));
[8, 2].forEach((u) => model.add(tf.layers.dense({units: u})));
const base = {units: 3};
model.add(tf.layers.dense({...base}));
`;
  const m = analyzeSource(src, 'tfjs').models[0];
  assert.deepEqual(m.layers.map((l) => l.status), ['ok', 'not-analyzed', 'unknown']);
  const bad = analyzeSource('const m = tf.sequential({layers: [tf.layers.conv1d({filters: 2, kernelSize: 3, inputShape: [9, 1]})]});', 'tfjs');
  assert.match(bad.diagnostics[0].message, /conv1d is not a layer type LeNet Lab models/);
  const err = analyzeSource('const m = tf.sequential({layers: [tf.layers.maxPooling2d({poolSize: 3, inputShape: [2, 2, 1]})]});', 'tfjs');
  assert.equal(err.diagnostics[0].severity, 'error');
  assert.match(err.diagnostics[0].message, /3x3 pool is larger than its 2x2 input/);
});

test('*.lenet.json: layers with positions, validation errors at their path', () => {
  const json = JSON.stringify({ name: 'lenet', inputShape: [28, 28, 1], layers: LENET5.layers }, null, 2);
  const a = analyzeSource(json, 'lenet-json');
  const m = a.models[0];
  assert.equal(m.result.totalParams, 61706);
  const c3 = m.layers[2];
  assert.equal(json.slice(c3.source.classSpan.start, c3.source.classSpan.end), '"Conv2D"');
  assert.equal(findAt(a, json.indexOf('"C3"'))?.layer?.name, 'C3');
  const bad = JSON.stringify({ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 6, kernel_size: 5 }] }, null, 2);
  const b = analyzeSource(bad, 'lenet-json');
  assert.equal(b.models.length, 0);
  assert.equal(b.diagnostics.length, 1);
  assert.match(b.diagnostics[0].message, /layers\[0\]/);
  assert.deepEqual(analyzeSource('{"layers": [', 'lenet-json').models, []);
  const tooBig = analyzeSource(JSON.stringify({ inputShape: [4, 4, 1], layers: [{ type: 'Conv2D', filters: 1, kernelSize: [5, 5] }] }), 'lenet-json');
  assert.equal(tooBig.diagnostics[0].severity, 'error');
});

test('.ipynb as text: code cells joined, offsets map back into the JSON strings', () => {
  const nb = {
    cells: [
      { cell_type: 'markdown', source: ['# LeNet\n'] },
      { cell_type: 'code', source: ['from keras.models import Sequential\n', 'lenet = Sequential() # "modelo"\n'] },
      { cell_type: 'code', source: "# \t \"comillas\" é \u2028 😀\nlenet.add(Conv2D(6, kernel_size=(5, 5), input_shape=(28, 28, 1), name='C1'))\nlenet.add(Flatten())" },
    ],
    metadata: { language_info: { name: 'python' } },
  };
  const text = JSON.stringify(nb, null, 1);
  const py = ipynbPython(text)!;
  const a = analyzeSource(py.text, 'python');
  const c1 = a.models[0].layers[0];
  const s = py.toJson[c1.source.classSpan.start];
  const e = py.toJson[c1.source.classSpan.end];
  assert.equal(text.slice(s, e), 'Conv2D');
  assert.equal(a.models[0].layers[1].info?.outputShape.join(), ',3456'); // 24x24x6
  const r = firstModelFromSource('x.ipynb', text);
  assert.equal(r.spec.layers.length, 2);
});

test('languageFor picks the reader from the language id and file name', () => {
  assert.equal(languageFor('a/model.lenet.json', 'json'), 'lenet-json');
  assert.equal(languageFor('a/nb.ipynb', 'json'), 'ipynb');
  assert.equal(languageFor('vscode-notebook-cell:/a/nb.ipynb#X1', 'python'), 'python');
  assert.equal(languageFor('a/b.py', 'python'), 'python');
  assert.equal(languageFor('a/b.mts', 'typescript'), 'tfjs');
  assert.equal(languageFor('a/b.txt', 'plaintext'), undefined);
});

test('CLI hook: the first model or a clear error with file:line:col', () => {
  assert.throws(() => firstModelFromSource('a.py', 'x = 1\n'), /no model found in a\.py/);
  assert.throws(
    () => firstModelFromSource('a.py', 'import keras\nm = keras.Sequential([keras.layers.Conv1D(2, 3)])\n'),
    /a\.py:2:36: conv1d \(Conv1D\) not analyzed/,
  );
  assert.throws(() => firstModelFromSource('a.py', 'm = Sequential([Dense(3, input_shape=(2,), activation=fn)])'), /activation=fn cannot be read/);
  const r = firstModelFromSource('a.ts', 'const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [3]}));');
  assert.deepEqual(r.spec, { name: 'sequential', inputShape: [3], layers: [{ type: 'Dense', units: 1 }] });
  assert.deepEqual(r.notes, []);
});

test('TF.js: layers added in loops, callbacks or branches are not analyzed; a model built per iteration is', () => {
  const src = `
function build(sizes: number[], deep: boolean) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  for (const s of sizes) model.add(tf.layers.dense({ units: 8 }));
  if (deep) { model.add(tf.layers.dense({ units: 8 })); } else model.add(tf.layers.dropout({ rate: 0.1 }));
  [1, 2].forEach(() => model.add(tf.layers.dense({ units: 3 })));
  return model;
}
for (let i = 0; i < 3; i++) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
}
`;
  const a = analyzeSource(src, 'tfjs');
  const [first, second] = a.models;
  assert.deepEqual(first.layers.map((l) => l.status), ['ok', 'not-analyzed', 'unknown', 'unknown', 'unknown']);
  assert.match(first.layers[1].message!, /added inside a for loop/);
  assert.equal(second.layers[0].status, 'ok');
  const cb = analyzeSource('const m = tf.sequential();\n[1].forEach(() => m.add(tf.layers.flatten({inputShape: [2, 2]})));', 'tfjs').models[0];
  assert.match(cb.layers[0].message!, /added inside a forEach callback/);
  const br = analyzeSource('const m = tf.sequential();\nif (x) m.add(tf.layers.flatten({inputShape: [2, 2]}));', 'tfjs').models[0];
  assert.match(br.layers[0].message!, /added under if/);
});

test('TF.js: a model kept in a member (this.model = tf.sequential()) collects its .add calls', () => {
  const src = `
class Net {
  model: tf.Sequential;
  constructor() {
    this.model = tf.sequential();
    this.model.add(tf.layers.dense({ units: 4, inputShape: [3] }));
    this.model.add(tf.layers.dense({ units: 2 }));
  }
}`;
  const m = analyzeSource(src, 'tfjs').models[0];
  assert.equal(m.source.varName, 'this.model');
  assert.deepEqual(m.layers.map((l) => l.info?.params), [16, 10]);
});
