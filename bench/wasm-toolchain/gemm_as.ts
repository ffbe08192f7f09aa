// 4x8 register-tiled GEMM, the same schedule as fused.c's gemm_nn (full tiles only).
export function gemm(M: i32, N: i32, K: i32, A: usize, B: usize, C: usize): void {
  for (let i = 0; i < M; i += 4) {
    const a0 = A + <usize>(i * K) * 4, a1 = a0 + <usize>K * 4, a2 = a1 + <usize>K * 4, a3 = a2 + <usize>K * 4;
    for (let j = 0; j < N; j += 8) {
      let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let b = B + <usize>j * 4;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(b), b1 = v128.load(b, 16);
        b += <usize>N * 4;
        const o = <usize>k * 4;
        const x0 = f32x4.splat(load<f32>(a0 + o)), x1 = f32x4.splat(load<f32>(a1 + o)), x2 = f32x4.splat(load<f32>(a2 + o)), x3 = f32x4.splat(load<f32>(a3 + o));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
      }
      const c = C + <usize>(i * N + j) * 4, ld = <usize>N * 4;
      v128.store(c, c00); v128.store(c, c01, 16);
      v128.store(c + ld, c10); v128.store(c + ld, c11, 16);
      v128.store(c + 2 * ld, c20); v128.store(c + 2 * ld, c21, 16);
      v128.store(c + 3 * ld, c30); v128.store(c + 3 * ld, c31, 16);
    }
  }
}
