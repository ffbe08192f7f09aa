// The run folder's record of what happens inside the network during training (inside.json.gz):
// after each recorded epoch, every layer's output for a few fixed probe test images and every
// layer's kernels, each tensor as 8-bit codes with its min and max (value = min + code / 255 *
// (max - min), error at most (max - min) / 510). Written by the worker (src/worker/probes.ts),
// read by the host and decoded in the panel. No dependencies: shared by all three.
import type { LayerActivation, LayerKernel, LayerWindow } from './protocol';

export const RECORDING_FILE = 'inside.json.gz';
export const RECORDING_FORMAT = 'lenet-lab-inside';
export const RECORDING_VERSION = 1;

/** One tensor at one epoch: statistics of the whole tensor, codes of its shown box (base64). */
export interface QuantizedTensor { min: number; max: number; mean: number; q: string }
/** window: a sliding-window layer's geometry, so replayed maps show receptive fields too. */
export interface RecordedLayer { name: string; type: string; shape: number[]; shown?: number[]; window?: LayerWindow }
export interface RecordedKernel { layer: string; name: string; shape: number[]; shown?: number[] }
export interface RecordedProbe { index: number; label: number; /** 0..255 codes of the image, base64 */ pixels: string }
export interface Snapshot {
  /** 0: the initial weights, before any training. */
  epoch: number;
  /** [probe][layer] */
  outputs: QuantizedTensor[][];
  kernels: QuantizedTensor[];
}
export interface InsideRecording {
  format: typeof RECORDING_FORMAT;
  version: number;
  dataset: string;
  probes: RecordedProbe[];
  layers: RecordedLayer[];
  kernels: RecordedKernel[];
  snapshots: Snapshot[];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

/** Throws on characters outside the base64 alphabet. */
export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (const c of clean) {
    const v = B64_INDEX.get(c);
    if (v === undefined) throw new Error(`not base64: ${JSON.stringify(c)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** 8-bit codes of values between min and max (NaN and infinities clamp to the ends). */
export function quantize(values: ArrayLike<number>, min: number, max: number): Uint8Array {
  const span = max - min;
  const q = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    q[i] = span > 0 && Number.isFinite(span) ? Math.max(0, Math.min(255, Math.round(((v - min) / span) * 255))) || 0 : 0;
  }
  return q;
}

export function dequantize(t: QuantizedTensor): number[] {
  const span = Number.isFinite(t.max - t.min) ? t.max - t.min : 0;
  return Array.from(fromBase64(t.q), (c) => t.min + (c / 255) * span);
}

/** The recording's tensors at snapshot `s` for probe `p`, in the shape of an activations answer. */
export function snapshotTensors(r: InsideRecording, s: number, p: number): { layers: LayerActivation[]; kernels: LayerKernel[] } {
  const snap = r.snapshots[s];
  return {
    layers: r.layers.map((l, i) => ({ ...l, ...stats(snap.outputs[p][i]), values: dequantize(snap.outputs[p][i]) })),
    kernels: r.kernels.map((k, i) => ({ ...k, ...stats(snap.kernels[i]), values: dequantize(snap.kernels[i]) })),
  };
}

const stats = (t: QuantizedTensor) => ({ min: t.min, max: t.max, mean: t.mean });

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNat = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
const isShape = (x: unknown) => Array.isArray(x) && x.every(isNat);
const isPair = (x: unknown) => Array.isArray(x) && x.length === 2 && x.every((v) => isNat(v) && v >= 1);
const isWindow = (w: unknown) => isObj(w) && isPair(w.kernel) && isPair(w.strides) && isPair(w.dilation) && (w.padding === 'valid' || w.padding === 'same');
const isNum = (x: unknown) => typeof x === 'number' || x === null; // JSON turns NaN into null

/** The recording, or what is wrong with it (a file from disk is checked before anyone uses it). */
export function checkRecording(x: unknown): InsideRecording | string {
  if (!isObj(x) || x.format !== RECORDING_FORMAT) return 'not a LeNet Lab inside recording';
  if (x.version !== RECORDING_VERSION) return `recording version ${JSON.stringify(x.version)} is not supported (expected ${RECORDING_VERSION})`;
  const { probes, layers, kernels, snapshots } = x;
  if (typeof x.dataset !== 'string') return 'dataset must be a string';
  if (!Array.isArray(probes) || !probes.every((p) => isObj(p) && isNat(p.index) && isNat(p.label) && typeof p.pixels === 'string')) return 'probes are malformed';
  if (!Array.isArray(layers) || !layers.every((l) => isObj(l) && typeof l.name === 'string' && typeof l.type === 'string' && isShape(l.shape) && (l.shown === undefined || isShape(l.shown)) && (l.window === undefined || isWindow(l.window)))) return 'layers are malformed';
  if (!Array.isArray(kernels) || !kernels.every((k) => isObj(k) && typeof k.name === 'string' && typeof k.layer === 'string' && isShape(k.shape) && (k.shown === undefined || isShape(k.shown)))) return 'kernels are malformed';
  const tensor = (t: unknown) => isObj(t) && isNum(t.min) && isNum(t.max) && isNum(t.mean) && typeof t.q === 'string';
  if (!Array.isArray(snapshots)) return 'snapshots must be an array';
  for (const [i, s] of snapshots.entries()) {
    if (!isObj(s) || !isNat(s.epoch)) return `snapshot ${i}: epoch is malformed`;
    if (!Array.isArray(s.outputs) || s.outputs.length !== probes.length || !s.outputs.every((o) => Array.isArray(o) && o.length === layers.length && o.every(tensor))) {
      return `snapshot ${i}: outputs do not match the ${probes.length} probes and ${layers.length} layers`;
    }
    if (!Array.isArray(s.kernels) || s.kernels.length !== kernels.length || !s.kernels.every(tensor)) return `snapshot ${i}: kernels do not match the ${kernels.length} kernels`;
  }
  return x as unknown as InsideRecording;
}
