// A shape error names its layer once wherever it is shown: the diagnostic, the model hover's
// "Summary stops before ...", and the reason Train This Model refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../src/lang/index';
import { modelHoverMarkdown } from '../../src/lang/hover';

test('"C3 (Conv2D): 15x15 kernel ..." without the layer name twice', () => {
  const src = `
from keras.models import Sequential
from keras.layers import Conv2D, Dense, Flatten
model = Sequential()
model.add(Conv2D(6, (5, 5), input_shape=(14, 14, 1), name='C1'))
model.add(Conv2D(16, (15, 15), name='C3'))
model.add(Flatten())
model.add(Dense(10))
`;
  const a = analyzeSource(src, 'python');
  const m = a.models[0];
  assert.equal(m.trainBlocker, "C3 (Conv2D): 15x15 kernel is larger than its 10x10 input with padding 'valid'");
  assert.deepEqual(a.diagnostics.map((d) => d.message), ["C3: 15x15 kernel is larger than its 10x10 input with padding 'valid'"]);
  const hover = modelHoverMarkdown(m);
  assert.match(hover, /Summary stops before C3 \(Conv2D\): 15x15 kernel/);
  for (const text of [m.trainBlocker!, hover, a.diagnostics[0].message]) assert.doesNotMatch(text, /C3\W+C3/, text);
});
