// The optimizer a model file compiles with, read as text from Keras and TF.js sources.
import test from 'node:test';
import assert from 'node:assert/strict';
import { compileOptimizer } from '../../src/lang/compileOptimizer';
import { readTrainRequest } from '../../src/editor/trainRequest';
import { LENET5 } from '../../src/model/lenet';

test('Keras and TF.js compile() calls: the optimizer by name or constructor, momentum SGD, unknown ones named', () => {
  assert.deepEqual(compileOptimizer('lenet.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])'), { optimizer: 'adam', written: 'adam' });
  assert.deepEqual(compileOptimizer('model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3))'), { optimizer: 'rmsprop', written: 'RMSprop' });
  assert.deepEqual(compileOptimizer('m.compile(optimizer=SGD(learning_rate=0.01, momentum=0.9), loss="mse")'), { optimizer: 'momentum', written: 'SGD' });
  assert.deepEqual(compileOptimizer('m.compile(optimizer=SGD(learning_rate=0.01, momentum=0.0))'), { optimizer: 'sgd', written: 'SGD' });
  assert.deepEqual(compileOptimizer("model.compile({optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy']});"), { optimizer: 'adam', written: 'adam' });
  assert.deepEqual(compileOptimizer('model.compile({ optimizer: tf.train.rmsprop(0.001), loss: "categoricalCrossentropy" })'), { optimizer: 'rmsprop', written: 'rmsprop' });
  assert.deepEqual(compileOptimizer('model.compile(optimizer="adagrad")'), { written: 'adagrad' }, 'one LeNet Lab does not train with: named, not mapped');
  assert.equal(compileOptimizer('model = Sequential()\nmodel.add(Dense(10))'), undefined, 'no compile()');
  assert.equal(compileOptimizer('model.compile(loss="mse")'), undefined, 'compile() without an optimizer');
  const two = 'a.compile(optimizer="sgd")\nb.compile(optimizer="adam")';
  assert.equal(compileOptimizer(two, 'b')?.optimizer, 'adam', "the model's own compile() when there are several");
  assert.equal(compileOptimizer(two, 'c')?.optimizer, 'sgd', 'else the first');
});

test('the Train This Model request carries it, checked like any argument of a command', () => {
  const ok = readTrainRequest({ model: LENET5, source: 'file:///w/m.ts', compiled: { optimizer: 'adam', written: 'adam' } });
  assert.ok(!('error' in ok));
  assert.deepEqual(ok.compiled, { optimizer: 'adam', written: 'adam' });
  const odd = readTrainRequest({ model: LENET5, compiled: { optimizer: 'lion', written: 'Lion' } });
  assert.ok(!('error' in odd));
  assert.deepEqual(odd.compiled, { written: 'Lion' }, 'an optimizer name it does not know is not trained with');
  const junk = readTrainRequest({ model: LENET5, compiled: { written: 'x'.repeat(500) } });
  assert.ok(!('error' in junk) && junk.compiled === undefined, 'an oversized name is dropped');
});
