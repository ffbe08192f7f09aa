// Times fused.c's gemm_nn against the same 4x8 schedule in AssemblyScript (see README.md).
// Usage: node bench/wasm-toolchain/run.mjs (compiles the AssemblyScript with npx -p assemblyscript@0.28.20)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
// AssemblyScript: i32/usize/v128 are its types; the loop is fused.c's gemm_nn (full tiles only).
const AS_SOURCE = `// 4x8 register-tiled GEMM, the same schedule as fused.c's gemm_nn (full tiles only).
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
}`;
const dir = mkdtempSync(join(tmpdir(), 'asc-'));
writeFileSync(join(dir, 'gemm.ts'), AS_SOURCE);
execFileSync('npx', ['--yes', '-p', 'assemblyscript@0.28.20', 'asc', join(dir, 'gemm.ts'), '-O3', '--enable', 'simd', '--runtime', 'stub', '--initialMemory', '200', '-o', join(dir, 'gemm.wasm')], { stdio: 'inherit' });
const as = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(dir, 'gemm.wasm'))), { env: { abort() { throw new Error('abort'); } } }).exports;
const c = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL('../../src/worker/fused/c/fused.wasm', import.meta.url))), {}).exports;
c.memory.grow(200);
const M = 6400, N = 16, K = 150, base = 1 << 20;
const A = base, B = A + M * K * 4 + 64, C = B + K * N * 4 + 64;
for (const mem of [as.memory, c.memory]) { const f = new Float32Array(mem.buffer); for (let i = 0; i < M * K + K * N + 32; i++) f[A / 4 + i] = Math.random(); }
const time = (f) => {
  for (let i = 0; i < 20; i++) f();
  const ts = [];
  for (let r = 0; r < 200; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts;
};
for (let round = 0; round < 3; round++) {
  for (const [name, f] of [['C (clang 14 -O3)', () => c.gemm_nn(M, N, K, A, K, B, N, C, N)], ['AssemblyScript (asc -O3)', () => as.gemm(M, N, K, A, B, C)]]) {
    const ts = time(f);
    console.log(`${name}: C3 GEMM 6400x150x16 min ${ts[0].toFixed(3)} ms (${(2 * M * N * K / ts[0] / 1e6).toFixed(1)} GFLOP/s), median ${ts[100].toFixed(3)} ms, load ${loadavg()[0].toFixed(2)}`);
  }
}
