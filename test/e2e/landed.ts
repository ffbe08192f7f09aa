// What a flow needs from the extension, read from the manifest and the built bundles that go
// into the .vsix (dist/, rebuilt by `npm run package` right before the suite), so a flow whose
// command, test id or provider is missing FAILS at once and names what is missing, instead of
// timing out on a selector. Bundles, not sources: esbuild drops code that the entry point never
// reaches, so a provider written but not registered counts as missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Manifest {
  name: string;
  publisher: string;
  contributes?: { commands?: { command: string; title: string; category?: string }[] };
  activationEvents?: string[];
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** "publisher.name", as VS Code names the extension (and tags its webviews). */
export function extensionId(): string {
  const m = manifest();
  return `${m.publisher}.${m.name}`;
}

/** "LeNet: Start Training" for a contributed command id, or undefined when not contributed. */
export function commandTitle(id: string): string | undefined {
  const c = manifest().contributes?.commands?.find((c) => c.command === id);
  if (!c) return undefined;
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

function bundle(name: string): string {
  const p = join(root, 'dist', name);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** Test ids that the built webview never mentions (so flows needing them cannot work yet). */
export function missingTestIds(...ids: string[]): string[] {
  const js = bundle('webview.js');
  return ids.filter((id) => !js.includes(`'${id}'`) && !js.includes(`"${id}"`) && !js.includes(`\`${id}\``));
}

/** Does the built extension host call vscode.languages.register<kind> (e.g. "HoverProvider")? */
export function hostRegisters(kind: string): boolean {
  return bundle('extension.js').includes(`register${kind}(`);
}

/** What a flow needs that the manifest or the built bundles lack, or undefined when nothing is missing. */
export function missingParts(needs: { commands?: string[]; testIds?: string[]; providers?: string[] }): string | undefined {
  const why: string[] = [];
  const cmds = (needs.commands ?? []).filter((c) => !commandTitle(c));
  if (cmds.length) why.push(`package.json contributes no ${cmds.join(', ')}`);
  const ids = missingTestIds(...(needs.testIds ?? []));
  if (ids.length) why.push(`the built webview has no data-testid ${ids.join(', ')}`);
  const provs = (needs.providers ?? []).filter((p) => !hostRegisters(p));
  if (provs.length) why.push(`the built extension registers no ${provs.join(', ')}`);
  return why.length ? why.join('; ') : undefined;
}
