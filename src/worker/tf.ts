// The TensorFlow.js namespace type the worker's modules take as a parameter. The worker loads one
// of several packages at run time (tfjs-node, or tfjs with its wasm or cpu backend), so no module
// imports a tf instance of its own: each receives the one src/worker/backend.ts started.
export type Tf = typeof import('@tensorflow/tfjs');
