// Which parts of the extension exist yet, read from the sources the .vsix is built from, so a
// flow whose feature has not been written is reported as skipped with the reason (never as a
// pass, and never as a confusing timeout).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Manifest {
  contributes?: { commands?: { command: string; title: string; category?: string }[] };
  activationEvents?: string[];
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** "LeNet: Start Training" for a contributed command id, or undefined when not contributed. */
export function commandTitle(id: string): string | undefined {
  const c = manifest().contributes?.commands?.find((c) => c.command === id);
  if (!c) return undefined;
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

function sourcesUnder(dir: string): string {
  const abs = join(root, dir);
  if (!existsSync(abs)) return '';
  let text = '';
  for (const name of readdirSync(abs)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) text += sourcesUnder(join(dir, name));
    else if (/\.(ts|js|css|html)$/.test(name)) text += readFileSync(p, 'utf8');
  }
  return text;
}

/** Test ids that the webview sources never mention (so flows needing them cannot work yet). */
export function missingTestIds(...ids: string[]): string[] {
  const src = sourcesUnder('webview');
  return ids.filter((id) => !src.includes(`'${id}'`) && !src.includes(`"${id}"`));
}

/** Does the extension host register a provider of this kind (e.g. "HoverProvider")? */
export function hostRegisters(kind: string): boolean {
  return sourcesUnder('src').includes(`register${kind}`);
}

/** Skip reason for a flow, or undefined when everything it needs exists. */
export function notLanded(needs: { commands?: string[]; testIds?: string[]; providers?: string[] }): string | undefined {
  const why: string[] = [];
  const cmds = (needs.commands ?? []).filter((c) => !commandTitle(c));
  if (cmds.length) why.push(`package.json contributes no ${cmds.join(', ')}`);
  const ids = missingTestIds(...(needs.testIds ?? []));
  if (ids.length) why.push(`the webview has no data-testid ${ids.join(', ')}`);
  const provs = (needs.providers ?? []).filter((p) => !hostRegisters(p));
  if (provs.length) why.push(`the extension registers no ${provs.join(', ')}`);
  return why.length ? `not landed yet: ${why.join('; ')}` : undefined;
}
