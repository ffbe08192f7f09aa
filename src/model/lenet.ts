// The seed notebook's LeNet-5 (Keras), layer for layer: tanh everywhere, average pooling, a 5x5
// "C5" convolution that leaves 1x1x120, softmax over 10 classes. Its summary is 61,706 params.
// The Flatten is unnamed in the seed, so it gets Keras's default name 'flatten'.
import type { ModelSpec } from './spec';

export const LENET5: ModelSpec = {
  name: 'sequential',
  inputShape: [28, 28, 1],
  layers: [
    { type: 'Conv2D', name: 'C1', filters: 6, kernelSize: [5, 5], activation: 'tanh', padding: 'same' },
    { type: 'AveragePooling2D', name: 'S2', poolSize: [2, 2] },
    { type: 'Conv2D', name: 'C3', filters: 16, kernelSize: [5, 5], activation: 'tanh' },
    { type: 'AveragePooling2D', name: 'S4', poolSize: [2, 2] },
    { type: 'Conv2D', name: 'C5', filters: 120, kernelSize: [5, 5], activation: 'tanh' },
    { type: 'Flatten' },
    { type: 'Dense', name: 'FC6', units: 84, activation: 'tanh' },
    { type: 'Dense', name: 'OUTPUT', units: 10, activation: 'softmax' },
  ],
};
