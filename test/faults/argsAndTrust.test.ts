// Arguments are decimal numbers within the trainer's limits, refused as usage errors (exit 2)
// before any worker starts; and the extension declares limited support for untrusted workspaces,
// with training refused until the workspace is trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../worker/helpers';
import { assertOneLine, runCli, tempDir } from './harness';

const BAD: [string[], RegExp][] = [
  [['--learning-rate', '0x10'], /--learning-rate must be a decimal number > 0 and at most 3\.4e\+38, got '0x10'/],
  [['--learning-rate', '1e308'], /--learning-rate must be a decimal number > 0 and at most 3\.4e\+38, got '1e308'/],
  [['--learning-rate', 'Infinity'], /--learning-rate must be a decimal number/],
  [['--epochs', '1e9'], /--epochs must be a whole decimal number from 1 to 100000, got '1e9'/],
  [['--epochs', '1000000000'], /--epochs must be a whole decimal number from 1 to 100000, got '1000000000'/],
  [['--epochs', '0x10'], /--epochs must be a whole decimal number/],
  [['--batch-size', '100000'], /--batch-size must be a whole decimal number from 1 to 60000, got '100000'/],
  [['--seed', '1099511627776'], /--seed must be a whole decimal number from 0 to 4294967295, got '1099511627776'/],
  [['--limit', '64', '--batch-size', '128'], /--batch-size 128 is larger than --limit 64/],
];

test('CLI numbers: decimal only, every limit checked before a worker starts (usage error, exit 2)', async (t) => {
  const dir = tempDir(t, 'lenet-faults-');
  for (const [args, re] of BAD) {
    const r = await runCli(['train', ...args, '--out', join(dir, 'runs')]);
    const what = args.join(' ');
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assertOneLine(r.stderr, new RegExp(`^lenet-lab: usage: ${re.source}`), what);
    assert.equal(r.stdout, '', `${what}: no worker started (it would print its backend)`);
  }
});

test('package.json: limited support in untrusted workspaces; the path settings are restricted', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const u = pkg.capabilities?.untrustedWorkspaces;
  assert.equal(u?.supported, 'limited');
  assert.deepEqual([...u.restrictedConfigurations].sort(), ['lenet.dataset', 'lenet.outputDirectory']);
  for (const k of u.restrictedConfigurations) assert.ok(pkg.contributes.configuration.properties[k], `${k} is a real setting`);
});

test('Restricted Mode: Start Training is refused with a warning offering to manage trust; nothing starts', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { createFakeVscode, installVscodeStub } = await import('../host/fakeVscode');
  const tmp = mkdtempSync(join(tmpdir(), 'lenet-faults-trust-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const fake = createFakeVscode(ROOT, join(tmp, 'global'));
  installVscodeStub(fake.vscode);
  fake.state.workspaceFolder = join(tmp, 'ws');
  fake.state.trusted = false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LenetController } = require('../../src/host/controller') as typeof import('../../src/host/controller');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTraining, UNTRUSTED_MESSAGE } = require('../../src/host/commands') as typeof import('../../src/host/commands');
  const c = new LenetController(fake.context as never);
  t.after(() => c.dispose());
  assert.equal(await startTraining(c), false);
  assert.deepEqual(fake.shown.map((s) => [s.kind, s.message, s.items]), [['warning', UNTRUSTED_MESSAGE, ['Manage Workspace Trust']]]);
  assert.equal(fake.panels.length, 0, 'no panel, no worker');
  assert.equal(c.snapshot.status, 'idle');
});
