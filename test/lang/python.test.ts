// The Python Keras reader on the forms people write: Sequential([...]) and .add, keras./tf.keras.
// prefixes, positional and keyword arguments, constants, Input, unknown layers, shape errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShape } from '../../src/model/infer';
import { analyzeSource } from '../../src/lang/index';
import { hoverMarkdown, inlayLabel } from '../../src/lang/hover';
import { tokenizePython } from '../../src/lang/python/tokenize';

const shapes = (src: string, i = 0) => {
  const m = analyzeSource(src, 'python').models[i];
  return m.layers.map((l) => (l.info ? `${l.name}:${formatShape(l.info.outputShape)}:${l.info.params}` : `${l.name}:${l.status}`));
};

test('tokenizer: strings with every prefix, triple quotes, comments, continuations, magics', () => {
  const src = "x = rb'a\\'b' + f\"{y}\" + '''multi\nline''' # c\ny = (1,\n 2) \\\n + 3\n%matplotlib inline\n!pip install x\nz = 1; w = 2";
  const toks = tokenizePython(src);
  const lines = toks.filter((t) => t.kind === 'nl').length;
  assert.equal(lines, 4); // x=..., y=..., z=1, w=2 (magics are skipped)
  const strs = toks.filter((t) => t.kind === 'str');
  assert.equal(strs[0].text, "a\\'b");
  assert.equal(strs[1].dynamic, true);
  assert.equal(strs[2].text, 'multi\nline');
  assert.ok(!toks.some((t) => t.text === 'matplotlib' || t.text === 'pip'));
});

test('Sequential([...]) with keras.Input and layers.X (Keras "Simple MNIST convnet" form)', () => {
  const src = `
from tensorflow import keras
from tensorflow.keras import layers
input_shape = (28, 28, 1)
model = keras.Sequential([
    keras.Input(shape=input_shape),
    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    layers.Flatten(),
    layers.Dense(10),
], name="tiny")
`;
  assert.deepEqual(shapes(src), ['conv2d:(None, 26, 26, 32):320', 'flatten:(None, 21632):0', 'dense:(None, 10):216330']);
  const m = analyzeSource(src, 'python').models[0];
  assert.equal(m.name, 'tiny');
  assert.equal(m.inputAssumed, undefined);
});

test('tf.keras.layers prefixes, positional args, module constants and arithmetic', () => {
  const src = `
import tensorflow as tf
K = 3
FILTERS = 2 * 8
NUM_CLASSES = 10
m = tf.keras.models.Sequential()
m.add(tf.keras.layers.Conv2D(FILTERS, K, 2, 'same', input_shape=(32, 32, 3)))
m.add(tf.keras.layers.MaxPool2D())
m.add(tf.keras.layers.GlobalAveragePooling2D())
m.add(tf.keras.layers.Dense(NUM_CLASSES, 'softmax'))
`;
  assert.deepEqual(shapes(src), [
    'conv2d:(None, 16, 16, 16):448',
    'max_pooling2d:(None, 8, 8, 16):0',
    'global_average_pooling2d:(None, 16):0',
    'dense:(None, 10):170',
  ]);
});

test('an unknown layer is "not analyzed" (information) and later shapes stay unknown', () => {
  const src = `
model = Sequential()
model.add(Conv2D(8, 3, input_shape=(28, 28, 1)))
model.add(LocallyConnected2D(4, 3))
model.add(Flatten())
`;
  const a = analyzeSource(src, 'python');
  const m = a.models[0];
  assert.deepEqual(m.layers.map((l) => l.status), ['ok', 'not-analyzed', 'unknown']);
  assert.equal(a.diagnostics.length, 1);
  assert.equal(a.diagnostics[0].severity, 'information');
  assert.match(a.diagnostics[0].message, /LocallyConnected2D.*not analyzed/);
  assert.equal(src.slice(a.diagnostics[0].span.start, a.diagnostics[0].span.end), 'LocallyConnected2D');
  assert.equal(inlayLabel(m.layers[2]), undefined);
  assert.match(hoverMarkdown(m, m.layers[2]), /unknown/);
  assert.ok(m.trainBlocker);
  assert.equal(m.spec, undefined);
});

test('a shape error is an error diagnostic on the breaking layer, with the cause', () => {
  const src = `
model = Sequential()
model.add(Conv2D(6, (5, 5), input_shape=(28, 28, 1), name='C1'))
model.add(MaxPooling2D((2, 2)))
model.add(Conv2D(16, (5, 5)))
model.add(MaxPooling2D((2, 2)))
model.add(Conv2D(120, (5, 5), name='C5'))
model.add(Flatten())
`;
  const a = analyzeSource(src, 'python');
  const err = a.diagnostics.find((d) => d.severity === 'error');
  assert.ok(err);
  assert.match(err.message, /C5: 5x5 kernel is larger than its 4x4 input with padding 'valid'/);
  assert.ok(src.slice(err.span.start, err.span.end).startsWith('Conv2D(120'));
  assert.deepEqual(a.models[0].layers.map((l) => l.status), ['ok', 'ok', 'ok', 'ok', 'error', 'unknown']);
});

test('impossible reshape and zero dimensions are reported', () => {
  const a = analyzeSource('m = Sequential([Flatten(input_shape=(28, 28)), Reshape((5, 5, 5))])', 'python');
  assert.match(a.diagnostics[0].message, /cannot reshape \(None, 784\) into \(5, 5, 5\)/);
  const b = analyzeSource('m = Sequential([Dense(0, input_dim=4)])', 'python');
  assert.match(b.diagnostics[0].message, /units must be a positive integer, got 0/);
});

test('values not known before running: input assumed, argument not constant, unknown activation', () => {
  const src = `
n = len(classes)
act = my_activation
model = Sequential([Conv2D(4, 3, input_shape=X.shape[1:]), Flatten(), Dense(n), Dense(2, activation=act)])
`;
  const m = analyzeSource(src, 'python').models[0];
  assert.match(m.inputAssumed!, /input_shape/);
  assert.equal(m.layers[2].status, 'not-analyzed');
  assert.match(m.layers[2].message!, /units=\? is not a constant \(n is computed at run time\)/);
  const src2 = 'model = Sequential([Dense(2, input_shape=(3,), activation=tf.nn.leaky_relu)])';
  const m2 = analyzeSource(src2, 'python').models[0];
  assert.equal(m2.layers[0].status, 'ok'); // shapes do not depend on the activation
  assert.match(m2.trainBlocker!, /activation=tf\.nn\.leaky_relu/);
});

test('models inside functions, several models, rebinding, and calls after unreadable code', () => {
  const src = `
def build(h=28):
    model = keras.Sequential()
    model.add(layers.Dense(4, input_shape=(8,)))
    return model

other = keras.Sequential([layers.Dense(3, input_shape=(2,))]); other.add(layers.Dense(1))
model = 5
model.add(Dense(3))
x = [i for i in range(3)]; other.add(layers.Dense(7))
`;
  const a = analyzeSource(src, 'python');
  assert.equal(a.models.length, 2);
  assert.deepEqual(a.models[0].layers.map((l) => l.info?.outputShape), [[null, 4]]);
  assert.deepEqual(a.models[1].layers.map((l) => l.info?.params), [9, 4, 14]);
});

test('lambda, comprehension, dict and slice arguments do not hide the layers around them', () => {
  const src = `
model = Sequential([
    Lambda(lambda x: x / 255.0, input_shape=(4, 4, 1)),
    Conv2D(2, 2, kernel_regularizer={'l2': 0.1}),
])
model.add(Dense(3))
`;
  const m = analyzeSource(src, 'python').models[0];
  assert.deepEqual(m.layers.map((l) => l.type), ['Lambda', 'Conv2D', 'Dense']);
  assert.equal(m.layers[0].status, 'not-analyzed');
});

test('ZeroPadding2D, BatchNormalization, Dropout, Reshape with -1, strides and dilation', () => {
  const src = `
model = Sequential()
model.add(ZeroPadding2D(2, input_shape=(28, 28, 1)))
model.add(Conv2D(4, kernel_size=3, dilation_rate=2))
model.add(BatchNormalization())
model.add(Conv2D(4, 3, strides=(2, 2), padding="same", use_bias=False))
model.add(Reshape((-1, 4)))
model.add(Dropout(0.25))
`;
  assert.deepEqual(shapes(src), [
    'zero_padding2d:(None, 32, 32, 1):0',
    'conv2d:(None, 28, 28, 4):40',
    'batch_normalization:(None, 28, 28, 4):16',
    'conv2d_1:(None, 14, 14, 4):144',
    'reshape:(None, 196, 4):0',
    'dropout:(None, 196, 4):0',
  ]);
});

test('an unclosed call while typing does not swallow the rest of the file', () => {
  const src = `
model = Sequential()
model.add(Conv2D(6, (5, 5), input_shape=(28, 28, 1)
model.add(Flatten())
def f():
    pass
other = Sequential([Dense(2, input_shape=(3,))])
`;
  const a = analyzeSource(src, 'python');
  assert.equal(a.models.length, 2);
  assert.deepEqual(a.models[0].layers.map((l) => l.type), ['Conv2D', 'Flatten']);
  assert.equal(a.models[0].layers[0].info?.outputShape.join(), ',24,24,6');
  assert.equal(a.models[1].layers[0].info?.params, 8);
});

test('PyTorch and other frameworks\' Sequential are not read as Keras models', () => {
  const src = `
import torch.nn as nn
from torch.nn import Sequential, Conv2d
a = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU())
b = torch.nn.Sequential(nn.Linear(4, 2))
c = Sequential(Conv2d(1, 6, 5))
from keras.models import Sequential
d = Sequential([Dense(2, input_shape=(3,))])
`;
  const a = analyzeSource(src, 'python');
  assert.equal(a.models.length, 1);
  assert.equal(a.models[0].source.varName, 'd');
  assert.deepEqual(a.diagnostics, []);
});

test('names that are Object.prototype members are ordinary names', () => {
  const src = 'constructor = 3\nm = Sequential([toString(2), Dense(constructor, input_shape=(2,)), __proto__()])\nm.add(hasOwnProperty())';
  const m = analyzeSource(src, 'python').models[0];
  assert.deepEqual(m.layers.map((l) => [l.type, l.status]), [['toString', 'not-analyzed'], ['Dense', 'unknown'], ['__proto__', 'unknown'], ['hasOwnProperty', 'unknown']]);
  const t = analyzeSource('const m = tf.sequential({layers: [tf.layers.constructor({}), tf.layers.dense({units: 1, inputShape: [1]})]});', 'tfjs');
  assert.equal(t.models[0].layers[0].status, 'not-analyzed');
});

test('layers added in a loop or under a condition are not analyzed (never a guess); main guards and builders are fine', () => {
  const src = `
def build(deep):
    model = Sequential()
    model.add(Dense(8, input_shape=(4,)))
    for _ in range(3):
        model.add(Dense(8))
    if deep:
        model.add(Dense(8))
    model.add(Dense(2))
    return model

if __name__ == "__main__":
    with strategy.scope():
        m = Sequential([Dense(3, input_shape=(2,))])
        m.add(Dense(1))
    for n in (8, 16):
        per = Sequential()
        per.add(Dense(n, input_shape=(2,)))
    while True: m.add(Dense(5))
`;
  const a = analyzeSource(src, 'python');
  const [first, second, third] = a.models;
  assert.deepEqual(first.layers.map((l) => l.status), ['ok', 'not-analyzed', 'unknown', 'unknown']);
  assert.match(first.layers[1].message!, /added inside a for loop/);
  assert.deepEqual(second.layers.map((l) => l.status), ['ok', 'ok', 'not-analyzed']);
  assert.match(second.layers[2].message!, /while loop/);
  // Created and filled inside the same loop iteration: one add per model.
  assert.equal(third.layers[0].status, 'not-analyzed'); // units=n is a loop variable
  assert.match(third.layers[0].message!, /units=/);
  const cond = analyzeSource('m = Sequential()\nm.add(Dense(2, input_shape=(2,)))\nif x:\n    m.add(Dropout(0.5))\nelse:\n    m.add(Dense(3))\n', 'python').models[0];
  assert.deepEqual(cond.layers.map((l) => l.message?.slice(0, 14)), [undefined, 'added under if', 'shapes after d']);
});

test('a model kept in an attribute (self.model = Sequential()) collects its .add calls', () => {
  const src = `
class Net:
    def __init__(self):
        self.model = Sequential()
        self.model.add(Dense(4, input_shape=(3,)))
        self.model.add(Dense(2))
`;
  const a = analyzeSource(src, 'python');
  const m = a.models[0];
  assert.equal(m.source.varName, 'self.model');
  assert.deepEqual(m.layers.map((l) => l.info?.params), [16, 10]);
  assert.equal(m.source.varSpans.length, 3);
});

test('function scopes: parameters come from the caller, locals do not leak, the outer model stays', () => {
  const src = `
NUM_CLASSES = 10
model = Sequential()
model.add(Dense(4, input_shape=(3,)))

def build(num_classes, input_shape=(28, 28, 1)):
    NUM_CLASSES = 3
    model = Sequential()
    model.add(Conv2D(2, 3, input_shape=input_shape))
    model.add(Flatten())
    model.add(Dense(num_classes))
    return model

model.add(Dense(NUM_CLASSES))
`;
  const a = analyzeSource(src, 'python');
  const [outer, inner] = a.models;
  assert.deepEqual(outer.layers.map((l) => l.info?.outputShape.join()), [',4', ',10']); // module NUM_CLASSES, not the local 3
  assert.match(inner.inputAssumed!, /input_shape=input_shape/);
  assert.equal(inner.layers[2].status, 'not-analyzed');
  assert.match(inner.layers[2].message!, /num_classes is a parameter of build/);
});

test('loop and with targets are not the constants they shadow', () => {
  const src = `
n = 5
for n in (8, 16):
    pass
m = Sequential([Dense(n, input_shape=(2,))])
`;
  const m = analyzeSource(src, 'python').models[0];
  assert.equal(m.layers[0].status, 'not-analyzed');
  assert.match(m.layers[0].message!, /n is set by a for statement/);
});
