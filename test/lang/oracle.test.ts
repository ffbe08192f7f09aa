// Property test with tfjs as the oracle: random valid specs (test/model/randomSpec.ts) are
// rendered as Python Keras and as TF.js source in random styles, read back by the source readers,
// and every layer's output shape and parameter count must equal those of the same model built in
// tfjs (cpu backend) with src/worker/buildModel.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/lang/index';
import { buildModel } from '../../src/worker/buildModel';
import { randomSpec, rng } from '../model/randomSpec';
import { renderPython, renderTfjs } from './render';

const CASES = 500;

before(async () => {
  await tf.setBackend('cpu');
});

test(`${CASES} random models rendered as Python and TF.js: shapes and params equal tfjs's`, () => {
  const r = rng(20260404);
  let layersChecked = 0;
  for (let n = 0; n < CASES; n++) {
    const spec = randomSpec(r);
    const model = buildModel(tf, spec, { seed: 1 });
    try {
      const want = model.layers.map((l) => ({ name: l.name, shape: l.outputShape, params: l.countParams() }));
      for (const [lang, src] of [['python', renderPython(spec, r)], ['tfjs', renderTfjs(spec, r)]] as const) {
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
});
