// Compiles the fused training step's kernels (src/worker/fused/c/fused.c) to the committed
// fused.wasm with Debian's clang + lld. --check rebuilds into a temporary file and fails unless
// it equals the committed binary byte for byte, so the .wasm in git is always its source's.
// Usage: node scripts/build-fused-wasm.mjs [--check]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = new URL('../src/worker/fused/c/', import.meta.url).pathname;
const source = join(dir, 'fused.c');
const target = join(dir, 'fused.wasm');
const check = process.argv.includes('--check');
const tmp = check ? mkdtempSync(join(tmpdir(), 'fused-wasm-')) : '';
const out = check ? join(tmp, 'fused.wasm') : target;

// Baseline SIMD128 (no relaxed SIMD: behind a flag in Node 20); bulk memory for the struct
// copies clang emits as memcpy/memset, as there is no libc.
const args = ['--target=wasm32', '-msimd128', '-mbulk-memory', '-O3', '-nostdlib',
  '-Wl,--no-entry', '-Wl,--export-dynamic', '-Wl,--export=__heap_base', '-o', out, source];
const r = spawnSync('clang', args, { stdio: 'inherit' });
if (r.error) {
  console.error(`build-fused-wasm: cannot run clang (${r.error.message}); install it with: apt-get install -y clang lld`);
  process.exit(1);
}
if (r.status !== 0) process.exit(r.status ?? 1);
if (check) {
  const same = readFileSync(out).equals(readFileSync(target));
  rmSync(tmp, { recursive: true, force: true });
  if (!same) {
    console.error(`build-fused-wasm: ${target} is not the build of fused.c; run node scripts/build-fused-wasm.mjs and commit it`);
    process.exit(1);
  }
  console.log('fused.wasm matches its source');
} else {
  console.log(`wrote ${target}`);
}
