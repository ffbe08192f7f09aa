// npm run package [-- <extra vsce args, e.g. --target linux-x64>]
// Builds the bundles (minified) and packages the extension with @vscode/vsce. Offline.
// - Without @tensorflow/tfjs-node installed: a universal .vsix with no node_modules at all
//   (everything is bundled into dist/; the worker uses WebAssembly).
// - With @tensorflow/tfjs-node installed (npm install on a machine that can download
//   libtensorflow): a platform-specific .vsix that also ships tfjs-node and its run-time
//   dependencies, for the platform this runs on (--target defaults to it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dependencyClosure, resolvePackageDir } from './packageDeps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
};

run(process.execPath, ['esbuild.mjs', '--minify']);

// Refuse to build a .vsix that would install but not work.
const required = ['dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'dist/cli.js', 'dist/h5wasm.js', 'dist/tfjs-backend-wasm-simd.wasm', 'dist/tfjs-backend-wasm.wasm', 'dist/fused.wasm', 'dist/fused-thread.js', 'media/panel.css'];
const missing = required.filter((f) => !existsSync(join(root, f)));
if (!readdirSync(join(root, 'dist')).some((f) => f.startsWith('mnist-sample'))) missing.push('dist/mnist-sample.* (the bundled MNIST sample)');
if (missing.length) {
  console.error(`package: missing build outputs: ${missing.join(', ')}`);
  process.exit(1);
}

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// No repository URL exists to rewrite the README's relative image links to; the image ships in
// the vsix (see .vscodeignore) and VS Code resolves it there.
const args = ['package', '--allow-missing-repository', '--no-rewrite-relative-links', ...extra];
const tfnDir = resolvePackageDir('@tensorflow/tfjs-node', root, root);
let tmp;
if (tfnDir) {
  const closure = dependencyClosure(root, '@tensorflow/tfjs-node');
  tmp = mkdtempSync(join(tmpdir(), 'lenet-vsce-'));
  const ignore = join(tmp, '.vscodeignore');
  writeFileSync(ignore, [readFileSync(join(root, '.vscodeignore'), 'utf8'), '# added by scripts/package.mjs: tfjs-node and its run-time dependencies', ...closure.map((d) => `!${d}/**`)].join('\n') + '\n');
  console.log(`package: @tensorflow/tfjs-node is installed: shipping it with ${closure.length - 1} dependencies (platform-specific package)`);
  args.push('--dependencies', '--ignoreFile', ignore);
  if (!extra.includes('--target')) args.push('--target', `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`);
} else {
  console.log('package: @tensorflow/tfjs-node is not installed: universal package (WebAssembly backend)');
  args.push('--no-dependencies');
}
try {
  run(process.execPath, [vsce, ...args]);
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
