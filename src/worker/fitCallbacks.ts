// What runs around each epoch of the training loop besides training itself, in Keras's callback
// order: the learning-rate schedule at epoch begin; at epoch end the TensorBoard logs, then
// ReduceLROnPlateau and EarlyStopping; at train end the restore of the best weights.
import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import type { CallbackName, CallbackNote, EpochMetrics, TrainConfig } from '../shared/protocol';
import type { Tf } from './tf';
import { EarlyStopping, parseLrSchedule, ReduceLROnPlateau, scheduledLr, type Logs, type LrSchedule } from '../shared/callbacks';
import { TensorBoardLogs } from './tensorboard';
import { errorMessage } from '../shared/errors';
import type { CallbackState } from './checkpoint';

export interface FitCallbackContext {
  tf: Tf;
  model: LayersModel;
  optimizer: Optimizer;
  config: TrainConfig;
  runDir: string;
  emitCallback: (note: CallbackNote) => void;
  warn: (message: string) => void;
}

/** tfjs's SGD and momentum cache -lr in a tensor (setLearningRate); Adam and RMSprop read the field each step. */
function setLearningRate(optimizer: Optimizer, lr: number): void {
  const o = optimizer as Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Keras prints learning rates as Python floats. */
const pyFloat = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));

export class FitCallbacks {
  lr: number;
  /** A callback may change the rate: metrics.csv gets the learning_rate column. */
  readonly logsLearningRate: boolean;
  private readonly schedule: LrSchedule | null;
  private readonly early: EarlyStopping | null;
  private readonly plateau: ReduceLROnPlateau | null;
  private tensorboard: TensorBoardLogs | null = null;
  private best: { data: Float32Array; shape: number[] }[] | null = null;
  /** Callback events wait for flush(), so they follow the epoch's own epochEnd event, as Keras prints them after the epoch line. */
  private pending: CallbackNote[] = [];

  constructor(private readonly ctx: FitCallbackContext) {
    const { config } = ctx;
    this.lr = config.learningRate;
    this.schedule = config.lrSchedule ? parseLrSchedule(config.lrSchedule, config.epochs) : null;
    this.early = config.earlyStopping ? new EarlyStopping(config.earlyStopping) : null;
    this.plateau = config.reduceLrOnPlateau ? new ReduceLROnPlateau(config.reduceLrOnPlateau) : null;
    this.logsLearningRate = !!(this.schedule || this.plateau);
    if (config.tensorboard !== false) {
      try {
        this.tensorboard = new TensorBoardLogs(ctx.runDir);
      } catch (err) {
        ctx.warn(`TensorBoard logs are off for this run: cannot create them in ${ctx.runDir}/logs (${errorMessage(err)})`);
      }
    }
  }

  private queue(epoch: number, callback: CallbackName, message: string, learningRate?: number): void {
    this.pending.push({ epoch, callback, message, ...(learningRate !== undefined ? { learningRate } : {}) });
  }

  /** Everything the callbacks did so far, for summary.json (the panel shows it for past runs). */
  readonly notes: CallbackNote[] = [];

  /** Sends the callback events queued since the last flush. */
  flush(): void {
    for (const note of this.pending) {
      this.ctx.emitCallback(note);
      this.notes.push(note);
    }
    this.pending = [];
  }

  /** epoch: 1-based. */
  epochBegin(epoch: number): void {
    if (!this.schedule) return;
    const lr = scheduledLr(this.schedule, this.ctx.config.learningRate, epoch - 1);
    if (lr === this.lr) return;
    this.lr = lr;
    setLearningRate(this.ctx.optimizer, lr);
    if (epoch > 1) this.queue(epoch, 'LearningRateScheduler', `Epoch ${epoch}: LearningRateScheduler setting learning rate to ${pyFloat(lr)}.`, lr);
    this.flush();
  }

  /** Adds learning_rate to m when logged; returns true when training should stop (EarlyStopping). */
  epochEnd(m: EpochMetrics): boolean {
    const epoch = m.epoch - 1;
    if (this.logsLearningRate) m.learning_rate = this.lr;
    if (this.tensorboard) {
      try {
        this.tensorboard.epochEnd(epoch, { loss: m.loss, acc: m.acc, val_loss: m.val_loss, val_acc: m.val_acc, learningRate: this.lr });
      } catch (err) {
        // The logs are a view of metrics.csv: losing them must not lose the training.
        this.tensorboard = null;
        this.ctx.warn(`TensorBoard logs stopped at epoch ${m.epoch}: ${errorMessage(err)}`);
      }
    }
    const logs: Logs = { loss: m.loss, accuracy: m.acc, val_loss: m.val_loss, val_accuracy: m.val_acc };
    if (this.plateau) {
      const lr = this.plateau.onEpochEnd(epoch, logs, this.lr);
      if (lr !== null) {
        this.lr = lr;
        setLearningRate(this.ctx.optimizer, lr);
        this.queue(m.epoch, 'ReduceLROnPlateau', `Epoch ${m.epoch}: ReduceLROnPlateau reducing learning rate to ${pyFloat(lr)}.`, lr);
      }
    }
    if (!this.early) return false;
    const step = this.early.onEpochEnd(epoch, logs);
    if (step.snapshot) this.best = this.ctx.model.getWeights().map((w) => ({ data: (w.dataSync() as Float32Array).slice(), shape: w.shape }));
    if (step.stop) this.queue(m.epoch, 'EarlyStopping', this.early.stopMessage()!);
    return step.stop;
  }

  /** Everything needed to go on after this epoch as if never stopped (the checkpoint keeps it). */
  state(): { callbacks: CallbackState; earlyStoppingBest?: { shapes: number[][]; data: Float32Array[] } } {
    const { early, plateau } = this;
    return {
      callbacks: {
        learningRate: this.lr,
        ...(early ? { earlyStopping: { wait: early.wait, best: early.best, bestEpoch: early.bestEpoch, haveSnapshot: early.haveSnapshot } } : {}),
        ...(plateau ? { reduceLrOnPlateau: { wait: plateau.wait, best: plateau.best, cooldownCounter: plateau.cooldownCounter } } : {}),
        notes: [...this.notes],
      },
      ...(this.best ? { earlyStoppingBest: { shapes: this.best.map((w) => w.shape), data: this.best.map((w) => w.data) } } : {}),
    };
  }

  /** Continues from a checkpoint's state; the optimizer was made with its learning rate. */
  restore(s: CallbackState, earlyStoppingBest?: { shapes: number[][]; data: Float32Array[] }): void {
    this.lr = s.learningRate;
    if (this.early && s.earlyStopping) Object.assign(this.early, s.earlyStopping);
    if (this.plateau && s.reduceLrOnPlateau) Object.assign(this.plateau, s.reduceLrOnPlateau);
    this.notes.push(...s.notes);
    if (earlyStoppingBest) this.best = earlyStoppingBest.shapes.map((shape, i) => ({ shape, data: earlyStoppingBest.data[i] }));
  }

  /** Restores the best weights (restore_best_weights); true when it did (the caller saves the model again). */
  trainEnd(lastEpoch: number): boolean {
    const message = this.early?.restoreMessage();
    if (!message || !this.best) return false;
    const { tf } = this.ctx;
    const tensors = this.best.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    try {
      this.ctx.model.setWeights(tensors);
    } finally {
      tensors.forEach((t) => t.dispose());
    }
    this.best = null;
    this.queue(Math.max(1, lastEpoch), 'EarlyStopping', message);
    this.flush();
    return true;
  }
}
