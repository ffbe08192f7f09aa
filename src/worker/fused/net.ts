// A planned model inside one instance of the fused kernels: weights, activations and gradients
// live in wasm memory; forward and backward are a few kernel calls per layer, no tensors.
import { ACT, FusedMemory } from './kernels';
import type { Op, ParamRef } from './plan';

/** Clipping of Keras's categorical cross-entropy (tf.metrics.categoricalCrossentropy). */
const EPSILON = 1e-7;

interface OpBuffers {
  /** im2col rows of a convolution's input (kept from forward for the weight gradient). */
  cols?: number;
  /** Max pooling: index of each output's maximum. */
  arg?: number;
  /** Dropout: each value's factor (0 or 1 / keep) in the last training forward. */
  mask?: number;
}

/** A 32-bit integer hash (lowbias32): dropout keys from the run's seed, step and layer. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The dropout key of one training step: every mask of the step derives from it. */
export function dropoutKey(seed: number, step: number): number {
  return hash32(hash32(seed >>> 0) ^ (step >>> 0));
}

export interface LossResult {
  /** Cross-entropy summed over the images / the batch size the caller divides by. */
  loss: number;
  correct: number;
}

export class FusedNet {
  readonly mem = new FusedMemory();
  /** Per trainable tensor (model.trainableWeights order): weights and gradient pointers. */
  readonly weights: number[] = [];
  readonly grads: number[] = [];
  readonly sizes: number[] = [];
  /** acts[i] is op i's input; acts[ops.length] the logits. dacts[i] the gradient of acts[i]. */
  private readonly acts: number[] = [];
  private readonly dacts: number[] = [];
  private readonly bufs: OpBuffers[] = [];
  private readonly scratchT: number; // a transposed weight matrix
  private readonly scratchCols: number; // column gradients of a convolution
  /** Index of the first op with weights: nothing before it needs a gradient. */
  private readonly firstTrainable: number;

  constructor(readonly ops: Op[], readonly inputSize: number, readonly numClasses: number, readonly maxBatch: number) {
    const m = this.mem;
    const params: ParamRef[] = [];
    let size = inputSize;
    let maxT = 0;
    let maxCols = 0;
    this.firstTrainable = ops.findIndex((o) => o.kind === 'conv' || o.kind === 'dense');
    ops.forEach((op, i) => {
      this.acts.push(m.alloc(maxBatch * size));
      this.dacts.push(i > this.firstTrainable ? m.alloc(maxBatch * size) : -1);
      const b: OpBuffers = {};
      if (op.kind === 'conv') {
        const K = op.KH * op.KW * op.C;
        const rows = maxBatch * op.OH * op.OW;
        if (!this.directConv(i)) b.cols = m.alloc(rows * K);
        if (i > this.firstTrainable) { maxCols = Math.max(maxCols, rows * K); maxT = Math.max(maxT, K * op.F); }
        params.push(op.kernel);
        if (op.bias) params.push(op.bias);
        size = op.OH * op.OW * op.F;
      } else if (op.kind === 'dense') {
        if (i > this.firstTrainable) maxT = Math.max(maxT, op.inF * op.units);
        params.push(op.kernel);
        if (op.bias) params.push(op.bias);
        size = op.units;
      } else if (op.kind === 'dropout') {
        b.mask = m.alloc(maxBatch * size);
      } else {
        size = op.OH * op.OW * op.C;
        if (op.kind === 'maxpool') b.arg = m.alloc(maxBatch * size);
      }
      this.bufs.push(b);
    });
    this.acts.push(m.alloc(maxBatch * size));
    this.dacts.push(m.alloc(maxBatch * size));
    for (const p of params) {
      this.sizes[p.index] = p.size;
      this.weights[p.index] = m.alloc(p.size);
      this.grads[p.index] = m.alloc(p.size);
    }
    this.scratchT = m.alloc(maxT);
    this.scratchCols = m.alloc(maxCols);
  }

  /** A 1x1, stride-1 convolution reads its input as the im2col matrix itself. */
  private directConv(i: number): boolean {
    const op = this.ops[i];
    return op.kind === 'conv' && op.KH === 1 && op.KW === 1 && op.sh === 1 && op.sw === 1;
  }

  setWeights(values: Float32Array[]): void {
    values.forEach((v, i) => this.mem.floats(this.weights[i], this.sizes[i]).set(v));
  }

  getWeights(): Float32Array[] {
    return this.weights.map((p, i) => this.mem.floats(p, this.sizes[i]).slice());
  }

  /**
   * Logits of `n` images (written into the input buffer first). With `train`, dropout applies
   * its masks: `key` is the step's dropout key and `first` the index of images[0] in the whole
   * batch (so a batch split over threads draws the masks of the unsplit batch).
   */
  forward(images: Float32Array, n: number, train?: { key: number; first: number }): void {
    const { k } = this.mem;
    this.mem.floats(this.acts[0], n * this.inputSize).set(images.subarray(0, n * this.inputSize));
    this.ops.forEach((op, i) => {
      const x = this.acts[i];
      const y = this.acts[i + 1];
      if (op.kind === 'conv') {
        const K = op.KH * op.KW * op.C;
        const M = n * op.OH * op.OW;
        const cols = this.bufs[i].cols ?? x;
        if (cols !== x) k.im2col(n, op.H, op.W, op.C, op.KH, op.KW, op.sh, op.sw, op.padT, op.padL, op.OH, op.OW, x, cols);
        k.gemm_nn(M, op.F, K, cols, K, this.weights[op.kernel.index], op.F, y, op.F);
        k.bias_act(M, op.F, y, op.bias ? this.weights[op.bias.index] : 0, ACT[op.act]);
      } else if (op.kind === 'dense') {
        k.gemm_nn(n, op.units, op.inF, x, op.inF, this.weights[op.kernel.index], op.units, y, op.units);
        k.bias_act(n, op.units, y, op.bias ? this.weights[op.bias.index] : 0, op.act === 'softmax' ? ACT.linear : ACT[op.act]);
      } else if (op.kind === 'dropout') {
        if (!train) {
          this.mem.f32.copyWithin(y >> 2, x >> 2, (x >> 2) + n * op.size);
          return;
        }
        const key1 = hash32(train.key ^ hash32(i + 1));
        const key2 = hash32(key1 + 0x9e3779b9);
        const keep = 1 - op.rate;
        const threshold = Math.min(0xffffffff, Math.round(keep * 2 ** 32));
        k.dropout(n * op.size, x, y, this.bufs[i].mask!, train.first * op.size, key1, key2, threshold, 1 / Math.fround(keep));
      } else if (op.kind === 'avgpool') {
        k.avgpool(n, op.H, op.W, op.C, op.PH, op.PW, op.sh, op.sw, op.OH, op.OW, x, y);
      } else {
        k.maxpool(n, op.H, op.W, op.C, op.PH, op.PW, op.sh, op.sw, op.OH, op.OW, x, y, this.bufs[i].arg!);
      }
    });
  }

  /** Softmax of the logits of the last forward() in place; returns the probabilities. */
  probabilities(n: number): Float32Array {
    const C = this.numClasses;
    const z = this.mem.floats(this.acts[this.ops.length], n * C);
    for (let o = 0; o < n * C; o += C) {
      let max = -Infinity;
      for (let j = 0; j < C; j++) max = Math.max(max, z[o + j]);
      let sum = 0;
      for (let j = 0; j < C; j++) sum += z[o + j] = Math.exp(z[o + j] - max);
      for (let j = 0; j < C; j++) z[o + j] /= sum;
    }
    return z;
  }

  /**
   * Softmax, Keras's categorical cross-entropy and its gradient with respect to the logits
   * ((p - onehot) / batchSize, zero where Keras's clipping cuts the gradient).
   */
  softmaxLoss(labels: Uint8Array, n: number, batchSize: number): LossResult {
    const C = this.numClasses;
    const p = this.probabilities(n);
    const dz = this.mem.floats(this.dacts[this.ops.length], n * C);
    let loss = 0;
    let correct = 0;
    for (let r = 0; r < n; r++) {
      const o = r * C;
      let best = 0;
      let s = 0;
      for (let j = 0; j < C; j++) {
        if (p[o + j] > p[o + best]) best = j;
        s += p[o + j];
      }
      const y = labels[r];
      if (best === y) correct++;
      const py = p[o + y] / s;
      const clipped = py < EPSILON || py > 1 - EPSILON;
      loss -= Math.log(Math.min(Math.max(py, EPSILON), 1 - EPSILON));
      for (let j = 0; j < C; j++) dz[o + j] = clipped ? 0 : (p[o + j] - (j === y ? 1 : 0)) / batchSize;
    }
    return { loss: loss / batchSize, correct };
  }

  /** Gradients of every trainable tensor from the logits' gradient (after softmaxLoss). */
  backward(n: number): void {
    const { k } = this.mem;
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i];
      const x = this.acts[i];
      const y = this.acts[i + 1];
      const dy = this.dacts[i + 1];
      const dx = this.dacts[i];
      if (op.kind === 'conv') {
        const K = op.KH * op.KW * op.C;
        const M = n * op.OH * op.OW;
        k.act_grad(M * op.F, y, dy, ACT[op.act]);
        const cols = this.bufs[i].cols ?? x;
        k.gemm_tn(M, op.F, K, cols, K, dy, op.F, this.grads[op.kernel.index], op.F);
        if (op.bias) k.col_sum(M, op.F, dy, this.grads[op.bias.index]);
        if (dx < 0) continue;
        k.transpose(K, op.F, this.weights[op.kernel.index], this.scratchT);
        if (this.directConv(i)) {
          k.gemm_nn(M, K, op.F, dy, op.F, this.scratchT, K, dx, K);
        } else {
          k.gemm_nn(M, K, op.F, dy, op.F, this.scratchT, K, this.scratchCols, K);
          k.col2im(n, op.H, op.W, op.C, op.KH, op.KW, op.sh, op.sw, op.padT, op.padL, op.OH, op.OW, this.scratchCols, dx);
        }
      } else if (op.kind === 'dense') {
        if (op.act !== 'softmax') k.act_grad(n * op.units, y, dy, ACT[op.act]);
        k.gemm_tn(n, op.units, op.inF, x, op.inF, dy, op.units, this.grads[op.kernel.index], op.units);
        if (op.bias) k.col_sum(n, op.units, dy, this.grads[op.bias.index]);
        if (dx < 0) continue;
        k.transpose(op.inF, op.units, this.weights[op.kernel.index], this.scratchT);
        k.gemm_nn(n, op.inF, op.units, dy, op.units, this.scratchT, op.inF, dx, op.inF);
      } else if (op.kind === 'dropout') {
        if (dx >= 0) k.mul_to(n * op.size, dx, dy, this.bufs[i].mask!);
      } else if (dx >= 0) {
        if (op.kind === 'avgpool') k.avgpool_grad(n, op.H, op.W, op.C, op.PH, op.PW, op.sh, op.sw, op.OH, op.OW, dy, dx);
        else k.maxpool_grad(n * op.H * op.W * op.C, n * op.OH * op.OW * op.C, dy, this.bufs[i].arg!, dx);
      }
    }
  }

  /** Gradients of one part of a batch: forward, loss, backward (`train` as in forward). */
  compute(images: Float32Array, labels: Uint8Array, n: number, batchSize: number, train = { key: 0, first: 0 }): LossResult {
    this.forward(images, n, train);
    const r = this.softmaxLoss(labels, n, batchSize);
    this.backward(n);
    return r;
  }

  /** Probabilities of images [from, to) into probs (both indexed by image), in chunks of maxBatch. */
  predict(images: Float32Array, probs: Float32Array, from: number, to: number): void {
    const size = this.inputSize;
    for (let start = from; start < to; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, to - start);
      this.forward(images.subarray(start * size, (start + n) * size), n);
      probs.set(this.probabilities(n), start * this.numClasses);
    }
  }

  /** Copies of the dropout masks of the last training forward of `n` images, by dropout op (tests). */
  dropoutMasks(n: number): Float32Array[] {
    return this.ops.flatMap((op, i) => (op.kind === 'dropout' ? [this.mem.floats(this.bufs[i].mask!, n * op.size).slice()] : []));
  }

  /** Copies of the gradients (model.trainableWeights order). */
  gradients(): Float32Array[] {
    return this.grads.map((p, i) => this.mem.floats(p, this.sizes[i]).slice());
  }
}
