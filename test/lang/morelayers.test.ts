// The layer types added in round 2 read from Python Keras and TF.js source: activation layers,
// noise and rescaling, up-sampling and cropping, transposed/depthwise/separable convolutions,
// Permute/RepeatVector, and Keras's random augmentation layers (identity at inference, not trainable).
// Expected numbers follow Keras's formulas (the tfjs oracle test checks the same rules on random models).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShape } from '../../src/model/infer';
import { analyzeSource } from '../../src/lang/index';
import { hoverMarkdown } from '../../src/lang/hover';

const rows = (src: string, lang: 'tfjs' | 'python') =>
  analyzeSource(src, lang).models[0].layers.map((l) => (l.info ? `${l.name}:${formatShape(l.info.outputShape)}:${l.info.params}` : `${l.name}:${l.status}`));

test('Python: a CIFAR-style model with augmentation, rescaling, separable and depthwise convolutions', () => {
  const src = `
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
    layers.Rescaling(1.0 / 255),
    layers.SeparableConv2D(64, 3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(max_value=6.0),
    layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2),
    layers.LeakyReLU(negative_slope=0.1),   # Keras 3
    layers.SpatialDropout2D(0.2),
    layers.GaussianNoise(0.1),
    layers.Conv2DTranspose(16, (3, 3), strides=(2, 2), padding="valid"),
    layers.ELU(),
    layers.Cropping2D(((1, 0), (2, 1))),
    layers.UpSampling2D(size=2),
    layers.GlobalAveragePooling2D(),
    layers.RepeatVector(3),
    layers.Permute((2, 1)),
    layers.Flatten(),
    layers.GaussianDropout(0.3),
    layers.Dense(10),
    layers.Softmax(),
])
`;
  assert.deepEqual(rows(src, 'python'), [
    'random_flip:(None, 32, 32, 3):0',
    'random_rotation:(None, 32, 32, 3):0',
    'rescaling:(None, 32, 32, 3):0',
    'separable_conv2d:(None, 32, 32, 64):' + (3 * 3 * 3 + 3 * 64),
    'batch_normalization:(None, 32, 32, 64):256',
    're_lu:(None, 32, 32, 64):0',
    'depthwise_conv2d:(None, 15, 15, 128):' + (3 * 3 * 64 * 2 + 128),
    'leaky_re_lu:(None, 15, 15, 128):0',
    'spatial_dropout2d:(None, 15, 15, 128):0',
    'gaussian_noise:(None, 15, 15, 128):0',
    'conv2d_transpose:(None, 31, 31, 16):' + (3 * 3 * 16 * 128 + 16),
    'elu:(None, 31, 31, 16):0',
    'cropping2d:(None, 30, 28, 16):0',
    'up_sampling2d:(None, 60, 56, 16):0',
    'global_average_pooling2d:(None, 16):0',
    'repeat_vector:(None, 3, 16):0',
    'permute:(None, 16, 3):0',
    'flatten:(None, 48):0',
    'gaussian_dropout:(None, 48):0',
    'dense:(None, 10):490',
    'softmax:(None, 10):0',
  ]);
  const a = analyzeSource(src, 'python');
  const m = a.models[0];
  assert.deepEqual(a.diagnostics, []);
  assert.equal(m.complete, true);
  assert.equal(m.layers[6].info!.formula, '3x3x64x2 + 128 = 1,280');
  assert.equal(m.layers[3].info!.formula, '3x3x3x1 + 3x64 = 219');
  // Augmentation: identity in the summary, said so in the hover, and the trainer refuses it.
  assert.match(hoverMarkdown(m, m.layers[0]), /RandomFlip is a training-time augmentation: identity at inference .*0 params.*cannot train/);
  assert.match(m.trainBlocker ?? '', /RandomFlip is a Keras training-time augmentation that TensorFlow\.js does not have/);
});

test('Python: Keras 2 spellings and arguments that do not change shapes', () => {
  const src = `
model = Sequential()
model.add(Convolution2DTranspose(8, 3, input_shape=(7, 7, 4)))
model.add(LeakyReLU(alpha=0.2))
model.add(SeparableConvolution2D(4, (3, 3), depth_multiplier=2, activation='relu'))
model.add(ReLU(negative_slope=0.1))
model.add(UpSampling2D(interpolation='bilinear'))
model.add(Cropping2D(cropping=1))
`;
  assert.deepEqual(rows(src, 'python'), [
    'conv2d_transpose:(None, 9, 9, 8):' + (3 * 3 * 8 * 4 + 8),
    'leaky_re_lu:(None, 9, 9, 8):0',
    'separable_conv2d:(None, 7, 7, 4):' + (3 * 3 * 8 * 2 + 16 * 4 + 4),
    're_lu:(None, 7, 7, 4):0',
    'up_sampling2d:(None, 14, 14, 4):0',
    'cropping2d:(None, 12, 12, 4):0',
  ]);
  const m = analyzeSource(src, 'python').models[0];
  // The ReLU's negative slope is not something the trainer has: listed, and training is blocked.
  assert.match(hoverMarkdown(m, m.layers[3]), /Not read from the source: negative\\_slope=0\.1/);
  assert.match(m.trainBlocker ?? '', /negative_slope=0\.1/);
});

test('Python: what these layers cannot be is reported on the layer', () => {
  const a = analyzeSource(`
model = Sequential([
    Input(shape=(8, 8, 3)),
    Conv2DTranspose(4, 3, output_padding=1),
    Dense(2),
])
`, 'python');
  assert.deepEqual(a.models[0].layers.map((l) => l.status), ['not-analyzed', 'unknown']);
  assert.match(a.diagnostics[0].message, /output_padding=1 is not modelled/);
  const b = analyzeSource(`
model = Sequential([
    Input(shape=(4, 4, 1)),
    Cropping2D(((2, 2), (0, 0))),
])
`, 'python');
  assert.equal(b.diagnostics[0].severity, 'error');
  assert.match(b.diagnostics[0].message, /cropping2d: cropping 2\+2 rows and 0\+0 columns leaves nothing of its 4x4 input/);
  const c = analyzeSource(`
model = Sequential([Input(shape=(4, 4, 1)), RepeatVector(3)])
`, 'python');
  assert.match(c.diagnostics[0].message, /RepeatVector needs a 2D input .* add a Flatten before it/);
});

test('TF.js: the tfjs factory names of the new layers', () => {
  const src = `
const model = tf.sequential();
model.add(tf.layers.rescaling({ inputShape: [28, 28, 1], scale: 1 / 255 }));
model.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }));
model.add(tf.layers.reLU({ maxValue: 6 }));
model.add(tf.layers.depthwiseConv2d({ kernelSize: 5, depthMultiplier: 3, useBias: false }));
model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
model.add(tf.layers.separableConv2d({ filters: 8, kernelSize: [3, 3], padding: 'same' }));
model.add(tf.layers.elu());
model.add(tf.layers.upSampling2d({ size: [1, 2] }));
model.add(tf.layers.cropping2D({ cropping: [[1, 1], [2, 2]] }));
model.add(tf.layers.gaussianNoise({ stddev: 0.5 }));
model.add(tf.layers.permute({ dims: [3, 1, 2] }));
model.add(tf.layers.flatten());
model.add(tf.layers.gaussianDropout({ rate: 0.1 }));
model.add(tf.layers.repeatVector({ n: 2 }));
model.add(tf.layers.softmax());
`;
  assert.deepEqual(rows(src, 'tfjs'), [
    'rescaling:(None, 28, 28, 1):0',
    'conv2d_transpose:(None, 56, 56, 4):40',
    're_lu:(None, 56, 56, 4):0',
    'depthwise_conv2d:(None, 52, 52, 12):300',
    'leaky_re_lu:(None, 52, 52, 12):0',
    'separable_conv2d:(None, 52, 52, 8):' + (3 * 3 * 12 + 12 * 8 + 8),
    'elu:(None, 52, 52, 8):0',
    'up_sampling2d:(None, 52, 104, 8):0',
    'cropping2d:(None, 50, 100, 8):0',
    'gaussian_noise:(None, 50, 100, 8):0',
    'permute:(None, 8, 50, 100):0',
    'flatten:(None, 40000):0',
    'gaussian_dropout:(None, 40000):0',
    'repeat_vector:(None, 2, 40000):0',
    'softmax:(None, 2, 40000):0',
  ]);
  assert.equal(analyzeSource(src, 'tfjs').models[0].trainBlocker, undefined);
});
