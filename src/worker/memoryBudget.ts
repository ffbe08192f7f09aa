// Activation memory, estimated before anything is allocated: the parameter cap alone lets a
// 30,000-parameter model (Conv2D with 10,000 1x1 filters, UpSampling2D 1000x) ask for gigabytes
// per batch and die in the middle of a step. The estimate is the brief one Keras users do in their
// heads: batch x largest layer output x 4 bytes, times 3 in training (the activation kept for
// backprop, its gradient, one temporary) and 2 in inference (a layer's input and output).
import { WorkerError } from './errors';

/** What one worker may spend on activations; wasm's whole heap is at most 4 GiB. */
export const ACTIVATION_BUDGET_BYTES = 2 * 1024 ** 3;
export const TRAIN_FACTOR = 3;
export const INFER_FACTOR = 2;
/** Batch of the inference passes (validation, evaluate); see predictAll. */
export const INFER_BATCH = 128;

export interface LayerOutput {
  name: string;
  /** Keras notation, batch axis first (null). */
  outputShape: (number | null)[];
}

const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;
const int = (n: number) => n.toLocaleString('en-US');

function largest(layers: LayerOutput[]): { name: string; shape: string; values: number } {
  let best = { name: '', shape: '', values: 0 };
  for (const l of layers) {
    const values = l.outputShape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    if (values > best.values) best = { name: l.name, shape: `(None, ${l.outputShape.slice(1).join(', ')})`, values };
  }
  return best;
}

/**
 * Throws MODEL (numbers in the message) when `batch` images through these layers need more than
 * the budget. `training` adds the gradient factor; inference uses min(batch, INFER_BATCH) images.
 */
export function assertActivationMemory(layers: LayerOutput[], batch: number, training: boolean, budget = ACTIVATION_BUDGET_BYTES): void {
  const top = largest(layers);
  const factor = training ? TRAIN_FACTOR : INFER_FACTOR;
  const n = training ? batch : Math.min(batch, INFER_BATCH);
  const need = n * top.values * 4 * factor;
  if (need <= budget) return;
  const fits = Math.floor(budget / (top.values * 4 * factor));
  const what = training ? 'training' : 'inference';
  const advice = fits >= 1
    ? training ? `use a batch size of at most ${int(fits)}, or make ${top.name} smaller` : `make ${top.name} smaller`
    : `even one image is too much: make ${top.name} smaller (fewer filters or units, less upsampling)`;
  throw new WorkerError(
    'MODEL',
    `${top.name} outputs ${top.shape}, ${int(top.values)} values per image; ${what} with batch ${int(n)} needs about ${gb(need)} for activations (${int(n)} x ${int(top.values)} x 4 bytes x ${factor}), more than the ${gb(budget)} budget; ${advice}`,
  );
}
