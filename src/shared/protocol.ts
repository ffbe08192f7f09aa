// The worker protocol: every message between the training worker (child process) and its parent
// (CLI or extension host). Discriminated unions; both sides validate what they receive with the
// parsers in ./protocolValidate.ts. Bump PROTOCOL_VERSION on any incompatible change.
import type { ModelSpec } from '../model/spec';

export const PROTOCOL_VERSION = 1;

import type { BackendChoice, BackendName, OptimizerName } from './trainOptions';

export type { BackendChoice, BackendName, OptimizerName };

export interface TrainConfig {
  /** 'auto' | 'mnist-sample' | 'mnist' | 'fashion-mnist' | 'idx:<folder>' | 'npz:<file>' */
  dataset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  backend: BackendChoice;
  seed: number;
  /** Use only the first N training images; 0 = all. */
  limit: number;
  /** Parent folder of run folders; each run gets <outDir>/<timestamp>. */
  outDir: string;
  /** Where downloaded datasets are cached. */
  cacheDir: string;
  /** Model to train; the seed's LeNet-5 when absent. */
  model?: ModelSpec;
  /** The file the model was read from (URI or path), kept in config.json to link layers to their code. */
  source?: string;
  /** A Keras .h5 file whose weights the model starts from (instead of Keras's initialisation). */
  initialWeights?: string;
  /** Write TensorBoard event files under RUN/logs (default true). */
  tensorboard?: boolean;
  /** Keras EarlyStopping; off when absent. */
  earlyStopping?: EarlyStoppingConfig;
  /** Keras ReduceLROnPlateau; off when absent. */
  reduceLrOnPlateau?: ReduceLrConfig;
  /** Per-epoch learning-rate schedule: `step:EVERY:FACTOR` or `cosine[:ALPHA]`; off when absent. */
  lrSchedule?: string;
  /** Continue this run folder from its last completed epoch (Keras initial_epoch); epochs is the new total. */
  resumeFrom?: string;
}

/** Keras's names of the epoch logs a callback can watch. */
export type MonitorName = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';
export type MonitorMode = 'auto' | 'min' | 'max';

export interface EarlyStoppingConfig {
  monitor: MonitorName;
  minDelta: number;
  patience: number;
  mode: MonitorMode;
  restoreBestWeights: boolean;
}

export interface ReduceLrConfig {
  monitor: MonitorName;
  factor: number;
  patience: number;
  minLr: number;
  minDelta: number;
  cooldown: number;
  mode: MonitorMode;
}

export interface LayerSummaryRow {
  name: string;
  type: string;
  /** Keras notation with null for the batch axis: [null, 28, 28, 6]. */
  outputShape: (number | null)[];
  params: number;
}

export interface SummaryInfo {
  layers: LayerSummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

/** One row of history; epoch is 1-based like Keras's progress output. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  acc: number;
  val_loss: number;
  val_acc: number;
  seconds: number;
  /** The optimizer's learning rate during the epoch; only when a callback changes it (CSVLogger's learning_rate column). */
  learning_rate?: number;
}

export interface ClassMetrics { precision: number; recall: number; f1: number; support: number }

/** scikit-learn's classification_report averages: macro (unweighted mean over classes) and weighted (by support). */
export interface ClassAverages { macro: ClassMetrics; weighted: ClassMetrics }

/**
 * The misclassified test images of one confusion-matrix cell (true class `label`, predicted class
 * `predicted`), in test-set order: parallel lists, one entry per image.
 */
export interface MisclassifiedCell {
  label: number;
  predicted: number;
  /** Indices into the test split. */
  indices: number[];
  /** The model's probability for the predicted class (4 decimals). */
  probability: number[];
  /** The model's probability for the true class (4 decimals). */
  trueProbability: number[];
}

/** One test image: pixels 0..255 (compact for the wire), row-major in the model's input shape. */
export interface TestImage { index: number; label: number; pixels: number[] }

export type CallbackName = 'EarlyStopping' | 'ReduceLROnPlateau' | 'LearningRateScheduler';

/** What a training callback did at (1-based) epoch: message is Keras's line, e.g. "Epoch 5: early stopping". */
export interface CallbackNote { epoch: number; callback: CallbackName; message: string; learningRate?: number }

// DISK: a run file could not be written (disk full, read-only, no permission); DIVERGED: the loss
// became NaN or infinite and training stopped; TIMEOUT: the worker went silent past its deadline.
/**
 * One tensor of an activations answer: a layer's output for one input (as Keras returns it from a
 * model cut at that layer, batch axis dropped) or a layer's kernel. Statistics cover the whole
 * tensor; `values` (row-major, e.g. height x width x channels) may cover only a leading box of it,
 * then `shown` is that box's shape (the first channels, filters or units).
 */
export interface TensorValues {
  shape: number[];
  min: number;
  max: number;
  mean: number;
  values: number[];
  shown?: number[];
}
/**
 * How a sliding-window layer (Conv2D and its depthwise/separable kin, pooling) maps its input's
 * pixels to its output's, as Keras configures it: what the receptive field of an output pixel needs.
 */
export interface LayerWindow {
  kernel: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  dilation: [number, number];
}
/** window: for sliding-window layers only; other layers keep or discard the spatial layout. */
export interface LayerActivation extends TensorValues { name: string; type: string; window?: LayerWindow }
/** name: the weight's name, e.g. "C1/kernel" (Conv2D: [kh, kw, in, filters]; Dense: [in, units]). */
export interface LayerKernel extends TensorValues { layer: string; name: string }
/** The image the activations are for: values 0..1 in the model's input shape. */
export interface ActivationInput {
  kind: 'pixels' | 'test';
  /** kind 'test': the test image's index, label and dataset. */
  index?: number;
  label?: number;
  dataset?: string;
  shape: number[];
  values: number[];
}

export type ErrorCode =
  | 'BAD_CONFIG' | 'BAD_MESSAGE' | 'DATA' | 'DOWNLOAD' | 'OFFLINE' | 'BACKEND' | 'MODEL'
  | 'NO_MODEL' | 'BUSY' | 'WORKER_EXITED' | 'DISK' | 'DIVERGED' | 'TIMEOUT' | 'INTERNAL' | 'RESUME';

interface V { v: number }

// worker -> parent
export type WorkerEvent = V & (
  | { type: 'ready'; backend: BackendName; reason: string; versions: Record<string, string> }
  | { type: 'downloadProgress'; file: string; bytes: number; total: number }
  // train: the images this run trains on (after TrainConfig.limit); available: the training images
  // the dataset has (optional; older workers sent only train, which then meant the whole split).
  | { type: 'dataset'; name: string; source: string; train: number; available?: number; test: number; classes: string[] }
  | ({ type: 'summary' } & SummaryInfo)
  // runDir: the run's folder (so a parent knows it before the run ends, e.g. across a window reload).
  | { type: 'epochBegin'; epoch: number; epochs: number; batches: number; numTensors?: number; runDir?: string }
  | { type: 'batchEnd'; epoch: number; batch: number; batches: number; loss: number; acc: number }
  // numTensors: tf.memory().numTensors after the epoch (leak checks in tests and the benchmark)
  | ({ type: 'epochEnd'; epochs: number; samplesPerSecond: number; numTensors?: number } & EpochMetrics)
  | { type: 'stopped'; epoch: number; batch: number }
  // A training callback acted at the end (or, for a schedule, the start) of the epoch.
  | ({ type: 'callback' } & CallbackNote)
  | { type: 'done'; history: EpochMetrics[]; runDir: string; stopped: boolean }
  | {
    type: 'evaluation'; modelDir: string; dataset: string; classes: string[];
    loss: number; acc: number; confusion: number[][]; perClass: ClassMetrics[]; averages: ClassAverages;
    /** Every misclassified test image, grouped by cell: the non-empty off-diagonal cells, by (label, predicted). */
    misclassified: MisclassifiedCell[];
  }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'testImages'; id: number; dataset: string; images: TestImage[] }
  // notes: what was left out to keep the answer bounded (empty when everything is there).
  | { type: 'activations'; id: number; model: string; input: ActivationInput; layers: LayerActivation[]; kernels: LayerKernel[]; notes: string[] }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  // The training step a run uses (config.json's trainStep), e.g. label "fused wasm (2 threads)";
  // reason: why the fused wasm step does not train this run, when it could have on this backend.
  | { type: 'trainStep'; name: string; label: string; reason?: string }
  // id: the predict, activations or testImages request this error answers (absent for every other error).
  | { type: 'error'; code: ErrorCode; message: string; id?: number }
);

// parent -> worker
export type WorkerCommand = V & (
  | { type: 'train'; config: TrainConfig }
  | { type: 'stop' }
  | { type: 'evaluate'; modelDir?: string; dataset?: string; outDir?: string; cacheDir?: string; backend?: BackendChoice }
  /** pixels: 784 values 0..1, row-major 28x28 like the training data. Without modelDir: the model
   *  trained last in this worker, else the latest run in outDir (or the last outDir used). */
  | { type: 'predict'; id: number; pixels: number[]; modelDir?: string; outDir?: string }
  /** Every layer's output and kernels for one input: pixels (0..1, the model's input shape,
   *  row-major) or testIndex (an image of the run's test split). layer: only that layer. */
  | { type: 'activations'; id: number; modelDir?: string; outDir?: string; cacheDir?: string; pixels?: number[]; testIndex?: number; layer?: string }
  /** Test images of a dataset (its name as an evaluation event gives it), at most MAX_TEST_IMAGES per request. */
  | { type: 'testImages'; id: number; dataset: string; cacheDir?: string; indices: number[] }
  | { type: 'shutdown' }
);

/** The most test images one testImages request may ask for (bounds one answer to about 200,000 values). */
export const MAX_TEST_IMAGES = 256;
