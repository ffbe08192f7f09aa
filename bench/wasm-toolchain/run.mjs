// Times fused.c's gemm_nn against the AssemblyScript prototype gemm_as.ts (see README.md).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
const as = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL('./gemm_as.wasm', import.meta.url))), { env: { abort() { throw new Error('abort'); } } }).exports;
const c = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL('../../src/worker/fused/c/fused.wasm', import.meta.url))), {}).exports;
c.memory.grow(200);
const M = 6400, N = 16, K = 150, base = 1 << 20;
const A = base, B = A + M * K * 4 + 64, C = B + K * N * 4 + 64;
for (const mem of [as.memory, c.memory]) { const f = new Float32Array(mem.buffer); for (let i = 0; i < M * K + K * N + 32; i++) f[A / 4 + i] = Math.random(); }
const time = (f) => { for (let i = 0; i < 20; i++) f(); const ts = []; for (let r = 0; r < 200; r++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts; };
for (let round = 0; round < 3; round++) {
  for (const [name, f] of [['C (clang 14 -O3)', () => c.gemm_nn(M, N, K, A, K, B, N, C, N)], ['AssemblyScript (asc -O3)', () => as.gemm(M, N, K, A, B, C)]]) {
    const ts = time(f);
    console.log(`${name}: C3 GEMM 6400x150x16 min ${ts[0].toFixed(3)} ms (${(2 * M * N * K / ts[0] / 1e6).toFixed(1)} GFLOP/s), median ${ts[100].toFixed(3)} ms, load ${loadavg()[0].toFixed(2)}`);
  }
}
const fc = new Float32Array(c.memory.buffer, C, M * N), fa = new Float32Array(as.memory.buffer, C, M * N);
