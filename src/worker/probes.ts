// Records, during training, what happens inside the network: three test images chosen by the run's
// seed (the probes) go through the model before training and after a log-spaced set of epochs
// (every epoch for short runs), with every layer's output and every kernel kept as 8-bit codes
// (src/shared/insideRecording.ts) in <run>/inside.json.gz. Bounded for any model: at most
// MAX_SNAPSHOTS snapshots of at most SNAPSHOT_VALUES codes each.
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import {
  checkRecording, quantize, RECORDING_FILE, RECORDING_FORMAT, RECORDING_VERSION, toBase64,
  type InsideRecording, type QuantizedTensor, type Snapshot,
} from '../shared/insideRecording';
import type { TensorValues } from '../shared/protocol';
import { permutation, rng } from '../shared/random';
import { computeActivations, type Limits } from './activations';
import type { Tf } from './tf';
import type { Split } from './metrics';
import { writeFileAtomic } from './runDir';

export const PROBES = 3;
/** Epoch 0 (the initial weights) and at most 11 trained epochs, the last one always among them. */
export const MAX_SNAPSHOTS = 12;
/** Per probe: LeNet-5's 8,214 output values fit whole (C1's 4,704 the largest). */
export const PROBE_LIMITS: Limits = { tensor: 8192, answer: 10_000 };
/** Kernels: C1 and C3 whole; C5's first 10 of 120 filters, FC6's first 34 of 84 units. */
export const KERNEL_LIMITS: Limits = { tensor: 4096, answer: 16_384 };
export const SNAPSHOT_VALUES = PROBES * PROBE_LIMITS.answer + KERNEL_LIMITS.answer;
/** Codes in one recording at most (one byte each before base64 and gzip). */
export const MAX_RECORDING_VALUES = MAX_SNAPSHOTS * SNAPSHOT_VALUES;
/** Far above any recording's size, packed or not (base64 codes plus JSON). */
const MAX_FILE_BYTES = 64 << 20;

/** Which epochs are recorded for a run of `epochs`: 0, then log-spaced up to the last. */
export function snapshotEpochs(epochs: number, max = MAX_SNAPSHOTS): number[] {
  if (epochs + 1 <= max) return Array.from({ length: epochs + 1 }, (_, i) => i);
  const n = max - 1; // trained epochs to record, the first and the last among them
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const ideal = Math.round(Math.pow(epochs, j / (n - 1)));
    const prev = out.length ? out[out.length - 1] : 0;
    // Distinct, and leaving room for the ones still to come.
    out.push(Math.min(Math.max(ideal, prev + 1), epochs - (n - 1 - j)));
  }
  return [0, ...out];
}

/** The probes: three distinct test images drawn by the run's seed (the same run, the same images). */
export function probeIndices(testCount: number, seed: number, n = PROBES): number[] {
  return Array.from(permutation(testCount, rng(seed ^ 0x5eed_1a6e)).subarray(0, Math.min(n, testCount)));
}

function quantized(t: TensorValues): QuantizedTensor {
  return { min: t.min, max: t.max, mean: t.mean, q: toBase64(quantize(t.values, t.min, t.max)) };
}

export class ProbeRecorder {
  private readonly recording: InsideRecording;
  private readonly images: number[][];
  private readonly planned: Set<number>;
  private last = -1;

  constructor(
    private readonly tf: Tf, private readonly model: LayersModel, test: Split,
    meta: { dataset: string; seed: number; epochs: number; runDir: string },
    private readonly file = join(meta.runDir, RECORDING_FILE),
  ) {
    const per = test.count ? test.images.length / test.count : 0;
    const indices = probeIndices(test.count, meta.seed);
    this.images = indices.map((i) => Array.from(test.images.subarray(i * per, (i + 1) * per)));
    this.planned = new Set(snapshotEpochs(meta.epochs));
    this.recording = {
      format: RECORDING_FORMAT, version: RECORDING_VERSION, dataset: meta.dataset,
      probes: indices.map((index, k) => ({
        index, label: test.labels[index], pixels: toBase64(Uint8Array.from(this.images[k], (v) => Math.round(v * 255))),
      })),
      layers: [], kernels: [], snapshots: [],
    };
  }

  /** Records epoch `epoch` when it is one of the planned ones, and rewrites the file. */
  record(epoch: number): void {
    if (epoch === this.last || !this.planned.has(epoch) || this.images.length === 0) return;
    const outputs = this.images.map((img) => computeActivations(this.tf, this.model, img, { kernels: false, limits: PROBE_LIMITS }));
    const kernels = computeActivations(this.tf, this.model, this.images[0], { outputs: false, limits: KERNEL_LIMITS });
    if (this.recording.snapshots.length === 0) {
      this.recording.layers = outputs[0].layers.map((l) => ({ name: l.name, type: l.type, shape: l.shape, ...(l.shown ? { shown: l.shown } : {}), ...(l.window ? { window: l.window } : {}) }));
      this.recording.kernels = kernels.kernels.map((k) => ({ layer: k.layer, name: k.name, shape: k.shape, ...(k.shown ? { shown: k.shown } : {}) }));
    }
    const snap: Snapshot = { epoch, outputs: outputs.map((o) => o.layers.map(quantized)), kernels: kernels.kernels.map(quantized) };
    this.recording.snapshots.push(snap);
    this.last = epoch;
    writeFileAtomic(this.file, gzipSync(JSON.stringify(this.recording)));
  }

  /**
   * A resumed run: keeps the file's snapshots up to `epoch` that this run's plan has (so a longer
   * run stays within MAX_SNAPSHOTS), and records only later epochs. An unreadable file starts over.
   */
  continueFrom(epoch: number): void {
    this.last = epoch;
    try {
      // A run folder may come from anywhere: a regular file, inflated within a bound.
      if (!statSync(this.file).isFile() || statSync(this.file).size > MAX_FILE_BYTES) return;
      const r = checkRecording(JSON.parse(gunzipSync(readFileSync(this.file), { maxOutputLength: MAX_FILE_BYTES }).toString('utf8')));
      if (typeof r === 'string' || r.probes.map((p) => p.index).join() !== this.recording.probes.map((p) => p.index).join()) return;
      this.recording.layers = r.layers;
      this.recording.kernels = r.kernels;
      this.recording.snapshots = r.snapshots.filter((s) => s.epoch <= epoch && this.planned.has(s.epoch));
    } catch {
      // no recording to continue: the later snapshots still get one
    }
  }

  get snapshots(): number { return this.recording.snapshots.length; }
}
