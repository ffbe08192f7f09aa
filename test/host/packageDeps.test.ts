import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs build script without type declarations
import { dependencyClosure } from '../../scripts/packageDeps.mjs';

test('dependencyClosure follows nested and hoisted dependencies, skips missing optional ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'lenet-deps-'));
  try {
    const pkg = (dir: string, name: string, deps: Record<string, string> = {}, optional: Record<string, string> = {}) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, dependencies: deps, optionalDependencies: optional }));
    };
    const nm = join(root, 'node_modules');
    pkg(join(nm, '@tensorflow/tfjs-node'), '@tensorflow/tfjs-node', { '@tensorflow/tfjs': '1', tar: '1' }, { nope: '1' });
    pkg(join(nm, '@tensorflow/tfjs'), '@tensorflow/tfjs', { '@tensorflow/tfjs-core': '1' });
    pkg(join(nm, '@tensorflow/tfjs-core'), '@tensorflow/tfjs-core');
    pkg(join(nm, 'tar'), 'tar', { minipass: '3' });
    pkg(join(nm, 'tar/node_modules/minipass'), 'minipass'); // nested copy wins for tar
    pkg(join(nm, 'minipass'), 'minipass');
    pkg(join(nm, 'unrelated'), 'unrelated');
    assert.deepEqual(dependencyClosure(root, '@tensorflow/tfjs-node'), [
      'node_modules/@tensorflow/tfjs',
      'node_modules/@tensorflow/tfjs-core',
      'node_modules/@tensorflow/tfjs-node',
      'node_modules/tar',
      'node_modules/tar/node_modules/minipass',
    ]);
    pkg(join(nm, 'tar'), 'tar', { chownr: '2' });
    assert.throws(() => dependencyClosure(root, '@tensorflow/tfjs-node'), /@tensorflow\/tfjs-node -> tar -> chownr: chownr is not installed/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
