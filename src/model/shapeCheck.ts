// Shapes with the batch axis, the error for a layer Keras would refuse, and the argument checks
// the layer definitions' shape rules share. The spec may come from a parsed source file, so the
// checks trust nothing.
import { UserError } from '../shared/errors';
import type { Pair } from './spec';
import { isActivation, PADDINGS } from './vocab';

export type Shape = (number | null)[];

/** A layer Keras would refuse to build for this input. The message is "<layer name>: <reason>". */
export class ShapeError extends UserError<'MODEL'> {
  constructor(
    readonly layerIndex: number,
    readonly layerName: string,
    /** The cause without the layer name, e.g. "5x5 kernel is larger than its 4x4 input with padding 'valid'". */
    readonly reason: string,
  ) {
    super('MODEL', `${layerName}: ${reason}`);
    this.name = 'ShapeError';
  }
}

/** Thousands separators the way Keras prints them: 61706 -> "61,706". Locale independent. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras notation: [null, 28, 28, 6] -> "(None, 28, 28, 6)"; a 1-tuple keeps Python's comma. */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

export class LayerCheck {
  constructor(readonly index: number, readonly name: string) {}
  fail(reason: string): never {
    throw new ShapeError(this.index, this.name, reason);
  }
  posInt(what: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      this.fail(`${what} must be a positive integer, got ${show(v)}`);
    }
    return v;
  }
  pair(what: string, v: unknown, min = 1): Pair {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x) && x >= min)) {
      this.fail(`${what} must be two ${min === 0 ? 'non-negative' : 'positive'} integers, got ${show(v)}`);
    }
    return [v[0], v[1]];
  }
  padding(v: unknown): 'valid' | 'same' {
    if (v === undefined) return 'valid';
    if (!(PADDINGS as readonly unknown[]).includes(v)) this.fail(`padding must be 'valid' or 'same', got ${show(v)}`);
    return v as 'valid' | 'same';
  }
  activation(v: unknown, required: boolean): void {
    if (v === undefined && !required) return;
    if (!isActivation(v)) this.fail(`unknown activation ${show(v)}`);
  }
  bool(what: string, v: unknown): boolean {
    if (v === undefined) return true;
    if (typeof v !== 'boolean') this.fail(`${what} must be true or false, got ${show(v)}`);
    return v;
  }
  /** Layers that work on images need (None, height, width, channels). */
  image(layer: string, input: Shape): [number | null, number | null, number | null] {
    if (input.length !== 4) {
      this.fail(
        `${layer} needs a 4D input (batch, height, width, channels), got ${formatShape(input)}` +
          (input.length < 4 ? '; add a Reshape before it' : ''),
      );
    }
    return [input[1], input[2], input[3]];
  }
  /** A finite number (min inclusive when given); `undefined` passes when not required. */
  num(what: string, v: unknown, min?: number): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (min !== undefined && v < min)) {
      this.fail(`${what} must be a${min === 0 ? ' non-negative' : ''} number, got ${show(v)}`);
    }
    return v;
  }
  rate(v: unknown): void {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
      this.fail(`rate must be a number from 0 up to (not including) 1, got ${show(v)}`);
    }
  }
  knownLast(layer: string, input: Shape): number {
    const c = input[input.length - 1];
    if (input.length < 2 || c === null) {
      this.fail(`${layer} needs a known last dimension, got ${formatShape(input)}`);
    }
    return c;
  }
}

export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export const x = (a: number, b: number) => `${a}x${b}`;
export const hw = (h: number | null, w: number | null) => `${h ?? '?'}x${w ?? '?'}`;
export const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/** Output length of one spatial axis, Keras/tfjs rule; null propagates (unknown stays unknown). */
export function windowOut(len: number | null, window: number, stride: number, padding: 'valid' | 'same'): number | null {
  if (len === null) return null;
  return padding === 'same' ? Math.ceil(len / stride) : Math.floor((len - window) / stride) + 1;
}
