// Benchmark (not a test): time to load dist/extension.js and run activate(), with a stub `vscode`
// module that records registrations. Measures our own cost only (module evaluation + activate);
// VS Code's own extension-host overhead comes on top. Usage: node test/host/bench-activation.mjs
import Module from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const registered = [];
const disposable = { dispose() {} };
const stub = {
  commands: { registerCommand: (id) => (registered.push(id), disposable), executeCommand: async () => undefined },
  window: {
    registerWebviewPanelSerializer: (t) => (registered.push(`serializer:${t}`), disposable),
    createOutputChannel: () => { throw new Error('activate must not create the output channel'); },
    createStatusBarItem: () => { throw new Error('activate must not create the status bar item'); },
  },
  workspace: { getConfiguration: () => ({ get: () => undefined }) },
  Uri: { joinPath: () => ({}) },
  ViewColumn: {}, ProgressLocation: {}, StatusBarAlignment: {},
};
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode-stub';
  return origResolve.call(this, request, ...rest);
};
Module._cache['vscode-stub'] = { id: 'vscode-stub', filename: 'vscode-stub', loaded: true, exports: stub };
const require = Module.createRequire(import.meta.url);

const t0 = performance.now();
const ext = require(join(root, 'dist', 'extension.js'));
const t1 = performance.now();
const context = { subscriptions: [], workspaceState: { get: () => undefined }, globalStorageUri: { fsPath: '/tmp' }, extensionUri: {}, asAbsolutePath: (p) => join(root, p) };
ext.activate(context);
const t2 = performance.now();
const loaded = Object.keys(require.cache).filter((k) => k.includes('tensorflow'));
console.log(JSON.stringify({
  loadMs: +(t1 - t0).toFixed(2), activateMs: +(t2 - t1).toFixed(2), totalMs: +(t2 - t0).toFixed(2),
  registered, tfjsModulesLoaded: loaded.length,
}));
if (loaded.length) process.exit(1);
