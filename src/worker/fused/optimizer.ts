// The fused step's optimizer update: tfjs's SGD, momentum (plain or Nesterov), Adam and RMSprop
// (not centered) as wasm kernels over slots kept in wasm memory. The tfjs optimizer stays
// the one source of truth between epochs: its slots, iteration count and Adam's beta powers are
// read when the step is made (e.g. after setWeights on resume) and written back at writeBack(),
// so `await optimizer.getWeights()` after the step's sync() is what tfjs would hold.
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../tf';
import type { FusedMemory } from './kernels';

/** One slot of a variable as tfjs keeps it (OptimizerVariable). */
interface SlotEntry {
  originalName: string;
  variable: Variable;
}

/** The fields of tfjs's optimizer classes that the update reads and the slots live in. */
interface TfjsOptimizer {
  getClassName(): string;
  learningRate: number;
  iterations: number;
  iterations_?: number;
  momentum?: number;
  useNesterov?: boolean;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  decay?: number;
  centered?: boolean;
  accBeta1?: Variable;
  accBeta2?: Variable;
  [slotList: string]: unknown;
}

/** Each optimizer's slot lists in getWeights() order: the field holding them and each slot name's suffix. */
function slotLists(opt: TfjsOptimizer): Array<{ field: string; suffix: string }> {
  switch (opt.getClassName()) {
    case 'Momentum': return [{ field: 'accumulations', suffix: 'momentum' }];
    case 'Adam': return [{ field: 'accumulatedFirstMoment', suffix: 'm' }, { field: 'accumulatedSecondMoment', suffix: 'v' }];
    case 'RMSProp': return [{ field: 'accumulatedMeanSquares', suffix: 'rms' }, { field: 'accumulatedMoments', suffix: 'momentum' }];
    default: return [];
  }
}

const SERVED = ['SGD', 'Momentum', 'Adam', 'RMSProp'];

/** Why the fused step cannot apply this optimizer's update, or null when it can. */
export function optimizerReason(optimizer: Optimizer): string | null {
  const opt = optimizer as unknown as TfjsOptimizer;
  const cls = opt.getClassName();
  // tfjs's centered root, sqrt(ms - (mg^2 + eps)), is NaN wherever a gradient is 0 or tiny.
  if (cls === 'RMSProp' && opt.centered) return 'centered RMSProp is not fused';
  return SERVED.includes(cls) ? null : `optimizer ${cls} is not fused`;
}

export class FusedOptimizer {
  private readonly opt: TfjsOptimizer;
  private readonly lists: Array<{ field: string; suffix: string }>;
  /** slots[list][variable]: byte pointers in wasm memory. */
  private readonly slots: number[][];
  /** tfjs's iteration count (updates applied so far, over the whole run). */
  iterations: number;
  /** Adam's beta1^t and beta2^t as tfjs keeps them (float32 variables multiplied each step). */
  private accBeta1 = 0;
  private accBeta2 = 0;

  /** Reads the optimizer's state; throws when it does not fit the variables. */
  constructor(private readonly tf: Tf, optimizer: Optimizer, private readonly vars: Variable[], private readonly mem: FusedMemory,
    private readonly sizes: number[]) {
    const why = optimizerReason(optimizer);
    if (why) throw new Error(why);
    this.opt = optimizer as unknown as TfjsOptimizer;
    this.lists = slotLists(this.opt);
    this.iterations = this.opt.iterations;
    this.slots = this.lists.map(({ field }) => {
      const held = this.opt[field] as SlotEntry[] | undefined;
      return sizes.map((size, i) => {
        const ptr = mem.alloc(size);
        const v = held?.[i]?.variable;
        if (v) {
          if (v.size !== size) throw new Error(`the optimizer's slot ${held![i].originalName} has ${v.size} values for a weight of ${size}`);
          mem.floats(ptr, size).set(v.dataSync() as Float32Array);
        }
        return ptr;
      });
    });
    if (this.opt.accBeta1 && this.opt.accBeta2) {
      this.accBeta1 = this.opt.accBeta1.dataSync()[0];
      this.accBeta2 = this.opt.accBeta2.dataSync()[0];
    }
  }

  /** One update of every weight from its gradient (pointers in model.trainableWeights order). */
  update(weights: number[], grads: number[]): void {
    const { k } = this.mem;
    const o = this.opt;
    const lr = o.learningRate;
    const [a, b] = this.slots;
    // Numbers pass to the kernels' f32 parameters rounded to nearest, as tfjs's scalars are.
    switch (o.getClassName()) {
      case 'SGD':
        weights.forEach((w, i) => k.sgd(this.sizes[i], w, grads[i], lr));
        break;
      case 'Momentum':
        weights.forEach((w, i) => k.momentum(this.sizes[i], w, grads[i], a[i], lr, o.momentum!, o.useNesterov ? 1 : 0));
        break;
      case 'Adam': {
        const omab1 = 1 - this.accBeta1, omab2 = 1 - this.accBeta2;
        weights.forEach((w, i) => k.adam(this.sizes[i], w, grads[i], a[i], b[i], o.beta1!, 1 - o.beta1!, o.beta2!, 1 - o.beta2!, omab1, omab2, o.epsilon!, -lr));
        this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(o.beta1!));
        this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(o.beta2!));
        break;
      }
      case 'RMSProp':
        weights.forEach((w, i) => k.rmsprop(this.sizes[i], w, grads[i], a[i], b[i], o.decay!, 1 - o.decay!, o.momentum!, o.epsilon!, lr));
        break;
    }
    this.iterations++;
  }

  /** Writes the slots, the iteration count and Adam's beta powers into the tfjs optimizer. */
  writeBack(): void {
    const { tf, opt } = this;
    tf.tidy(() => {
      this.lists.forEach(({ field, suffix }, l) => {
        const held = ((opt[field] as SlotEntry[] | undefined) ?? (opt[field] = [])) as SlotEntry[];
        this.vars.forEach((v, i) => {
          const values = tf.tensor(this.mem.floats(this.slots[l][i], this.sizes[i]), v.shape, 'float32');
          // A slot tfjs has not made yet is made as tfjs makes it (a non-trainable variable).
          if (held[i]) held[i].variable.assign(values);
          else held[i] = { originalName: `${v.name}/${suffix}`, variable: tf.keep((values as Tensor).variable(false)) };
        });
      });
      if (opt.accBeta1 && opt.accBeta2) {
        opt.accBeta1.assign(tf.scalar(this.accBeta1));
        opt.accBeta2.assign(tf.scalar(this.accBeta2));
      }
    });
    opt.iterations_ = this.iterations;
  }
}
