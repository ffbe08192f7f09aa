// Real-world model code whose summaries are published: the parsed source must give the same
// table. The source of each expected table is written next to it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { formatShape } from '../../src/model/infer';
import { analyzeSource } from '../../src/lang/index';

const table = (src: string, lang: 'python' | 'tfjs') => {
  const m = analyzeSource(src, lang).models[0];
  assert.equal(m.complete, true, 'every layer analysed');
  return { rows: m.layers.map((l) => [l.name, formatShape(l.info!.outputShape), l.info!.params]), total: m.result.totalParams, m };
};

test('Keras "Simple MNIST convnet": 34,826 params', () => {
  // Source and expected summary: https://keras.io/examples/vision/mnist_convnet/ (model.summary() output there).
  const src = `
num_classes = 10
input_shape = (28, 28, 1)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

model.summary()
`;
  const { rows, total } = table(src, 'python');
  assert.deepEqual(rows, [
    ['conv2d', '(None, 26, 26, 32)', 320],
    ['max_pooling2d', '(None, 13, 13, 32)', 0],
    ['conv2d_1', '(None, 11, 11, 64)', 18496],
    ['max_pooling2d_1', '(None, 5, 5, 64)', 0],
    ['flatten', '(None, 1600)', 0],
    ['dropout', '(None, 1600)', 0],
    ['dense', '(None, 10)', 16010],
  ]);
  assert.equal(total, 34826);
});

test('TensorFlow tutorial "Convolutional Neural Network (CNN)" on CIFAR-10: 122,570 params', () => {
  // Source and expected summary: https://www.tensorflow.org/tutorials/images/cnn (model.summary() after the Dense layers).
  const src = `
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10))
`;
  const { rows, total } = table(src, 'python');
  assert.deepEqual(rows, [
    ['conv2d', '(None, 30, 30, 32)', 896],
    ['max_pooling2d', '(None, 15, 15, 32)', 0],
    ['conv2d_1', '(None, 13, 13, 64)', 18496],
    ['max_pooling2d_1', '(None, 6, 6, 64)', 0],
    ['conv2d_2', '(None, 4, 4, 64)', 36928],
    ['flatten', '(None, 1024)', 0],
    ['dense', '(None, 64)', 65600],
    ['dense_1', '(None, 10)', 650],
  ]);
  assert.equal(total, 122570);
});

test('tfjs-examples mnist createConvModel: same table as TensorFlow.js builds', async () => {
  // Source: https://github.com/tensorflow/tfjs-examples/blob/master/mnist/index.js (createConvModel);
  // IMAGE_H/IMAGE_W come from ./data (28), so the reader assumes (28, 28, 1) and says so. No table is
  // published with it: the expected one is tfjs's own, built here from the same calls.
  const src = `
import * as tf from '@tensorflow/tfjs';
import {IMAGE_H, IMAGE_W, MnistData} from './data';

function createConvModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({
    inputShape: [IMAGE_H, IMAGE_W, 1],
    kernelSize: 3,
    filters: 16,
    activation: 'relu'
  }));
  model.add(tf.layers.maxPooling2d({poolSize: 2, strides: 2}));
  model.add(tf.layers.conv2d({kernelSize: 3, filters: 32, activation: 'relu'}));
  model.add(tf.layers.maxPooling2d({poolSize: 2, strides: 2}));
  model.add(tf.layers.conv2d({kernelSize: 3, filters: 32, activation: 'relu'}));
  model.add(tf.layers.flatten({}));
  model.add(tf.layers.dense({units: 64, activation: 'relu'}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}`;
  await tf.setBackend('cpu');
  const { rows, total, m } = table(src, 'tfjs');
  assert.match(m.inputAssumed!, /inputShape/);
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 3, filters: 16, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 3, filters: 32, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 3, filters: 32, activation: 'relu' }));
  model.add(tf.layers.flatten({}));
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  try {
    assert.deepEqual(rows.map((r) => [r[1], r[2]]), model.layers.map((l) => [formatShape(l.outputShape as (number | null)[]), l.countParams()]));
    assert.equal(total, model.countParams());
    assert.equal(total, 33194);
  } finally {
    model.dispose();
  }
});

before(async () => {
  await tf.ready();
});

test('TensorFlow tutorial "Image classification" (flowers, Rescaling layer): 3,989,285 params', () => {
  // Source and expected summary: https://www.tensorflow.org/tutorials/images/classification (the
  // first model and its model.summary(); img_height = img_width = 180, five flower classes). The
  // tutorial's Dense(num_classes) is written Dense(5) here: it computes num_classes from the data
  // at run time, which a static reader cannot know.
  const src = `
batch_size = 32
img_height = 180
img_width = 180
model = Sequential([
  layers.Rescaling(1./255, input_shape=(img_height, img_width, 3)),
  layers.Conv2D(16, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(32, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(64, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Flatten(),
  layers.Dense(128, activation='relu'),
  layers.Dense(5)
])
`;
  const { rows, total } = table(src, 'python');
  assert.deepEqual(rows, [
    ['rescaling', '(None, 180, 180, 3)', 0],
    ['conv2d', '(None, 180, 180, 16)', 448],
    ['max_pooling2d', '(None, 90, 90, 16)', 0],
    ['conv2d_1', '(None, 90, 90, 32)', 4640],
    ['max_pooling2d_1', '(None, 45, 45, 32)', 0],
    ['conv2d_2', '(None, 45, 45, 64)', 18496],
    ['max_pooling2d_2', '(None, 22, 22, 64)', 0],
    ['flatten', '(None, 30976)', 0],
    ['dense', '(None, 128)', 3965056],
    ['dense_1', '(None, 5)', 645],
  ]);
  assert.equal(total, 3989285);
});
