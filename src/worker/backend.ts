// Picks the TensorFlow.js backend: native tfjs-node ('tensorflow') when it loads, else WebAssembly
// with our extra training kernels, else the pure-JS cpu backend. Reports which one runs and why the
// better ones did not, so the user knows what speed to expect and how to get more.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendChoice, BackendName } from '../shared/protocol';
import { BACKEND_NAMES } from '../shared/trainOptions';
import { WorkerError } from './errors';
import { registerWasmKernels } from './kernels';
import { createWasmTrainStep } from './parallel';
import type { Tf } from './tf';
import { defaultTrainStep, type TrainStepFactory } from './trainStep';

export interface BackendInfo {
  tf: Tf;
  backend: BackendName;
  /** The training step for this backend: on wasm our own, elsewhere tfjs's. */
  createTrainStep: TrainStepFactory;
  /** Why this backend: the reasons the better ones were skipped. */
  reason: string;
  versions: Record<string, string>;
}

const CPU_WARNING =
  'the pure-JavaScript cpu backend is 100 or more times slower than wasm (one epoch of 60,000 images takes about an hour)';

let bundledTf: Tf | undefined;
/** The bundled tfjs, loaded on first use so a working tfjs-node does not load a second copy. */
function loadBundledTf(): Tf {
  if (!bundledTf) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bundledTf = require('@tensorflow/tfjs') as Tf;
    // PROD silences tfjs's console chatter (e.g. "install tfjs-node") that would corrupt the CLI's
    // --json output, and skips per-op debug checks.
    bundledTf.env().set('PROD', true);
  }
  return bundledTf;
}

function short(err: unknown): string {
  const m = (err as { message?: unknown })?.message;
  const s = typeof m === 'string' ? m : String(err);
  return s.split('\n')[0].slice(0, 300);
}

/** tfjs-node; throws with a one-line reason when it is missing or broken (e.g. no libtensorflow). */
async function tryTensorflow(): Promise<Tf> {
  let tfn: Tf;
  try {
    // Kept external by esbuild: resolved at run time from node_modules (optionalDependency).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tfn = require('@tensorflow/tfjs-node') as Tf;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && short(err).includes("'@tensorflow/tfjs-node'")) {
      throw new Error('@tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node for native speed)');
    }
    throw new Error(`@tensorflow/tfjs-node failed to load: ${short(err)}`);
  }
  if (!(await tfn.setBackend('tensorflow'))) throw new Error('@tensorflow/tfjs-node loaded but its backend did not start');
  tfn.env().set('PROD', true);
  return tfn;
}

/** Folder holding tfjs-backend-wasm*.wasm: next to the bundle (dist/), or the package when run from sources. */
export function wasmDir(): string {
  const candidates = [
    __dirname,
    join(__dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'),
  ];
  for (const d of candidates) if (existsSync(join(d, 'tfjs-backend-wasm-simd.wasm'))) return d;
  throw new Error(`tfjs-backend-wasm-simd.wasm not found in ${candidates.join(' or ')} (run npm run build)`);
}

async function tryWasm(): Promise<Tf> {
  const tf = loadBundledTf();
  // Registering the backend is a side effect of importing the package.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDir() + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  // Stock tfjs-backend-wasm lacks Conv2DBackpropFilter (and is slow on some others): add ours.
  registerWasmKernels(tf);
  return tf;
}

async function tryCpu(): Promise<Tf> {
  const tf = loadBundledTf();
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return tf;
}

/**
 * On wasm, our step: the fused wasm SIMD step for the models and optimizers it serves (unless
 * LENET_FUSED_STEP=0), else tfjs with no unused input gradient; each batch split over two threads
 * (one wasm instance per core) unless LENET_TRAIN_THREADS=1. tfjs-node and cpu keep tfjs's own step.
 */
function trainStepFor(backend: BackendName): TrainStepFactory {
  if (backend !== 'wasm') return defaultTrainStep;
  const fused = process.env.LENET_FUSED_STEP !== '0';
  // One thread sums each batch's gradient in one order: the same seed gives bit-identical runs
  // (two threads split batches by measured speed, so runs agree only to float rounding).
  const threads = process.env.LENET_TRAIN_THREADS === '1' ? 1 : undefined;
  return async (ctx) => (await createWasmTrainStep(ctx, { wasmDir: wasmDir(), onFallback: ctx.warn, fused, fusedOff: 'turned off by LENET_FUSED_STEP=0', threads }))
    ?? defaultTrainStep(ctx);
}

const ORDER: readonly BackendName[] = BACKEND_NAMES;
const TRY: Record<BackendName, () => Promise<Tf>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

function versionsOf(tf: Tf): Record<string, string> {
  const v: Record<string, string> = { node: process.versions.node };
  for (const [k, val] of Object.entries(tf.version)) if (typeof val === 'string') v[k] = val;
  return v;
}

/**
 * Starts a backend. 'auto' tries tensorflow, wasm, cpu in turn; a named choice uses only that one
 * and fails with a BACKEND error saying why.
 */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  const candidates = choice === 'auto' ? ORDER : [choice];
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      const tf = await TRY[name]();
      const reason = choice === 'auto' ? (skipped.length ? skipped.join('; ') : 'fastest available') : 'requested';
      return { tf, backend: name, reason, versions: versionsOf(tf), createTrainStep: trainStepFor(name) };
    } catch (err) {
      skipped.push(`${name}: ${short(err)}`);
    }
  }
  if (choice !== 'auto') {
    throw new WorkerError('BACKEND', `the ${choice} backend could not start: ${skipped[0].slice(choice.length + 2)}; choose backend auto (or another one)`);
  }
  throw new WorkerError('BACKEND', `no TensorFlow.js backend could start (${skipped.join('; ')})`);
}

export { CPU_WARNING };
