// Property test with tfjs as the oracle: random valid specs (test/model/randomSpec.ts) are
// rendered as Python Keras and as TF.js source in random styles, read back by the source readers,
// and every layer's output shape and parameter count must equal those of the same model built in
// tfjs (cpu backend) with src/worker/buildModel.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/lang/index';
import { buildModel } from '../../src/worker/buildModel';
import { TRAINABLE_LAYER_TYPES } from '../../src/model/trainable';
import { randomSpec, rng } from '../model/randomSpec';
import { renderPython, renderTfjs } from './render';

const CASES = 500;

before(async () => {
  await tf.setBackend('cpu');
});

test(`${CASES} random models rendered as Python and TF.js: shapes and params equal tfjs's`, () => {
  const r = rng(20260404);
  let layersChecked = 0;
  const cases = { python: 0, tfjs: 0, functional: 0 };
  const types = new Set<string>();
  for (let n = 0; n < CASES; n++) {
    const spec = randomSpec(r);
    const model = buildModel(tf, spec, { seed: 1 });
    try {
      const want = model.layers.map((l) => ({ name: l.name, shape: l.outputShape, params: l.countParams() }));
      // TF.js has no spatialDropout2d: such models can only be written in Python.
      const tsOk = !spec.layers.some((l) => l.type === 'SpatialDropout2D');
      const sources = [['python', renderPython(spec, r)], ...(tsOk ? [['tfjs', renderTfjs(spec, r)]] : [])] as const;
      for (const [lang, src] of sources as readonly (readonly ['python' | 'tfjs', string])[]) {
        cases[lang]++;
        if (/Model\(|tf\.model\(/.test(src)) cases.functional++;
        spec.layers.forEach((l) => types.add(l.type));
        const label = `case ${n} (${lang}):\n${src}\nspec ${JSON.stringify(spec)}`;
        const a = analyzeSource(src, lang);
        assert.equal(a.models.length, 1, label);
        const m = a.models[0];
        assert.deepEqual(a.diagnostics, [], label);
        assert.equal(m.complete, true, label);
        assert.equal(m.inputAssumed, undefined, label);
        const got = m.layers.map((l) => ({ name: l.name, shape: l.info!.outputShape, params: l.info!.params }));
        assert.deepEqual(got, want, label);
        assert.equal(m.result.totalParams, model.countParams(), label);
        layersChecked += got.length;
      }
    } finally {
      model.dispose();
    }
  }
  assert.ok(layersChecked > CASES * 2, `checked ${layersChecked} layers`);
  // Every type the trainer builds came through the readers (the generator draws them all).
  assert.deepEqual([...types].sort(), [...TRAINABLE_LAYER_TYPES].sort());
  assert.ok(cases.functional > CASES / 10, `only ${cases.functional} functional-API sources`);
  console.log(`${cases.python} Python + ${cases.tfjs} TF.js sources (${cases.functional} of them functional API), ${layersChecked} layers checked`);
});
