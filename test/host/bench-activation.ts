// Benchmark (not a test): time to load dist/extension.js and run activate() in plain Node with the
// recording vscode stand-in. Measures our own cost (bundle evaluation + activate, including the
// hover features' registration); VS Code's extension-host overhead comes on top.
// Usage: npm run build && node --import tsx test/host/bench-activation.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFakeVscode, installVscodeStub } from './fakeVscode';

const root = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'lenet-bench-'));
const fake = createFakeVscode(root, tmp);
installVscodeStub(fake.vscode);
const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require(join(root, 'dist', 'extension.js'));
const t1 = performance.now();
ext.activate(fake.context);
const t2 = performance.now();
const tfjs = Object.keys(require.cache).filter((k) => k.includes('tensorflow'));
rmSync(tmp, { recursive: true, force: true });
console.log(JSON.stringify({
  loadMs: +(t1 - t0).toFixed(2), activateMs: +(t2 - t1).toFixed(2), totalMs: +(t2 - t0).toFixed(2),
  commands: [...fake.commands.keys()], outputLines: fake.output.length, tfjsModulesLoaded: tfjs.length,
}));
if (tfjs.length) {
  console.error('tfjs was loaded in the extension host');
  process.exit(1);
}
