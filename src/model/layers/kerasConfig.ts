// Reading and writing one layer's config as Keras 2.13's get_config() gives it in an .h5 file's
// model_config (the legacy {class_name, config} form Keras 3's legacy loader also reads). Each layer
// definition states its own mapping (definition.ts `keras.h5`); these are the pieces they share.
import type { ActivationName, Padding, Pair } from '../spec';
import type { Shape } from '../shapeCheck';
import { isActivation } from '../vocab';

export class KerasFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KerasFormatError';
  }
}

export type Json = Record<string, unknown>;

export const isJsonObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The inferred shapes (batch axis included) a layer's config may state. */
export interface KerasLayerShapes {
  input: Shape;
  output: Shape;
}

export const initializer = (className: string, config: Json = {}): Json => ({ class_name: className, config });

/** The initializer, regularizer and constraint fields of Keras's Conv2D and Dense (Keras's defaults). */
export const kernelAndBiasDefaults = (): Json => ({
  kernel_initializer: initializer('GlorotUniform', { seed: null }),
  bias_initializer: initializer('Zeros'),
  kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
  kernel_constraint: null, bias_constraint: null,
});

/** One layer's config being read; every error names the layer (`what`). */
export class KerasConfigReader {
  constructor(readonly config: Json, readonly what: string) {}

  fail(message: string): never {
    throw new KerasFormatError(`${this.what}: ${message}`);
  }

  /** A window, stride or size: one positive integer or two (`fallback` when the key is absent or null). */
  pair(key: string, fallback?: number | Pair): Pair {
    const x = this.config[key] ?? fallback;
    if (typeof x === 'number' && Number.isInteger(x) && x > 0) return [x, x];
    if (Array.isArray(x) && x.length === 2 && x.every((n) => Number.isInteger(n) && n > 0)) return [x[0], x[1]];
    return this.fail(`${key} must be a positive integer or a pair of them, got ${JSON.stringify(x)}`);
  }

  activation(key = 'activation', fallback?: ActivationName): ActivationName {
    const x = this.config[key] ?? fallback;
    const name = isJsonObject(x) ? x.class_name : x; // Keras 3 may serialise activations as objects
    if (isActivation(name)) return name;
    return this.fail(`activation ${JSON.stringify(name)} is not one LeNet Lab knows`);
  }

  padding(): Padding {
    const x = this.config.padding ?? 'valid';
    if (x === 'valid' || x === 'same') return x;
    return this.fail(`padding must be 'valid' or 'same', got ${JSON.stringify(x)}`);
  }

  channelsLast(): void {
    const f = this.config.data_format;
    if (f !== undefined && f !== null && f !== 'channels_last') this.fail(`only data_format 'channels_last' is supported, got ${JSON.stringify(f)}`);
  }

  posInt(key: string): number {
    const x = this.config[key];
    if (typeof x === 'number' && Number.isInteger(x) && x > 0) return x;
    return this.fail(`${key} must be a positive integer, got ${JSON.stringify(x)}`);
  }

  number(key: string): number {
    const x = this.config[key];
    if (typeof x === 'number' && Number.isFinite(x)) return x;
    return this.fail(`${key} must be a number, got ${JSON.stringify(x)}`);
  }

  /** `{ useBias: false }` when the config turns the bias off, else nothing (Keras's default is on). */
  useBias(): { useBias?: false } {
    return this.config.use_bias === false ? { useBias: false } : {};
  }
}
