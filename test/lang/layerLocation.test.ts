// From a trained layer's name to where it is written: the seed notebook's Python, a TF.js file,
// and a run folder's record of the file it was trained from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSource } from '../../src/host/runSource';
import { analyzeSource } from '../../src/lang/index';
import { findLayerSource } from '../../src/lang/layerLocation';
import { LENET5 } from '../../src/model/lenet';
import { tempDir } from '../worker/helpers';

const seed = readFileSync(join(__dirname, '..', 'e2e', 'fixtures', 'workspace', 'lenet_seed.py'), 'utf8');
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

test('each of the seed\'s layers, by its trained name, is found at its line in the Python source', () => {
  const a = analyzeSource(seed, 'python');
  const spec = a.models[0].spec;
  assert.ok(spec, 'the seed model is read');
  const c3 = findLayerSource(a, spec, 'C3');
  assert.ok(c3);
  assert.equal(lineOf(seed, c3.layer.source.callSpan.start), 68);
  assert.match(seed.slice(c3.layer.source.callSpan.start, c3.layer.source.callSpan.end), /^Conv2D\(16, kernel_size=\(5, 5\)/);
  // Unnamed in the source: Keras's default name, as the trained model calls it.
  const flat = findLayerSource(a, spec, 'flatten');
  assert.ok(flat);
  assert.match(seed.slice(flat.layer.source.callSpan.start, flat.layer.source.callSpan.end), /^Flatten\(/);
  assert.equal(findLayerSource(a, spec, 'C9'), undefined);
  // A run spec that no longer matches the file (edited since): found by name all the same.
  assert.equal(findLayerSource(a, LENET5, 'C5')?.layer.name, 'C5');
});

test('TF.js source: the layer of that name in the model the run was trained from', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const a = tf.sequential();
a.add(tf.layers.dense({ inputShape: [4], units: 3, name: 'h' }));
const b = tf.sequential();
b.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, name: 'h' }));
b.add(tf.layers.flatten());
`;
  const an = analyzeSource(src, 'tfjs');
  const runSpec = an.models[1].spec;
  const hit = findLayerSource(an, runSpec, 'h');
  assert.equal(lineOf(src, hit!.layer.source.callSpan.start), 5, 'the second model\'s h, the one trained');
  assert.equal(lineOf(src, findLayerSource(an, an.models[0].spec, 'h')!.layer.source.callSpan.start), 3);
});

test('runSource: config.json\'s source (also from best/), nothing for a run of the built-in model', (t) => {
  const run = tempDir(t);
  mkdirSync(join(run, 'best'));
  assert.equal(runSource(run), undefined, 'no config.json');
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 1 }));
  assert.equal(runSource(run), undefined, 'trained from the built-in LeNet-5');
  writeFileSync(join(run, 'config.json'), JSON.stringify({ epochs: 1, source: 'file:///ws/lenet_seed.py', model: LENET5 }));
  assert.deepEqual(runSource(run), { source: 'file:///ws/lenet_seed.py', model: LENET5 });
  assert.deepEqual(runSource(join(run, 'best')), { source: 'file:///ws/lenet_seed.py', model: LENET5 }, 'best/ reads its run\'s config');
});
