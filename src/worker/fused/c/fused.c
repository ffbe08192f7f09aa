/* Kernels of the fused training step (src/worker/fused/): one wasm SIMD128 module, no libc.
 * Tensors are row-major float32 in this module's memory (NHWC for images); the caller lays
 * them out and owns every buffer. Every buffer read by a GEMM as B must have 8 floats of slack
 * after its end: the last column tile loads 8 lanes and keeps only the valid ones.
 *
 * Rebuild with `npm run build:wasm` (Debian clang + lld); `npm run check:wasm` fails unless the
 * committed fused.wasm is this file's build byte for byte.
 */
#include <wasm_simd128.h>
typedef float f32;
#define EXPORT __attribute__((visibility("default")))

enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_TANH = 2, ACT_SIGMOID = 3 };

#define ADD wasm_f32x4_add
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

/* The first n (0..3) lanes of v to c, with lane stores (no round trip through the stack). */
static inline void store_part(f32 *c, v128_t v, int n) {
  if (n & 2) {
    wasm_v128_store64_lane(c, v, 0);
    if (n & 1) wasm_v128_store32_lane(c + 2, v, 2);
  } else if (n & 1) {
    wasm_v128_store32_lane(c, v, 0);
  }
}

/* The first n lanes of (v0, v1) to c: a tile row at the right edge of a matrix keeps n < 8. */
static inline void store8(f32 *c, v128_t v0, v128_t v1, int n) {
  if (n >= 8) { wasm_v128_store(c, v0); wasm_v128_store(c + 4, v1); return; }
  if (n >= 4) { wasm_v128_store(c, v0); store_part(c + 4, v1, n - 4); return; }
  store_part(c, v0, n);
}

/* A 4x8 tile of C in eight registers (V8 has 16 SIMD registers; a 6x8 tile spills): zeroed,
 * accumulated row r += x_r * (b0, b1), stored with its first n columns. */
#define TILE_ZERO v128_t c00 = SPLAT(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00
#define TILE_FMA(x0, x1, x2, x3, b0, b1) do { \
    c00 = ADD(c00, MUL(x0, b0)); c01 = ADD(c01, MUL(x0, b1)); \
    c10 = ADD(c10, MUL(x1, b0)); c11 = ADD(c11, MUL(x1, b1)); \
    c20 = ADD(c20, MUL(x2, b0)); c21 = ADD(c21, MUL(x2, b1)); \
    c30 = ADD(c30, MUL(x3, b0)); c31 = ADD(c31, MUL(x3, b1)); } while (0)
#define TILE_STORE(c, ldc, n) do { \
    store8(c, c00, c01, n); store8((c) + (ldc), c10, c11, n); \
    store8((c) + 2 * (ldc), c20, c21, n); store8((c) + 3 * (ldc), c30, c31, n); } while (0)

/* C[M x N] = A[M x K] * B[K x N]; 4x8 register tiles. */
EXPORT void gemm_nn(int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, f32 *C, int ldc) {
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const f32 *a0 = A + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    for (int j = 0; j < N; j += 8) {
      TILE_ZERO;
      const f32 *b = B + j;
      for (int k = 0; k < K; k++) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        b += ldb;
        v128_t x0 = SPLAT(a0[k]), x1 = SPLAT(a1[k]), x2 = SPLAT(a2[k]), x3 = SPLAT(a3[k]);
        TILE_FMA(x0, x1, x2, x3, b0, b1);
      }
      f32 *c = C + i * ldc + j;
      TILE_STORE(c, ldc, N - j);
    }
  }
  for (; i < M; i++) {
    const f32 *a0 = A + i * lda;
    for (int j = 0; j < N; j += 8) {
      v128_t c00 = SPLAT(0), c01 = c00;
      const f32 *b = B + j;
      for (int k = 0; k < K; k++) {
        v128_t x0 = SPLAT(a0[k]);
        c00 = ADD(c00, MUL(x0, wasm_v128_load(b))); c01 = ADD(c01, MUL(x0, wasm_v128_load(b + 4)));
        b += ldb;
      }
      store8(C + i * ldc + j, c00, c01, N - j);
    }
  }
}

/* C[K x N] = A^T * B with A [M x K], B [M x N]: weight gradients (inputs^T times output grads). */
EXPORT void gemm_tn(int M, int N, int K, const f32 *A, int lda, const f32 *B, int ldb, f32 *C, int ldc) {
  int k = 0;
  for (; k + 4 <= K; k += 4) {
    for (int j = 0; j < N; j += 8) {
      TILE_ZERO;
      const f32 *a = A + k, *b = B + j;
      for (int m = 0; m < M; m++) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        b += ldb;
        v128_t x0 = SPLAT(a[0]), x1 = SPLAT(a[1]), x2 = SPLAT(a[2]), x3 = SPLAT(a[3]);
        a += lda;
        TILE_FMA(x0, x1, x2, x3, b0, b1);
      }
      f32 *c = C + k * ldc + j;
      TILE_STORE(c, ldc, N - j);
    }
  }
  for (; k < K; k++) {
    for (int j = 0; j < N; j += 8) {
      v128_t c00 = SPLAT(0), c01 = c00;
      const f32 *a = A + k, *b = B + j;
      for (int m = 0; m < M; m++) {
        v128_t x0 = SPLAT(a[0]);
        c00 = ADD(c00, MUL(x0, wasm_v128_load(b))); c01 = ADD(c01, MUL(x0, wasm_v128_load(b + 4)));
        a += lda; b += ldb;
      }
      store8(C + k * ldc + j, c00, c01, N - j);
    }
  }
}

/* dst[C x R] = src[R x C]^T */
EXPORT void transpose(int R, int C, const f32 *src, f32 *dst) {
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) dst[c * R + r] = src[r * C + c];
}

/* Rows of the convolution as a matrix: cols[(n,oh,ow)][(kh,kw,c)], zeros where the window hangs
 * over the padding. Row order matches a tfjs kernel [KH,KW,Cin,Cout] read as [K x Cout]. For one
 * kh the window is KW*C contiguous floats of the input, copied in one run when inside the image. */
EXPORT void im2col(int N, int H, int W, int C, int KH, int KW, int sh, int sw, int padT, int padL,
                   int OH, int OW, const f32 *x, f32 *cols) {
  int run = KW * C;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        int iw0 = ow * sw - padL;
        int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++, cols += run) {
          int ih = oh * sh - padT + kh;
          if (ih < 0 || ih >= H) {
            for (int t = 0; t < run; t++) cols[t] = 0;
            continue;
          }
          const f32 *src = x + ((n * H + ih) * W + iw0) * C;
          if (inside) {
            for (int t = 0; t < run; t++) cols[t] = src[t];
            continue;
          }
          for (int kw = 0; kw < KW; kw++) {
            int iw = iw0 + kw, inRange = iw >= 0 && iw < W;
            for (int c = 0; c < C; c++) cols[kw * C + c] = inRange ? src[kw * C + c] : 0;
          }
        }
      }
}

/* The adjoint of im2col: dx = sum of each window's column gradients (dx is overwritten). */
EXPORT void col2im(int N, int H, int W, int C, int KH, int KW, int sh, int sw, int padT, int padL,
                   int OH, int OW, const f32 *cols, f32 *dx) {
  int run = KW * C;
  for (int i = 0, n = N * H * W * C; i < n; i++) dx[i] = 0;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        int iw0 = ow * sw - padL;
        int inside = iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++, cols += run) {
          int ih = oh * sh - padT + kh;
          if (ih < 0 || ih >= H) continue;
          f32 *dst = dx + ((n * H + ih) * W + iw0) * C;
          if (inside) {
            for (int t = 0; t < run; t++) dst[t] += cols[t];
            continue;
          }
          for (int kw = 0; kw < KW; kw++) {
            int iw = iw0 + kw;
            if (iw >= 0 && iw < W)
              for (int c = 0; c < C; c++) dst[kw * C + c] += cols[kw * C + c];
          }
        }
      }
}

/* e^x for f32x4: Cody-Waite range reduction, degree-6 polynomial, 2^n built in the exponent. */
static inline v128_t vexp(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, SPLAT(-87.0f)), SPLAT(88.0f));
  v128_t n = wasm_f32x4_nearest(MUL(x, SPLAT(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, MUL(n, SPLAT(0.693359375f)));
  r = wasm_f32x4_sub(r, MUL(n, SPLAT(-2.12194440e-4f)));
  v128_t p = SPLAT(1.0f / 720);
  p = ADD(MUL(p, r), SPLAT(1.0f / 120));
  p = ADD(MUL(p, r), SPLAT(1.0f / 24));
  p = ADD(MUL(p, r), SPLAT(1.0f / 6));
  p = ADD(MUL(p, r), SPLAT(0.5f));
  p = ADD(MUL(p, r), SPLAT(1.0f));
  p = ADD(MUL(p, r), SPLAT(1.0f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return MUL(p, scale);
}

static inline v128_t vact(v128_t v, int act) {
  switch (act) {
    case ACT_RELU: return wasm_f32x4_max(v, SPLAT(0));
    case ACT_TANH: /* 1 - 2 / (e^2x + 1) */
      return wasm_f32x4_sub(SPLAT(1), wasm_f32x4_div(SPLAT(2), ADD(vexp(ADD(v, v)), SPLAT(1))));
    case ACT_SIGMOID: return wasm_f32x4_div(SPLAT(1), ADD(vexp(wasm_f32x4_neg(v)), SPLAT(1)));
    default: return v;
  }
}

/* y[M x N] = act(y + bias) in place (bias may be null): the bias by rows, the activation over
 * the whole array (rows of 6 or 10 would leave most of it to a scalar tail). */
EXPORT void bias_act(int M, int N, f32 *y, const f32 *bias, int act) {
  if (bias)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) y[i * N + j] += bias[j];
  if (act == ACT_LINEAR) return;
  int n = M * N, i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, vact(wasm_v128_load(y + i), act));
  if (i < n) {
    f32 t[4] = {0, 0, 0, 0};
    for (int j = i; j < n; j++) t[j - i] = y[j];
    wasm_v128_store(t, vact(wasm_v128_load(t), act));
    for (int j = i; j < n; j++) y[j] = t[j - i];
  }
}

/* dy *= act'(.) where y is the activation's output (in place). */
EXPORT void act_grad(int n, const f32 *y, f32 *dy, int act) {
  if (act == ACT_LINEAR) return;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t a = wasm_v128_load(y + i), g = wasm_v128_load(dy + i), d;
    if (act == ACT_RELU) d = wasm_v128_and(g, wasm_f32x4_gt(a, SPLAT(0)));
    else if (act == ACT_TANH) d = MUL(g, wasm_f32x4_sub(SPLAT(1), MUL(a, a)));
    else d = MUL(g, MUL(a, wasm_f32x4_sub(SPLAT(1), a)));
    wasm_v128_store(dy + i, d);
  }
  for (; i < n; i++) {
    f32 a = y[i];
    if (act == ACT_RELU) dy[i] = a > 0 ? dy[i] : 0;
    else if (act == ACT_TANH) dy[i] *= 1 - a * a;
    else dy[i] *= a * (1 - a);
  }
}

/* out[N] = column sums of g[M x N]: bias gradients. */
EXPORT void col_sum(int M, int N, const f32 *g, f32 *out) {
  for (int j = 0; j < N; j++) out[j] = 0;
  for (int i = 0; i < M; i++, g += N) {
    int j = 0;
    for (; j + 4 <= N; j += 4) wasm_v128_store(out + j, ADD(wasm_v128_load(out + j), wasm_v128_load(g + j)));
    for (; j < N; j++) out[j] += g[j];
  }
}

/* Valid average pooling, NHWC. */
EXPORT void avgpool(int N, int H, int W, int C, int PH, int PW, int sh, int sw, int OH, int OW, const f32 *x, f32 *y) {
  f32 inv = 1.0f / (PH * PW);
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, y += C) {
        for (int c = 0; c < C; c++) y[c] = 0;
        for (int ph = 0; ph < PH; ph++)
          for (int pw = 0; pw < PW; pw++) {
            const f32 *src = x + ((n * H + oh * sh + ph) * W + ow * sw + pw) * C;
            for (int c = 0; c < C; c++) y[c] += src[c];
          }
        for (int c = 0; c < C; c++) y[c] *= inv;
      }
}

EXPORT void avgpool_grad(int N, int H, int W, int C, int PH, int PW, int sh, int sw, int OH, int OW, const f32 *dy, f32 *dx) {
  f32 inv = 1.0f / (PH * PW);
  for (int i = 0, n = N * H * W * C; i < n; i++) dx[i] = 0;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, dy += C)
        for (int ph = 0; ph < PH; ph++)
          for (int pw = 0; pw < PW; pw++) {
            f32 *dst = dx + ((n * H + oh * sh + ph) * W + ow * sw + pw) * C;
            for (int c = 0; c < C; c++) dst[c] += dy[c] * inv;
          }
}

/* Valid max pooling, NHWC; arg[i] = index in x of the maximum (first one on ties). */
EXPORT void maxpool(int N, int H, int W, int C, int PH, int PW, int sh, int sw, int OH, int OW, const f32 *x, f32 *y, int *arg) {
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, y += C, arg += C)
        for (int c = 0; c < C; c++) {
          int best = ((n * H + oh * sh) * W + ow * sw) * C + c;
          for (int ph = 0; ph < PH; ph++)
            for (int pw = 0; pw < PW; pw++) {
              int at = ((n * H + oh * sh + ph) * W + ow * sw + pw) * C + c;
              if (x[at] > x[best]) best = at;
            }
          y[c] = x[best];
          arg[c] = best;
        }
}

EXPORT void maxpool_grad(int nx, int ny, const f32 *dy, const int *arg, f32 *dx) {
  for (int i = 0; i < nx; i++) dx[i] = 0;
  for (int i = 0; i < ny; i++) dx[arg[i]] += dy[i];
}

/* The optimizers' updates, each the same float32 operations in the same order as tfjs's
 * (tfjs-core/dist/optimizers), so the weights and slots equal what tfjs's optimizer computes from
 * the same gradients. Baseline SIMD has no fused multiply-add, so nothing is contracted. */

/* SGD: w = -lr * g + w */
EXPORT void sgd(int n, f32 *w, const f32 *g, f32 lr) {
  int i = 0;
  v128_t l = SPLAT(lr);
  for (; i + 4 <= n; i += 4) wasm_v128_store(w + i, wasm_f32x4_sub(wasm_v128_load(w + i), MUL(l, wasm_v128_load(g + i))));
  for (; i < n; i++) w[i] -= lr * g[i];
}

/* Momentum: acc = mu * acc + g; w = -lr * acc + w, or with Nesterov w = -lr * (g + acc * mu) + w */
EXPORT void momentum(int n, f32 *w, const f32 *g, f32 *acc, f32 lr, f32 mu, int nesterov) {
  v128_t l = SPLAT(lr), m = SPLAT(mu);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t a = ADD(MUL(m, wasm_v128_load(acc + i)), gi);
    wasm_v128_store(acc + i, a);
    v128_t step = nesterov ? ADD(gi, MUL(a, m)) : a;
    wasm_v128_store(w + i, wasm_f32x4_sub(wasm_v128_load(w + i), MUL(l, step)));
  }
  for (; i < n; i++) {
    acc[i] = mu * acc[i] + g[i];
    w[i] -= lr * (nesterov ? g[i] + acc[i] * mu : acc[i]);
  }
}

/* Adam: m = m * b1 + g * (1 - b1); v = v * b2 + g^2 * (1 - b2);
 * w = (m / (1 - accB1)) / (sqrt(v / (1 - accB2)) + eps) * -lr + w. The caller passes the
 * float32 constants as tfjs rounds them (omb = 1 - b, omab = 1 - accB, nlr = -lr). */
EXPORT void adam(int n, f32 *w, const f32 *g, f32 *m, f32 *v, f32 b1, f32 omb1, f32 b2, f32 omb2,
                 f32 omab1, f32 omab2, f32 eps, f32 nlr) {
  v128_t B1 = SPLAT(b1), O1 = SPLAT(omb1), B2 = SPLAT(b2), O2 = SPLAT(omb2);
  v128_t A1 = SPLAT(omab1), A2 = SPLAT(omab2), E = SPLAT(eps), L = SPLAT(nlr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = ADD(MUL(wasm_v128_load(m + i), B1), MUL(gi, O1));
    v128_t vi = ADD(MUL(wasm_v128_load(v + i), B2), MUL(MUL(gi, gi), O2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    v128_t mh = wasm_f32x4_div(mi, A1), vh = wasm_f32x4_div(vi, A2);
    v128_t u = MUL(wasm_f32x4_div(mh, ADD(wasm_f32x4_sqrt(vh), E)), L);
    wasm_v128_store(w + i, ADD(u, wasm_v128_load(w + i)));
  }
  for (; i < n; i++) {
    f32 gi = g[i];
    f32 mi = m[i] * b1 + gi * omb1, vi = v[i] * b2 + (gi * gi) * omb2;
    m[i] = mi;
    v[i] = vi;
    w[i] = ((mi / omab1) / (__builtin_sqrtf(vi / omab2) + eps)) * nlr + w[i];
  }
}

/* RMSprop (not centered): ms = ms * rho + g^2 * (1 - rho); mom = mom * mu + g * lr / sqrt(ms + eps);
 * w -= mom */
EXPORT void rmsprop(int n, f32 *w, const f32 *g, f32 *ms, f32 *mom, f32 rho, f32 omrho, f32 mu, f32 eps, f32 lr) {
  v128_t R = SPLAT(rho), O = SPLAT(omrho), M = SPLAT(mu), E = SPLAT(eps), L = SPLAT(lr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t s = ADD(MUL(wasm_v128_load(ms + i), R), MUL(MUL(gi, gi), O));
    v128_t a = ADD(MUL(wasm_v128_load(mom + i), M), wasm_f32x4_div(MUL(gi, L), wasm_f32x4_sqrt(ADD(s, E))));
    wasm_v128_store(ms + i, s);
    wasm_v128_store(mom + i, a);
    wasm_v128_store(w + i, wasm_f32x4_sub(wasm_v128_load(w + i), a));
  }
  for (; i < n; i++) {
    f32 gi = g[i], s = ms[i] * rho + (gi * gi) * omrho;
    f32 a = mom[i] * mu + (gi * lr) / __builtin_sqrtf(s + eps);
    ms[i] = s;
    mom[i] = a;
    w[i] -= a;
  }
}

/* Keras's inverted dropout at training: each value kept with probability keep (as
 * u32 hash < threshold) and scaled by 1 / keep, else zeroed; mask holds the factor for backward.
 * The hash of (key, index of the value in the whole batch) makes the mask independent of how a
 * batch is split over threads. */
static inline v128_t vmix(v128_t x) {
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
  x = wasm_i32x4_mul(x, wasm_i32x4_splat(0x7feb352d));
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 15));
  x = wasm_i32x4_mul(x, wasm_i32x4_splat((int)0x846ca68bu));
  return wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
}

EXPORT void dropout(int n, const f32 *x, f32 *y, f32 *mask, unsigned first, unsigned key1, unsigned key2,
                    unsigned threshold, f32 scale) {
  v128_t K1 = wasm_i32x4_splat((int)key1), K2 = wasm_i32x4_splat((int)key2);
  v128_t T = wasm_i32x4_splat((int)threshold), S = SPLAT(scale);
  v128_t idx = wasm_i32x4_add(wasm_i32x4_splat((int)first), wasm_i32x4_make(0, 1, 2, 3));
  int i = 0;
  for (; i < n; i += 4, idx = wasm_i32x4_add(idx, wasm_i32x4_splat(4))) {
    v128_t h = vmix(wasm_v128_xor(vmix(wasm_i32x4_add(idx, K1)), K2));
    v128_t f = wasm_v128_and(wasm_u32x4_lt(h, T), S);
    if (i + 4 <= n) {
      wasm_v128_store(mask + i, f);
      wasm_v128_store(y + i, MUL(wasm_v128_load(x + i), f));
    } else {
      f32 t[4];
      wasm_v128_store(t, f);
      for (int j = i; j < n; j++) { mask[j] = t[j - i]; y[j] = x[j] * t[j - i]; }
    }
  }
}

/* Elementwise a = b * c (dropout's backward: dx = dy * mask). */
EXPORT void mul_to(int n, f32 *a, const f32 *b, const f32 *c) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(a + i, MUL(wasm_v128_load(b + i), wasm_v128_load(c + i)));
  for (; i < n; i++) a[i] = b[i] * c[i];
}

/* Elementwise a += b (two threads' gradient parts). */
EXPORT void add_to(int n, f32 *a, const f32 *b) {
  for (int i = 0; i < n; i++) a[i] += b[i];
}
