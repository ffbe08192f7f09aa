// `lenet-lab inspect RUN_DIR`: every layer's output and kernels for one input, through the same
// worker request as the panel. --json prints the answer as one JSON object; otherwise a table of
// layers and value ranges.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { formatShape, npyValues, parseNpy } from '../data/npy';
import { WorkerClient } from '../client/workerClient';
import type { BackendChoice, TensorValues, WorkerEvent } from '../shared/protocol';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../shared/geometry';
import { UsageError, type OptSpec } from './args';
import { decodePng, PngError } from './png';
import { errorMessage } from '../shared/errors';

type Activations = Extract<WorkerEvent, { type: 'activations' }>;

export const INSPECT_USAGE = 'lenet-lab inspect RUN_DIR [--image N | --input FILE.png|.npy] [--layer NAME] [--json]';

export function inspectOptions(common: { backend: OptSpec; help: OptSpec }): Record<string, OptSpec> {
  return {
    image: { kind: 'int', min: 0, help: 'index of a test image of the run\'s dataset (default 0)' },
    input: { kind: 'string', help: 'a 28x28 image: .png (light digit on dark, like MNIST) or .npy (0..1 floats or 0..255 uint8)' },
    layer: { kind: 'string', help: 'only this layer (its output and kernel)' },
    json: { kind: 'flag', help: 'print the answer as one JSON object' },
    backend: common.backend,
    help: common.help,
  };
}

/** A runtime failure of inspect: one line on stderr, exit 1. */
class InspectError extends Error {}

/** The 784 pixels (0..1) of an input file, with the checks a person needs to fix it. */
export function readInputFile(file: string): { pixels: number[]; warning?: string } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new InspectError(`cannot read --input ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
  const ext = extname(file).toLowerCase();
  let values: ArrayLike<number>;
  let shapeText: string;
  if (ext === '.png') {
    let img;
    try {
      img = decodePng(buf, file);
    } catch (err) {
      if (err instanceof PngError) throw new InspectError(err.message);
      throw err;
    }
    if (img.width !== IMAGE_SIDE || img.height !== IMAGE_SIDE) throw new InspectError(`${file} is ${img.width}x${img.height} pixels; the model takes 28x28 images (resize it first)`);
    values = img.values;
    shapeText = '28x28';
  } else if (ext === '.npy') {
    let arr;
    try {
      arr = parseNpy(buf, file, 'Save one image with numpy.save.');
    } catch (err) {
      throw new InspectError(errorMessage(err));
    }
    shapeText = formatShape(arr.shape);
    if (arr.shape.filter((d) => d !== 1).join('x') !== `${IMAGE_SIDE}x${IMAGE_SIDE}` && !(arr.shape.length === 1 && arr.shape[0] === IMAGE_PIXELS)) {
      throw new InspectError(`${file} has shape ${shapeText}; one 28x28 image is needed ((28, 28), (28, 28, 1), (1, 28, 28, 1) or (784,))`);
    }
    const raw = npyValues(arr);
    let max = -Infinity, min = Infinity;
    for (let i = 0; i < raw.length; i++) {
      if (!Number.isFinite(raw[i])) throw new InspectError(`${file}: value ${i} is ${raw[i]}; pixels must be finite`);
      max = Math.max(max, raw[i]);
      min = Math.min(min, raw[i]);
    }
    const scale = arr.kind === 'f' ? 1 : 255;
    if (min < 0 || max > scale) {
      throw new InspectError(`${file}: values range ${min}..${max}; expected ${arr.kind === 'f' ? 'floats 0..1 (divide 0..255 values by 255)' : 'integers 0..255'}`);
    }
    values = Array.from(raw, (v) => v / scale);
  } else {
    throw new InspectError(`--input ${file}: use a .png or .npy file`);
  }
  const pixels = Array.from(values);
  const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
  // MNIST digits are light strokes on black; a dark digit on white gives meaningless answers.
  const warning = mean > 0.5
    ? `${file} is mostly light (mean ${mean.toFixed(2)}); MNIST digits are light on a dark background, so invert it if the digit is dark`
    : undefined;
  return { pixels, warning };
}

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

/** A table of tensors: label, shape, min, max, mean; numbers right-aligned. */
function table(head: string, items: (TensorValues & { label: string })[]): string[] {
  const cells = [[head, 'Shape', 'Min', 'Max', 'Mean'], ...items.map((t) => [t.label, formatShape(t.shape), num(t.min), num(t.max), num(t.mean)])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const lines = cells.map((r) => r.map((s, c) => (c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ').trimEnd());
  return [lines[0], '-'.repeat(Math.max(...lines.map((l) => l.length))), ...lines.slice(1)];
}

const isDistribution = (v: number[]) =>
  v.length > 1 && v.every((x) => x >= 0 && x <= 1) && Math.abs(v.reduce((a, b) => a + b, 0) - 1) < 1e-3;

/** The short text form: the input, then each layer's and kernel's shape and value range. */
export function activationsText(e: Activations): string {
  const input = e.input.kind === 'test'
    ? `test image ${e.input.index} of ${e.input.dataset} (label ${e.input.label})`
    : 'the given image';
  const out = [`Model: ${e.model}`, `Input: ${input}`, ''];
  out.push(...table('Layer (type)', e.layers.map((l) => ({ ...l, label: `${l.name} (${l.type})` }))));
  if (e.kernels.length) out.push('', ...table('Kernel', e.kernels.map((k) => ({ ...k, label: k.name }))));
  const last = e.layers[e.layers.length - 1];
  if (last && !last.shown && isDistribution(last.values)) {
    const best = last.values.indexOf(Math.max(...last.values));
    out.push('', `Prediction: ${best} (${last.values[best].toFixed(4)})`);
  }
  for (const n of e.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}

export interface InspectDeps {
  workerPath: string;
  backend: BackendChoice;
  /** The worker, so a closed output pipe can end it. */
  onClient?: (client: WorkerClient) => void;
}

/** Runs inspect; resolves with the exit code (0 ok, 1 runtime error, 2 usage or bad argument). */
export async function inspect(opts: Record<string, unknown>, positionals: string[], deps: InspectDeps): Promise<number> {
  const [runDir] = positionals;
  if (!runDir) throw new UsageError(`inspect needs a run folder (usage: ${INSPECT_USAGE})`);
  if (opts.image !== undefined && opts.input !== undefined) throw new UsageError('--image and --input cannot be used together: give one input');
  let source: { pixels: number[] } | { testIndex: number };
  try {
    if (typeof opts.input === 'string') {
      const { pixels, warning } = readInputFile(opts.input);
      if (warning) process.stderr.write(`warning: ${warning}\n`);
      source = { pixels };
    } else {
      source = { testIndex: (opts.image as number | undefined) ?? 0 };
    }
  } catch (err) {
    if (!(err instanceof InspectError)) throw err;
    process.stderr.write(`lenet-lab: error: ${err.message}\n`);
    return 1;
  }
  const client = new WorkerClient({ workerPath: deps.workerPath, backend: deps.backend });
  deps.onClient?.(client);
  try {
    client.send({ type: 'activations', id: 1, modelDir: resolve(runDir), layer: opts.layer as string | undefined, ...source });
    const e = await client.waitFor('activations');
    if (opts.json) {
      const { v, id, ...rest } = e;
      void v;
      void id;
      process.stdout.write(JSON.stringify(rest) + '\n');
    } else {
      process.stdout.write(activationsText(e));
    }
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    process.stderr.write(`lenet-lab: error: ${errorMessage(err)}\n`);
    return code === 'BAD_CONFIG' ? 2 : 1;
  } finally {
    await client.dispose();
  }
}
