// TensorFlow.js stays out of the extension host: the built dist/extension.js neither contains nor
// requires it, and loading and activating it (with the fake VS Code) loads no tfjs. The worker
// bundle is the positive control: the same checks find tfjs there. The real VS Code's extension
// host process is checked by test/e2e/lifecycle.e2e.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeVscode, installVscodeStub } from './fakeVscode';

const root = join(__dirname, '..', '..');
const bundle = (name: string) => {
  const p = join(root, 'dist', name);
  assert.ok(existsSync(p), `${p} is missing: run npm run build`);
  return readFileSync(p, 'utf8');
};
/** What a bundle loads at run time: the targets of its require() calls. */
const requires = (js: string) => [...new Set([...js.matchAll(/\brequire\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2]))].sort();
/** tfjs-core's engine registers itself as this global; any tfjs inside a bundle brings it along. */
const TF_ENGINE = '_tfengine';

test('dist/extension.js requires only Node built-ins and vscode, and contains no tfjs', () => {
  const js = bundle('extension.js');
  const outside = requires(js).filter((m) => m !== 'vscode' && !builtinModules.includes(m.replace(/^node:/, '')));
  assert.deepEqual(outside, [], 'the extension host loads nothing from node_modules at run time');
  assert.ok(!js.includes(TF_ENGINE), `tfjs-core (${TF_ENGINE}) is bundled into the extension host`);
  assert.ok(!js.includes('@tensorflow/'), 'a @tensorflow package is named in the extension host bundle');
});

test('positive control: the same checks find tfjs in dist/worker.js', () => {
  const js = bundle('worker.js');
  assert.ok(js.includes(TF_ENGINE));
  assert.ok(requires(js).includes('@tensorflow/tfjs-node'), 'the worker loads native tfjs when installed');
});

test('loading and activating dist/extension.js loads no tfjs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lenet-notf-'));
  try {
    const fake = createFakeVscode(root, tmp);
    installVscodeStub(fake.vscode);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(join(root, 'dist', 'extension.js')) as typeof import('../../src/host/extension');
    ext.activate(fake.context as never);
    assert.ok(fake.commands.has('lenet.startTraining'), 'the bundle activated');
    assert.equal((globalThis as Record<string, unknown>)[TF_ENGINE], undefined);
    assert.deepEqual(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')), []);
    assert.deepEqual(fake.violations, []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
