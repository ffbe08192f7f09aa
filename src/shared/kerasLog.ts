// Keras-style progress lines for a finished epoch, as model.fit(verbose=1) prints them:
//   Epoch 3/50
//   938/938 [==============================] - 38s 40ms/step - loss: 0.2345 - accuracy: 0.9312 - val_loss: 0.2100 - val_accuracy: 0.9401
// Pure; used by the extension's "LeNet Lab" output channel (and any other text log).
import type { EpochMetrics } from './protocol';

const BAR_WIDTH = 30;

/** A metric as Keras prints it: 4 decimals, diverged values spelled like Python (nan, inf, -inf). */
export const kerasNumber = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');

export function formatEpochHeader(epoch: number, epochs: number): string {
  return `Epoch ${epoch}/${epochs}`;
}

/** The finished-epoch line; `batches` is the number of steps in the epoch. */
export function formatEpochLine(m: EpochMetrics, batches: number): string {
  const secs = Math.max(0, m.seconds);
  const perStep = batches > 0 ? (secs * 1000) / batches : 0;
  const stepTime = perStep >= 1000 ? `${(perStep / 1000).toFixed(0)}s/step` : `${Math.round(perStep)}ms/step`;
  const steps = `${batches}/${batches}`;
  return [
    `${steps} [${'='.repeat(BAR_WIDTH)}] - ${Math.round(secs)}s ${stepTime}`,
    `loss: ${kerasNumber(m.loss)}`,
    `accuracy: ${kerasNumber(m.acc)}`,
    `val_loss: ${kerasNumber(m.val_loss)}`,
    `val_accuracy: ${kerasNumber(m.val_acc)}`,
  ].join(' - ');
}
