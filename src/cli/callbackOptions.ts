// The `train` options of the Keras callbacks and the TensorBoard logs, and the TrainConfig fields
// they set. Ranges the parser cannot express (monitor names, schedule syntax) are checked by the
// worker's config validation, which names the option's field.
import type { EarlyStoppingConfig, ReduceLrConfig, TrainConfig } from '../shared/protocol';
import { MODES, MONITORS } from '../shared/callbacks';
import type { OptSpec } from './args';

export const CALLBACK_OPTS: Record<string, OptSpec> = {
  'early-stopping-patience': { kind: 'int', min: 0, help: 'EarlyStopping: stop after N epochs without improvement (off unless given)' },
  'early-stopping-monitor': { kind: 'string', choices: MONITORS, help: 'EarlyStopping monitor: val_loss (default), val_accuracy, loss or accuracy' },
  'early-stopping-min-delta': { kind: 'number', min: 0, help: 'EarlyStopping min_delta: smaller changes are no improvement (default 0)' },
  'early-stopping-mode': { kind: 'string', choices: MODES, help: 'EarlyStopping mode: auto (default; accuracy up, loss down), min or max' },
  'restore-best-weights': { kind: 'flag', help: 'EarlyStopping restore_best_weights: end with the weights of the best epoch' },
  'reduce-lr-patience': { kind: 'int', min: 0, help: 'ReduceLROnPlateau: reduce the rate after N epochs without improvement (off unless given)' },
  'reduce-lr-factor': { kind: 'number', positive: true, help: 'ReduceLROnPlateau factor, < 1 (default 0.1)' },
  'reduce-lr-min-lr': { kind: 'number', min: 0, help: 'ReduceLROnPlateau min_lr (default 0)' },
  'reduce-lr-monitor': { kind: 'string', choices: MONITORS, help: 'ReduceLROnPlateau monitor (default val_loss)' },
  'lr-schedule': { kind: 'string', help: 'learning rate per epoch: step:EVERY:FACTOR (e.g. step:10:0.5) or cosine[:ALPHA] (over the run\'s epochs)' },
  'no-tensorboard': { kind: 'flag', help: 'do not write TensorBoard logs (RUN/logs/train, RUN/logs/validation)' },
};

/** Only the fields the options set (the worker fills in Keras's defaults). */
export function callbackConfig(o: Record<string, string | number | boolean>): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  if (o['no-tensorboard']) out.tensorboard = false;
  const es: Partial<EarlyStoppingConfig> = {};
  if (o['early-stopping-patience'] !== undefined) es.patience = o['early-stopping-patience'] as number;
  if (o['early-stopping-monitor'] !== undefined) es.monitor = o['early-stopping-monitor'] as EarlyStoppingConfig['monitor'];
  if (o['early-stopping-min-delta'] !== undefined) es.minDelta = o['early-stopping-min-delta'] as number;
  if (o['early-stopping-mode'] !== undefined) es.mode = o['early-stopping-mode'] as EarlyStoppingConfig['mode'];
  if (o['restore-best-weights']) es.restoreBestWeights = true;
  if (Object.keys(es).length) out.earlyStopping = es as EarlyStoppingConfig;
  const rl: Partial<ReduceLrConfig> = {};
  if (o['reduce-lr-patience'] !== undefined) rl.patience = o['reduce-lr-patience'] as number;
  if (o['reduce-lr-factor'] !== undefined) rl.factor = o['reduce-lr-factor'] as number;
  if (o['reduce-lr-min-lr'] !== undefined) rl.minLr = o['reduce-lr-min-lr'] as number;
  if (o['reduce-lr-monitor'] !== undefined) rl.monitor = o['reduce-lr-monitor'] as ReduceLrConfig['monitor'];
  if (Object.keys(rl).length) out.reduceLrOnPlateau = rl as ReduceLrConfig;
  if (o['lr-schedule'] !== undefined) out.lrSchedule = o['lr-schedule'] as string;
  return out;
}
