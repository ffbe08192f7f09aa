// lenet-lab: the headless CLI. Same worker as the extension; prints like Keras on a terminal,
// one line per epoch in logs, and every protocol event as a JSON line with --json.
// Exit codes: 0 ok, 1 runtime error (data, model, worker, disk), 2 usage error, 128+N stopped by
// signal N (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP), 141 output pipe closed (e.g. `| head`).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDatasetName } from '../data/datasets';
import { LENET5 } from '../model/lenet';
import { inferModel } from '../model/infer';
import type { ModelSpec } from '../model/spec';
import { formatSummary, toSummaryInfo } from '../model/summary';
import type { BackendChoice, TrainConfig, WorkerEvent } from '../shared/protocol';
import { DEFAULT_IDLE_TIMEOUT_MS, WorkerClient, type CommandBody } from '../client/workerClient';
import { BACKEND_CHOICES, LIMITS, OPTIMIZERS } from '../shared/trainOptions';
import { optionsHelp, parseArgs, UsageError, type OptSpec } from './args';
import { loadModelFile, ModelFileError, registerModelLoader } from './modelFile';
import { sourceModelLoader } from './sourceModelLoader';
import { inspect, inspectOptions, INSPECT_USAGE } from './inspect';
import { KerasProgress } from './progress';
import { CALLBACK_OPTS, callbackConfig } from './callbackOptions';
import { EXPORT_OPTS, EXPORT_USAGE, runExport } from './exportCommand';
import { isKerasFile, kerasModelSpec } from './kerasModelFile';
import { KerasFormatError } from '../keras/modelConfig';
import { datasetText, doneText, evaluationText, readyText, stoppedText } from './render';
import { trainStepText } from '../shared/trainStepText';
import { errorMessage } from '../shared/errors';
import { readResumable, ResumeError, resumeRequest, resumeTotal } from '../shared/resumable';
import { parseModelSpec } from '../model/validate';

const DEFAULT_OUT = join('.lenet', 'runs');

const help: OptSpec = { kind: 'flag', help: 'show this help' };
const json: OptSpec = { kind: 'flag', help: 'print every worker event as one JSON object per line' };
const backend: OptSpec = { kind: 'string', choices: BACKEND_CHOICES, help: 'auto (tfjs-node, else wasm, else cpu), tensorflow, wasm or cpu (default auto)' };
const out: OptSpec = { kind: 'string', help: `folder of the run folders (default ${DEFAULT_OUT})` };

const SUMMARY_OPTS: Record<string, OptSpec> = { json: { kind: 'flag', help: 'print the summary as JSON' }, help };
const TRAIN_OPTS: Record<string, OptSpec> = {
  dataset: { kind: 'string', help: 'auto, mnist-sample, mnist, fashion-mnist, idx:FOLDER or npz:FILE (default auto: MNIST if cached or downloadable, else the bundled sample)' },
  epochs: { kind: 'int', ...LIMITS.epochs, help: 'epochs (default 50, as in the seed)' },
  'batch-size': { kind: 'int', ...LIMITS.batchSize, help: 'batch size (default 64)' },
  'learning-rate': { kind: 'number', positive: true, ...LIMITS.learningRate, help: 'learning rate (default 0.01, Keras SGD)' },
  optimizer: { kind: 'string', choices: OPTIMIZERS, help: 'sgd, momentum, adam or rmsprop (default sgd)' },
  backend,
  limit: { kind: 'int', ...LIMITS.limit, help: 'use only the first N training images (default 0 = all)' },
  seed: { kind: 'int', ...LIMITS.seed, help: 'seed for weights and shuffling (default 42)' },
  out,
  resume: { kind: 'string', help: "continue this run folder after its last completed epoch, with the run's own settings (--epochs: the new total, default the run's)" },
  model: { kind: 'string', help: 'a model file: *.lenet.json, Keras code in .py/.ipynb, TF.js code in .ts/.js, or a Keras .h5 model (its architecture and weights; default: the seed\'s LeNet-5)' },
  ...CALLBACK_OPTS,
  json,
  help,
};
const EVAL_OPTS: Record<string, OptSpec> = {
  model: { kind: 'string', help: 'a saved model folder (a run folder or its best/) or a Keras .h5 file; default: the latest run in --out' },
  dataset: { kind: 'string', help: 'dataset to evaluate on (default: the one the model was trained on)' },
  out, backend, json, help,
};
const DEMO_OPTS: Record<string, OptSpec> = {
  epochs: { kind: 'int', ...LIMITS.epochs, help: 'epochs (default 3)' },
  backend, out, json, help,
};

const USAGE = `lenet-lab: train the classic LeNet-5 (the seed's Keras model) on MNIST with TensorFlow.js

Usage:
  lenet-lab summary [--json] [FILE]     Keras-style summary of the seed's LeNet-5 or a model file
  lenet-lab train [options]             train (defaults: the seed's 50 epochs, batch 64, SGD 0.01)
  lenet-lab train --resume RUN_DIR      continue a stopped or interrupted run in its folder
  lenet-lab evaluate [options]          test-set report of the latest (or a given) trained model
  lenet-lab demo [options]              summary, 3 epochs on the bundled MNIST sample, test accuracy
  lenet-lab export RUN_DIR [--out F.h5] a trained run's model as a Keras .h5 file
  lenet-lab inspect RUN_DIR [options]   every layer's output and kernels for one input
  lenet-lab COMMAND --help              options of a command

Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 stopped with Ctrl+C (143 SIGTERM, 129 SIGHUP),
141 output pipe closed.
`;

const COMMANDS: Record<string, { opts: Record<string, OptSpec>; usage: string; positionals?: number }> = {
  summary: { opts: SUMMARY_OPTS, usage: 'lenet-lab summary [--json] [FILE]', positionals: 1 },
  train: { opts: TRAIN_OPTS, usage: 'lenet-lab train [options]' },
  evaluate: { opts: EVAL_OPTS, usage: 'lenet-lab evaluate [options]' },
  demo: { opts: DEMO_OPTS, usage: 'lenet-lab demo [options]' },
  export: { opts: EXPORT_OPTS, usage: EXPORT_USAGE, positionals: 1 },
  inspect: { opts: inspectOptions({ backend, help }), usage: INSPECT_USAGE, positionals: 1 },
};

/** Runtime failure: one line on stderr, exit 1 (or the given code). */
class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function workerPath(): string {
  for (const p of [join(__dirname, 'worker.js'), join(__dirname, '..', '..', 'dist', 'worker.js')]) {
    if (existsSync(p)) return p;
  }
  throw new CliError('the training worker (dist/worker.js) is missing: run npm run build');
}

// Keras/TF.js source files (.py, .ipynb, .ts, .js): read by the same code as the editor hovers.
registerModelLoader(sourceModelLoader);

function modelFrom(file: string | undefined): ModelSpec {
  if (!file) return LENET5;
  try {
    return loadModelFile(file);
  } catch (err) {
    if (err instanceof ModelFileError) throw new CliError(err.message);
    throw err;
  }
}

/** modelFrom, plus Keras .h5 files (read asynchronously). */
async function modelFromAny(file: string | undefined): Promise<ModelSpec> {
  if (!isKerasFile(file)) return modelFrom(file);
  try {
    return await kerasModelSpec(file);
  } catch (err) {
    throw new CliError(errorMessage(err));
  }
}

async function summary(opts: Record<string, unknown>, positionals: string[]): Promise<number> {
  const spec = await modelFromAny(positionals[0]);
  let inferred;
  try {
    inferred = inferModel(spec);
  } catch (err) {
    throw new CliError(`${positionals[0] ?? 'model'}: ${errorMessage(err)}`);
  }
  process.stdout.write(opts.json ? JSON.stringify(toSummaryInfo(inferred)) + '\n' : formatSummary(inferred));
  return 0;
}

interface Session {
  json: boolean;
  spec: ModelSpec;
  backend: BackendChoice;
  /** Training uses only the first N images (0 = all): said next to the dataset's size. */
  limit?: number;
  /** Evaluate the trained run after `done` (the demo). */
  evaluateAfter?: boolean;
}

/** The running worker, so a closed output pipe can end it. */
let activeClient: WorkerClient | undefined;

// The reader of our output went away (`lenet-lab train --json | head -3`): end quietly like a Unix
// tool on SIGPIPE (exit 141, no EPIPE stack trace), and take the worker down with us.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  activeClient?.kill();
  process.exit(141);
});

/** Runs one worker job (train, optionally followed by evaluate; or evaluate) and renders its events. */
/** LENET_LAB_WORKER_TIMEOUT_MS: longest silence of the worker before the request fails. */
function idleTimeoutMs(): number {
  const v = process.env.LENET_LAB_WORKER_TIMEOUT_MS;
  if (v === undefined || v === '') return DEFAULT_IDLE_TIMEOUT_MS;
  if (!/^\d+$/.test(v)) throw new UsageError(`LENET_LAB_WORKER_TIMEOUT_MS must be a whole number of milliseconds (0 = no limit), got '${v}'`);
  return Number(v);
}

const STOP_SIGNALS = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

function runWorker(session: Session, first: CommandBody): Promise<number> {
  const client = new WorkerClient({ workerPath: workerPath(), backend: session.backend, idleTimeoutMs: idleTimeoutMs() });
  activeClient = client;
  const progress = new KerasProgress(process.stdout);
  const say = (s: string) => {
    progress.breakLine();
    process.stdout.write(s + '\n');
  };
  let interrupts = 0;
  let exitCode = 0;
  let lastDownload = '';

  return new Promise<number>((resolvePromise) => {
    let finished = false;
    const offSignals = () => {
      for (const sig of Object.keys(STOP_SIGNALS) as StopSignal[]) process.off(sig, onSignal);
    };
    const finish = (code: number) => {
      finished = true;
      offSignals();
      exitCode = code;
      void client.dispose().then(() => resolvePromise(exitCode));
    };
    // Ctrl+C, SIGTERM (timeout, docker stop, systemd) and SIGHUP (terminal closed) alike: the first
    // stops a training at the next batch and saves it, the second (or any during evaluate) quits.
    const onSignal = (sig: StopSignal) => {
      interrupts++;
      if (interrupts === 1 && first.type === 'train') {
        progress.breakLine();
        const again = sig === 'SIGINT' ? 'press Ctrl+C again' : `send ${sig} again`;
        process.stderr.write(`Stopping at the next batch and saving the weights (${again} to quit now)\n`);
        client.stop();
        exitCode = 128 + STOP_SIGNALS[sig];
      } else {
        client.kill();
        offSignals();
        resolvePromise(128 + STOP_SIGNALS[sig]);
      }
    };
    for (const sig of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(sig, onSignal);

    client.onEvent((e: WorkerEvent) => {
      if (finished) return; // e.g. a second error from a command queued behind the first one
      if (session.json) process.stdout.write(JSON.stringify(e) + '\n');
      switch (e.type) {
        case 'error': {
          // Also with --json: stdout has the event for scripts, stderr the line for people.
          progress.breakLine();
          process.stderr.write(`lenet-lab: error: ${e.message}\n`);
          if (interrupts >= 2) return;
          finish(e.code === 'BAD_CONFIG' ? 2 : 1);
          return;
        }
        case 'done': {
          if (!session.json) say(doneText(e));
          if (session.evaluateAfter && e.runDir && !e.stopped) {
            if (!session.json) say('\nEvaluating on the test set...');
            client.send({ type: 'evaluate', modelDir: e.runDir });
          } else {
            finish(exitCode);
          }
          return;
        }
        case 'evaluation':
          if (!session.json) say(evaluationText(e));
          finish(exitCode);
          return;
      }
      if (session.json) return;
      switch (e.type) {
        case 'ready': say(readyText(e)); break;
        case 'dataset':
          say(datasetText(e));
          break;
        case 'summary': say(formatSummary(inferModel(session.spec)).trimEnd()); break;
        case 'trainStep': say(`Training step: ${trainStepText(e)}`); break;
        case 'downloadProgress': {
          const pct = e.total ? ` ${Math.floor((100 * e.bytes) / e.total)}%` : '';
          if (process.stdout.isTTY) process.stdout.write(`\rDownloading ${e.file}${pct} (${(e.bytes / 1e6).toFixed(1)} MB)\x1b[K`);
          else if (e.file !== lastDownload) say(`Downloading ${e.file}`);
          lastDownload = e.file;
          if (process.stdout.isTTY && e.total && e.bytes >= e.total) process.stdout.write('\n');
          break;
        }
        case 'log': progress.breakLine(); process.stderr.write(`${e.level === 'warn' ? 'warning: ' : ''}${e.message}\n`); break;
        case 'epochBegin': progress.epochBegin(e.epoch, e.epochs, e.batches); break;
        case 'batchEnd': progress.batchEnd(e.batch, e.batches, e.loss, e.acc); break;
        case 'epochEnd': progress.epochEnd(e, e.epochs); break;
        case 'stopped': say(stoppedText(e)); break;
        case 'callback': say(e.message); break;
      }
    });
    client.send(first);
  });
}

/** Unknown dataset names are usage errors, caught before a worker starts. */
function checkDataset(name: unknown): void {
  if (typeof name !== 'string') return;
  try {
    parseDatasetName(name);
  } catch (err) {
    throw new UsageError(`--dataset: ${errorMessage(err)}`);
  }
}

/** A folder option that names an existing file is a usage error, found before a worker starts. */
function checkFolder(option: string, value: unknown): void {
  if (typeof value !== 'string') return;
  let isDir = true;
  try {
    isDir = statSync(value).isDirectory();
  } catch {
    return; // missing: --out is created, a missing --model is reported by the worker
  }
  if (!isDir) throw new UsageError(`${option} ${value} is a file; it needs a folder${option === '--out' ? ' (the one holding the run folders)' : ' (a run folder or its best/)'}`);
}

function trainConfig(o: Record<string, string | number | boolean>, spec: ModelSpec, defaults: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: (o.dataset as string) ?? defaults.dataset ?? 'auto',
    epochs: (o.epochs as number) ?? defaults.epochs ?? 50,
    batchSize: (o['batch-size'] as number) ?? 64,
    learningRate: (o['learning-rate'] as number) ?? 0.01,
    optimizer: ((o.optimizer as string) ?? 'sgd') as TrainConfig['optimizer'],
    backend: ((o.backend as string) ?? 'auto') as BackendChoice,
    seed: (o.seed as number) ?? 42,
    limit: (o.limit as number) ?? 0,
    outDir: resolve((o.out as string) ?? DEFAULT_OUT),
    cacheDir: '',
    ...(spec !== LENET5 ? { model: spec } : {}),
    ...callbackConfig(o),
  };
}

/** Options that may go with --resume: the rest are the run's own settings, kept from its config.json. */
const RESUME_OPTS = ['resume', 'epochs', 'backend', 'json'];

/** train --resume RUN_DIR: checked here (usage errors, exit 2; a damaged run, exit 1), then the worker goes on in the folder. */
async function resume(opts: Record<string, string | number | boolean>, backendChoice: BackendChoice): Promise<number> {
  const extra = Object.keys(opts).find((k) => !RESUME_OPTS.includes(k));
  if (extra) throw new UsageError(`--${extra} cannot go with --resume: a resumed run keeps its own settings (with --resume: --epochs N for the new total, --backend, --json)`);
  let config: TrainConfig;
  let spec: ModelSpec = LENET5;
  try {
    const r = readResumable(opts.resume as string);
    config = resumeRequest(r, resumeTotal(r, opts.epochs as number | undefined), backendChoice, '');
    if (r.model !== undefined) spec = parseModelSpec(r.model, `${join(r.runDir, 'config.json')} model`);
  } catch (err) {
    if (err instanceof ResumeError && !err.damaged) throw new UsageError(err.message);
    throw new CliError(errorMessage(err));
  }
  return runWorker({ json: !!opts.json, spec, backend: backendChoice }, { type: 'train', config });
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const def = COMMANDS[command];
  if (!def) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; see lenet-lab --help)`);
  const { opts, positionals } = parseArgs(command, rest, def.opts, def.positionals ?? 0);
  if (opts.help) {
    process.stdout.write(`Usage: ${def.usage}\n\nOptions:\n${optionsHelp(def.opts)}\n`);
    return 0;
  }
  const backendChoice = ((opts.backend as string) ?? 'auto') as BackendChoice;
  checkDataset(opts.dataset);
  checkFolder('--out', opts.out);
  // evaluate --model takes a run folder, its best/, or a Keras .h5 file.
  if (command === 'evaluate' && !isKerasFile(opts.model as string | undefined)) checkFolder('--model', opts.model);
  const batch = opts['batch-size'];
  if (typeof batch === 'number' && typeof opts.limit === 'number' && opts.limit > 0 && batch > opts.limit) {
    throw new UsageError(`--batch-size ${batch} is larger than --limit ${opts.limit} (the images a run trains on)`);
  }
  idleTimeoutMs();
  switch (command) {
    case 'summary':
      return summary(opts, positionals);
    case 'export':
      try {
        return await runExport(opts, positionals);
      } catch (err) {
        if (err instanceof KerasFormatError) throw new CliError(err.message);
        throw err;
      }
    case 'train': {
      if (opts.resume !== undefined) return resume(opts, backendChoice);
      const file = opts.model as string | undefined;
      const spec = await modelFromAny(file);
      const config = { ...trainConfig(opts, spec), ...(isKerasFile(file) ? { initialWeights: resolve(file) } : {}) };
      return runWorker({ json: !!opts.json, spec, backend: backendChoice, limit: config.limit }, { type: 'train', config });
    }
    case 'demo': {
      const config = trainConfig(opts, LENET5, { dataset: 'mnist-sample', epochs: 3 });
      return runWorker({ json: !!opts.json, spec: LENET5, backend: backendChoice, evaluateAfter: true }, { type: 'train', config });
    }
    case 'evaluate':
      return runWorker({ json: !!opts.json, spec: LENET5, backend: backendChoice }, {
        type: 'evaluate',
        outDir: resolve((opts.out as string) ?? DEFAULT_OUT),
        backend: backendChoice,
        ...(opts.model ? { modelDir: resolve(opts.model as string) } : {}),
        ...(opts.dataset ? { dataset: opts.dataset as string } : {}),
      });
    case 'inspect':
      return inspect(opts, positionals, { workerPath: workerPath(), backend: backendChoice, onClient: (c) => (activeClient = c) });
  }
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof UsageError ? 2 : err instanceof CliError ? err.exitCode : 1;
    process.stderr.write(`lenet-lab: ${code === 2 ? 'usage' : 'error'}: ${(err as Error)?.message ?? String(err)}\n`);
    if (!(err instanceof UsageError || err instanceof CliError) && process.env.LENET_LAB_DEBUG) {
      process.stderr.write(`${(err as Error)?.stack}\n`);
    }
    process.exitCode = code;
  },
);
