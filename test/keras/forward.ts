// A forward pass of a Keras Sequential model in plain JavaScript from its config and weights
// alone (no TensorFlow.js): the test's own check that exported weights mean what Keras means.
// Handles the layer types of LeNet-style models: Conv2D, AveragePooling2D, MaxPooling2D,
// Flatten, Dense; activations tanh, relu, softmax, linear.
type Json = Record<string, any>;
export type Weights = Map<string, { shape: number[]; data: ArrayLike<number> }>;

interface T3 { h: number; w: number; c: number; d: Float64Array } // HWC

function act(name: string, v: Float64Array): Float64Array {
  if (name === 'tanh') return v.map(Math.tanh);
  if (name === 'relu') return v.map((x) => Math.max(0, x));
  if (name === 'linear') return v;
  if (name === 'softmax') {
    const m = Math.max(...v);
    const e = v.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  }
  throw new Error(`activation ${name} not in the reference forward pass`);
}

function conv(x: T3, c: Json, kernel: { shape: number[]; data: ArrayLike<number> }, bias: ArrayLike<number>): T3 {
  const [kh, kw, cin, cout] = kernel.shape;
  const [sh, sw] = c.strides;
  let oh: number, ow: number, pt: number, pl: number;
  if (c.padding === 'same') {
    oh = Math.ceil(x.h / sh); ow = Math.ceil(x.w / sw);
    pt = Math.floor(Math.max((oh - 1) * sh + kh - x.h, 0) / 2);
    pl = Math.floor(Math.max((ow - 1) * sw + kw - x.w, 0) / 2);
  } else {
    oh = Math.floor((x.h - kh) / sh) + 1; ow = Math.floor((x.w - kw) / sw) + 1; pt = pl = 0;
  }
  const out = new Float64Array(oh * ow * cout);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < cout; o++) {
    let s = bias[o];
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const y = i * sh + a - pt, z = j * sw + b - pl;
      if (y < 0 || z < 0 || y >= x.h || z >= x.w) continue;
      for (let ci = 0; ci < cin; ci++) s += x.d[(y * x.w + z) * x.c + ci] * kernel.data[((a * kw + b) * cin + ci) * cout + o];
    }
    out[(i * ow + j) * cout + o] = s;
  }
  return { h: oh, w: ow, c: cout, d: act(c.activation, out) };
}

function pool(x: T3, c: Json, avg: boolean): T3 {
  const [ph, pw] = c.pool_size;
  const [sh, sw] = c.strides;
  const oh = Math.floor((x.h - ph) / sh) + 1, ow = Math.floor((x.w - pw) / sw) + 1;
  const out = new Float64Array(oh * ow * x.c);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < x.c; k++) {
    let s = avg ? 0 : -Infinity;
    for (let a = 0; a < ph; a++) for (let b = 0; b < pw; b++) {
      const v = x.d[((i * sh + a) * x.w + j * sw + b) * x.c + k];
      s = avg ? s + v : Math.max(s, v);
    }
    out[(i * ow + j) * x.c + k] = avg ? s / (ph * pw) : s;
  }
  return { h: oh, w: ow, c: x.c, d: out };
}

/** Class probabilities for one 28x28x1 image (values 0..1, row-major). */
export function forward(config: Json, weights: Weights, image: ArrayLike<number>): number[] {
  let x: T3 = { h: 28, w: 28, c: 1, d: Float64Array.from(image) };
  for (const layer of config.config.layers) {
    const c = layer.config;
    const w = (n: string) => {
      const v = weights.get(`${c.name}/${n}`);
      if (!v) throw new Error(`no weights ${c.name}/${n}`);
      return v;
    };
    switch (layer.class_name) {
      case 'InputLayer': break;
      case 'Conv2D': x = conv(x, c, w('kernel'), w('bias').data); break;
      case 'AveragePooling2D': x = pool(x, c, true); break;
      case 'MaxPooling2D': x = pool(x, c, false); break;
      case 'Flatten': x = { h: 1, w: 1, c: x.d.length, d: x.d }; break;
      case 'Dense': {
        const k = w('kernel'), b = w('bias').data;
        const [nin, nout] = k.shape;
        const out = new Float64Array(nout);
        for (let o = 0; o < nout; o++) {
          let s = b[o];
          for (let i = 0; i < nin; i++) s += x.d[i] * k.data[i * nout + o];
          out[o] = s;
        }
        x = { h: 1, w: 1, c: nout, d: act(c.activation, out) };
        break;
      }
      default: throw new Error(`${layer.class_name} not in the reference forward pass`);
    }
  }
  return Array.from(x.d);
}
