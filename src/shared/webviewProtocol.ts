// Messages between the extension host and the training panel's webview. The webview is untrusted:
// the host validates every WebviewMessage (see src/host/webviewMessages.ts) before acting on it.
import type { InsideRecording } from './insideRecording';
import type {
  BackendName, CallbackNote, ClassAverages, ClassMetrics, EpochMetrics, MisclassifiedCell, SummaryInfo, TestImage, WorkerEvent,
} from './protocol';

export type { CallbackNote };

export type RunStatus =
  | 'idle' | 'starting' | 'loading' | 'training' | 'stopping' | 'stopped' | 'done'
  | 'evaluating' | 'error'
  // A run a window reload or a crash cut short: its folder keeps the epochs saved; it can resume.
  | 'interrupted';

export interface EvaluationResult {
  modelDir: string; dataset: string; classes: string[];
  loss: number; acc: number; confusion: number[][]; perClass: ClassMetrics[]; averages: ClassAverages;
  misclassified: MisclassifiedCell[];
}

/** What a run folder says about its run (the live one is running). */
export type RunFolderStatus = 'running' | 'done' | 'stopped' | 'interrupted' | 'failed';

/** Which model a run trained: its name, the file it came from, its size, its optimizer. */
export interface RunModelInfo {
  name: string;
  /** The model file's name (a path or URI's last part), when trained from one. */
  source?: string;
  layers: number;
  params: number;
  optimizer?: string;
  learningRate?: number;
}

/** A run, as its folder describes it (the run store's entity, as the panel sees it). */
export interface RunInfo {
  runDir: string;
  name: string;
  /** The run's label: set by the user, else "<model name> · <start time>". */
  label: string;
  /** The user's notes on the run. */
  notes?: string;
  status: RunFolderStatus;
  /** Why a run failed or was interrupted. */
  reason?: string;
  dataset?: string;
  epochs: number;
  final?: EpochMetrics;
  best?: { epoch: number; val_acc: number };
  model?: RunModelInfo;
  /** A saved model to evaluate, try or export. */
  hasModel: boolean;
  startedAt?: string;
}

/** At most this many runs are compared at once (one colour each). */
export const MAX_COMPARED_RUNS = 6;

/** One run of a comparison, read from its folder (config.json, metrics.csv, summary.json). */
export interface ComparedRun {
  runDir: string;
  label: string;
  /** Model name, parameter count and the file it was trained from, e.g. "sequential · 61,706 params". */
  model: string;
  dataset?: string;
  /** Training images the run used (after the limit). */
  trainImages?: number;
  optimizer?: string;
  learningRate?: number;
  batchSize?: number;
  /** Epochs asked for, and completed (metrics.csv's rows). */
  epochs: number;
  epochsDone: number;
  /** The epoch with the highest val_accuracy (the first of equals, as best/ keeps it). */
  bestEpoch?: number;
  bestValAcc?: number;
  secondsPerEpoch?: number;
  history: EpochMetrics[];
}

/**
 * Per-batch series, x = fractional epoch (epoch - 1 + batch / batches). Decimated by
 * reducePanelState (src/shared/panelState.ts): each point is the mean of `stride` batches
 * (the last point of `lastCount` so far); both absent = 1.
 */
export interface BatchSeries { x: number[]; loss: number[]; acc: number[]; stride?: number; lastCount?: number }

/** Everything the panel shows; the host keeps it so a reopened or restored panel shows it all. */
export interface PanelState {
  status: RunStatus;
  message?: string;
  backend?: { name: BackendName; reason: string };
  /** The training step of the live run: its label and why the fused step declined, if it did. */
  trainStep?: { label: string; reason?: string };
  /** train: images the run trains on; available: training images in the dataset, when known. */
  dataset?: { name: string; source: string; train: number; available?: number; test: number; classes: string[] };
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  samplesPerSecond?: number;
  etaSeconds?: number;
  /** Wall-clock ms (Date.now) when the current epoch began; for the ETA inside the first epoch. */
  epochStartedAt?: number;
  summary?: SummaryInfo;
  history: EpochMetrics[];
  batchSeries: BatchSeries;
  evaluation?: EvaluationResult;
  runDir?: string;
  runs: RunInfo[];
  /** Set when the panel shows a past run instead of the live one. */
  viewingRun?: string;
  /** The run the panel shows (live or past), as the run store describes it: the header names it. */
  run?: RunInfo;
  /** What the run does differently from its model file (e.g. the file's optimizer). */
  notice?: string;
  /** The model try-it and Inside the network answer with (a run's label, or a Keras file's name). */
  answering?: string;
  /** What the run's callbacks did, in order (absent: nothing). */
  callbacks?: CallbackNote[];
}

// host -> webview
export type HostMessage =
  | { type: 'state'; state: PanelState }
  | { type: 'event'; event: WorkerEvent }
  | { type: 'runs'; runs: RunInfo[] }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'predictionError'; id: number; message: string }
  // The images of one page of a confusion cell's misclassified images, in the cell's order.
  | { type: 'misclassifiedPage'; id: number; images: TestImage[] }
  | { type: 'misclassifiedPageError'; id: number; message: string }
  // The answer to an inspect request: the worker's activations event (its id is the webview's).
  // source: the model file the run was trained from (its layers link to their code), when known.
  | { type: 'activations'; id: number; result: Omit<Extract<WorkerEvent, { type: 'activations' }>, 'v'>; source?: string }
  | { type: 'activationsError'; id: number; message: string }
  // The shown run's recording of its probe images over training (inside.json.gz), checked.
  | { type: 'insideRecording'; id: number; runDir: string; recording: InsideRecording; source?: string }
  | { type: 'insideRecordingError'; id: number; message: string }
  /** Show this layer in "Inside the network" (the editor hover's "Show activations"). */
  | { type: 'showLayer'; layer: string }
  /** The answer to compareRuns: the runs in the order asked. */
  | { type: 'comparison'; id: number; runs: ComparedRun[] }
  | { type: 'comparisonError'; id: number; message: string };

// webview -> host (untrusted)
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'command'; command: 'start' | 'stop' | 'evaluate' }
  | { type: 'predict'; id: number; pixels: number[] }
  /** Page `page` (0-based) of the shown evaluation's misclassified images of true class `label` predicted as `predicted`. */
  | { type: 'misclassifiedPage'; id: number; label: number; predicted: number; page: number }
  /** Every layer's output and kernels of the shown run's model (best: its best/) for a drawing
   *  (784 values 0..1) or a test image of its dataset. */
  | { type: 'inspect'; id: number; best: boolean; pixels: number[] }
  | { type: 'inspect'; id: number; best: boolean; testIndex: number }
  | { type: 'inspectTraining'; id: number }
  /** Open the source line of this layer of the shown run's model. */
  | { type: 'openLayerSource'; layer: string }
  | { type: 'openRun'; runDir: string }
  | { type: 'showLive' }
  | { type: 'exportCsv'; runDir: string }
  | { type: 'exportKeras'; runDir: string }
  | { type: 'refreshRuns' }
  // The Runs row's actions (evaluate, resume, reveal, rename, delete act on that run).
  | { type: 'runAction'; action: RunAction; runDir: string }
  /** Overlay these listed runs (2 to MAX_COMPARED_RUNS, distinct). */
  | { type: 'compareRuns'; id: number; runDirs: string[] };

export const RUN_ACTIONS = ['evaluate', 'resume', 'reveal', 'rename', 'delete'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];
