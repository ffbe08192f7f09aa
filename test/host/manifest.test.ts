// package.json against the code, both ways: every command the extension registers or runs is
// contributed with its title (and every contributed command is registered), every setting the
// code reads is contributed with a real description (and every contributed setting is read),
// activation events and context keys match, and the settings' enums, limits and defaults are
// the ones the code enforces. A renamed command or a setting left behind fails here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BACKENDS, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SEED, OPTIMIZERS, readTrainSettings } from '../../src/host/settings';

const root = join(__dirname, '..', '..');

interface Command { command: string; title: string; category?: string; enablement?: string }
interface Setting { type: string | string[]; default: unknown; enum?: unknown[]; minimum?: number; maximum?: number; markdownDescription?: string; description?: string; enumDescriptions?: string[] }
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  engines: { vscode: string };
  contributes: {
    commands: Command[];
    menus?: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, Setting> };
  };
};

/** Every .ts file that talks to VS Code: the host and the editor features (the CLI and the worker never do). */
const VSCODE_FOLDERS = ['host', 'editor'];

function hostSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push({ file: p.slice(root.length + 1), text: readFileSync(p, 'utf8') });
    }
  };
  for (const dir of VSCODE_FOLDERS) walk(join(root, 'src', dir));
  return out;
}
const sources = hostSources();
const all = sources.map((s) => s.text).join('\n');

/** `export const NAME = 'value'` anywhere in the host, so constants used as ids resolve. */
function constant(name: string): string {
  const m = new RegExp(`export const ${name} = '([^']+)'`).exec(all);
  assert.ok(m, `constant ${name} is not defined as a string in src/${VSCODE_FOLDERS.join(' or src/')}`);
  return m[1];
}
const idOf = (literal: string | undefined, name: string | undefined) => literal ?? constant(name!);
const matches = (re: RegExp) => [...all.matchAll(re)];

const registered = new Set(matches(/registerCommand\(\s*(?:'([^']+)'|([A-Z_]+))/g).map((m) => idOf(m[1], m[2])));
const executed = new Set(matches(/executeCommand\(\s*'(lenet\.[^']+)'/g).map((m) => m[1]));
// Commands the panel's buttons run go through a table of ids.
for (const m of matches(/'(lenet\.[a-zA-Z]+)'/g)) if (/^lenet\.(start|stop|evaluate)/.test(m[1])) executed.add(m[1]);
const contextKeys = new Set(matches(/executeCommand\(\s*'setContext',\s*(?:'([^']+)'|([A-Z_]+))/g).map((m) => idOf(m[1], m[2])));

/**
 * Settings keys read: by readTrainSettings (recorded at run time, with nothing set, with the
 * contributed defaults, and with every optional feature switched on, since some settings are read
 * only when another one turns their feature on) and by direct reads in the host.
 */
function settingsRead(): Set<string> {
  const keys = new Set<string>();
  const props = pkg.contributes.configuration.properties;
  const on = (p: Setting): unknown =>
    p.default === null ? Math.max(p.minimum ?? 1, 1) : p.type === 'boolean' ? true : p.default;
  const getters: ((k: string) => unknown)[] = [
    () => undefined,
    (k) => props[`lenet.${k}`]?.default,
    (k) => (props[`lenet.${k}`] ? on(props[`lenet.${k}`]) : undefined),
  ];
  for (const value of getters) {
    readTrainSettings((k) => {
      keys.add(k);
      return value(k);
    }, { workspaceFolder: '/ws', globalStorage: '/gs' });
  }
  for (const m of matches(/getConfiguration\('lenet'\)\.get(?:<[^>]+>)?\('([a-zA-Z]+)'/g)) keys.add(m[1]);
  for (const m of matches(/this\.setting(?:<[^>]+>)?\('([a-zA-Z]+)'/g)) keys.add(m[1]);
  for (const m of matches(/affectsConfiguration\('lenet\.([a-zA-Z]+)'\)/g)) keys.add(m[1]);
  return new Set([...keys].map((k) => `lenet.${k}`));
}

test('the main commands are contributed with their palette titles', () => {
  const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.deepEqual(titles, {
    'lenet.startTraining': 'LeNet: Start Training',
    'lenet.stopTraining': 'LeNet: Stop Training',
    'lenet.evaluate': 'LeNet: Evaluate Model',
    'lenet.evaluateRun': 'LeNet: Evaluate Model from a Past Run...',
    'lenet.evaluateKerasModel': 'LeNet: Evaluate Keras Model (.h5)...',
    'lenet.showPanel': 'LeNet: Show Training Panel',
    'lenet.trainThisModel': 'LeNet: Train This Model',
    'lenet.showActivations': 'LeNet: Show Activations',
  });
});

test('every registered or executed lenet.* command is contributed, and every contributed command is registered', () => {
  assert.ok(registered.size >= 6, `found the registrations (${[...registered].join(', ')})`);
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const id of registered) assert.ok(contributed.has(id), `${id} is registered but not contributed in package.json`);
  for (const id of executed) assert.ok(registered.has(id), `${id} is executed but never registered`);
  for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but the extension never registers it`);
  for (const c of pkg.contributes.commands) assert.ok(c.title.trim().length > 3 && c.category === 'LeNet', `${c.command} has a title and the LeNet category`);
});

test('activation events: commands activate through contributes.commands, the panel through its view type', () => {
  // VS Code 1.74+ activates an extension on its contributed commands by itself; an onCommand event
  // would only repeat the command list (and drift from it).
  const [major, minor] = pkg.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(major > 1 || minor >= 74, `engines.vscode ${pkg.engines.vscode} activates on contributed commands (1.74+)`);
  assert.deepEqual(pkg.activationEvents.filter((e) => e.startsWith('onCommand:')), [], 'no onCommand activation events (implied by contributes.commands)');
  const viewType = constant('PANEL_VIEW_TYPE');
  assert.ok(/registerWebviewPanelSerializer\(PANEL_VIEW_TYPE/.test(all), 'the panel serializer is registered for PANEL_VIEW_TYPE');
  const onPanel = pkg.activationEvents.filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice('onWebviewPanel:'.length));
  assert.deepEqual(onPanel, [viewType], 'onWebviewPanel names the view type the serializer restores');
});

test('context keys in when/enablement clauses are the ones the code sets', () => {
  const clauses = [
    ...pkg.contributes.commands.map((c) => c.enablement ?? ''),
    ...Object.values(pkg.contributes.menus ?? {}).flat().map((m) => m.when ?? ''),
  ].join(' ');
  const used = new Set([...clauses.matchAll(/\blenet\.[a-zA-Z]+/g)].map((m) => m[0]));
  assert.ok(used.size > 0, 'the manifest uses a lenet.* context key');
  for (const k of used) assert.ok(contextKeys.has(k), `${k} is used in package.json but the code never sets it (setContext)`);
  for (const k of contextKeys) assert.ok(used.has(k), `the code sets ${k} but no when/enablement clause uses it`);
});

test('every setting the code reads is contributed with a description, and every contributed setting is read', () => {
  const read = settingsRead();
  const props = pkg.contributes.configuration.properties;
  for (const k of read) assert.ok(props[k], `the code reads ${k} but package.json does not contribute it`);
  for (const k of Object.keys(props)) assert.ok(read.has(k), `${k} is contributed but the code never reads it`);
  for (const [k, p] of Object.entries(props)) {
    const text = (p.markdownDescription ?? p.description ?? '').trim();
    assert.ok(text.split(/\s+/).length >= 4, `${k} needs a description that says what it does, not ${JSON.stringify(text)}`);
    if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${k}: one enumDescription per value`);
  }
});

test('settings enums, limits and defaults are the ones the code enforces', () => {
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(props['lenet.optimizer'].enum, [...OPTIMIZERS]);
  assert.deepEqual(props['lenet.backend'].enum, [...BACKENDS]);
  assert.equal(props['lenet.batchSize'].maximum, MAX_BATCH_SIZE);
  assert.equal(props['lenet.epochs'].maximum, MAX_EPOCHS);
  assert.equal(props['lenet.seed'].maximum, MAX_SEED);
  // Nothing set must mean the same run as every contributed default set explicitly.
  const byDefault = readTrainSettings(() => undefined, { workspaceFolder: '/ws', globalStorage: '/gs' });
  const defaults = Object.fromEntries(Object.entries(props).map(([k, p]) => [k.slice('lenet.'.length), p.default]));
  const explicit = readTrainSettings((k) => defaults[k], { workspaceFolder: '/ws', globalStorage: '/gs' });
  assert.ok(byDefault.ok && explicit.ok);
  assert.deepEqual(explicit.config, byDefault.config);
});
