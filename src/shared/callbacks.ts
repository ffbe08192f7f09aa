// Keras's training callbacks as pure state machines (no tfjs): EarlyStopping, ReduceLROnPlateau
// and a per-epoch learning-rate schedule, with Keras 3's semantics (keras/src/callbacks/
// early_stopping.py, reduce_lr_on_plateau.py, monitor_callback.py, learning_rate_scheduler.py).
// Epochs are 0-based here, as Keras passes them to on_epoch_end; messages say epoch + 1 like Keras.

import type { EarlyStoppingConfig, MonitorMode, MonitorName, ReduceLrConfig } from './protocol';

type Monitor = MonitorName;
type Mode = MonitorMode;
export const MONITORS: readonly Monitor[] = ['val_loss', 'val_accuracy', 'loss', 'accuracy'];
export const MODES: readonly Mode[] = ['auto', 'min', 'max'];

/** The epoch's logs under Keras's names. */
export type Logs = Record<Monitor, number>;

/** Keras's MonitorCallback: the direction of "better" and min_delta's sign. */
class MonitorRule {
  private readonly greater: boolean;
  private readonly minDelta: number;
  constructor(monitor: Monitor, mode: Mode, minDelta: number) {
    // auto: losses go down; accuracy's direction is "up" (Keras reads it from the metric).
    this.greater = mode === 'max' || (mode === 'auto' && !monitor.endsWith('loss'));
    this.minDelta = this.greater ? Math.abs(minDelta) : -Math.abs(minDelta);
  }
  isImprovement(current: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.greater ? current - this.minDelta > reference : current - this.minDelta < reference;
  }
}

export type EarlyStoppingOptions = EarlyStoppingConfig;
export const EARLY_STOPPING_DEFAULTS: EarlyStoppingOptions = {
  monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', restoreBestWeights: false,
};

export interface EarlyStoppingStep {
  stop: boolean;
  /** Keep a copy of the current weights as the best ones (restore_best_weights). */
  snapshot: boolean;
}

export class EarlyStopping {
  private readonly rule: MonitorRule;
  wait = 0;
  best: number | null = null;
  bestEpoch = 0;
  stoppedEpoch = 0;
  /** A best-weights snapshot exists (restore_best_weights). */
  haveSnapshot = false;

  constructor(readonly options: EarlyStoppingOptions) {
    this.rule = new MonitorRule(options.monitor, options.mode, options.minDelta);
  }

  onEpochEnd(epoch: number, logs: Logs): EarlyStoppingStep {
    const current = logs[this.options.monitor];
    let snapshot = false;
    if (this.options.restoreBestWeights && !this.haveSnapshot) {
      // Never improved yet: the first epoch's weights are the best so far.
      snapshot = this.haveSnapshot = true;
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.rule.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { stop: false, snapshot: this.options.restoreBestWeights };
    }
    if (this.wait >= this.options.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      return { stop: true, snapshot };
    }
    return { stop: false, snapshot };
  }

  /** Keras's "Epoch 5: early stopping" line, or null when it did not stop. */
  stopMessage(): string | null {
    return this.stoppedEpoch > 0 ? `Epoch ${this.stoppedEpoch + 1}: early stopping (${this.options.monitor} did not improve for ${this.options.patience} epoch${this.options.patience === 1 ? '' : 's'}; best ${this.best} at epoch ${this.bestEpoch + 1})` : null;
  }

  /** on_train_end: restore the snapshot (Keras 3 does it whether or not training stopped early). */
  restoreMessage(): string | null {
    return this.options.restoreBestWeights && this.haveSnapshot
      ? `Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`
      : null;
  }
}

export type ReduceLrOptions = ReduceLrConfig;
export const REDUCE_LR_DEFAULTS: ReduceLrOptions = {
  monitor: 'val_loss', factor: 0.1, patience: 10, minLr: 0, minDelta: 1e-4, cooldown: 0, mode: 'auto',
};

export class ReduceLROnPlateau {
  private readonly rule: MonitorRule;
  wait = 0;
  best: number | null = null;
  cooldownCounter = 0;

  constructor(readonly options: ReduceLrOptions) {
    if (!(options.factor < 1)) throw new RangeError(`ReduceLROnPlateau factor must be < 1, got ${options.factor}`);
    this.rule = new MonitorRule(options.monitor, options.mode, options.minDelta);
  }

  /** Returns the new learning rate, or null to keep `lr`. */
  onEpochEnd(epoch: number, logs: Logs, lr: number): number | null {
    const current = logs[this.options.monitor];
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.rule.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
      return null;
    }
    if (this.cooldownCounter > 0) return null;
    this.wait++;
    if (this.wait < this.options.patience) return null;
    // Keras compares with min_lr as float32.
    if (!(lr > Math.fround(this.options.minLr))) return null;
    this.cooldownCounter = this.options.cooldown;
    this.wait = 0;
    return Math.max(lr * this.options.factor, this.options.minLr);
  }
}

/** step: lr0 * factor^floor(epoch / every); cosine: Keras CosineDecay over `epochs` down to alpha * lr0. */
export type LrSchedule =
  | { kind: 'step'; every: number; factor: number }
  | { kind: 'cosine'; epochs: number; alpha: number };

/** The learning rate of (0-based) epoch, from the initial rate. */
export function scheduledLr(s: LrSchedule, lr0: number, epoch: number): number {
  if (s.kind === 'step') return lr0 * s.factor ** Math.floor(epoch / s.every);
  const progress = Math.min(epoch, s.epochs) / s.epochs;
  const decayed = 0.5 * (1 + Math.cos(Math.PI * progress));
  return lr0 * ((1 - s.alpha) * decayed + s.alpha);
}

/**
 * Parses `step:EVERY:FACTOR` (e.g. step:10:0.5) or `cosine[:ALPHA]` (cosine over the run's epochs);
 * throws an Error whose message says what is expected.
 */
export function parseLrSchedule(text: string, epochs: number): LrSchedule {
  const parts = text.trim().split(':');
  const num = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? Number(s) : NaN);
  if (parts[0] === 'step' && parts.length === 3) {
    const every = num(parts[1]);
    const factor = num(parts[2]);
    if (Number.isInteger(every) && every >= 1 && factor > 0 && factor <= 1) return { kind: 'step', every, factor };
  }
  if (parts[0] === 'cosine' && parts.length <= 2) {
    const alpha = parts.length === 2 ? num(parts[1]) : 0;
    if (alpha >= 0 && alpha <= 1) return { kind: 'cosine', epochs: Math.max(1, epochs), alpha };
  }
  throw new Error(`learning-rate schedule must be step:EVERY:FACTOR (EVERY an integer >= 1, FACTOR in (0, 1]) or cosine[:ALPHA] (ALPHA in [0, 1]), got '${text}'`);
}
