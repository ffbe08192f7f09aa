// The model file a run was trained from ("Train This Model" keeps it in the run's config.json),
// so the panel can link the run's layers to their code. Pure file reading, no vscode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../model/spec';

/** The model file and spec a run was trained from, from its config.json (best/ reads its parent's). */
export function runSource(runDir: string): { source: string; model?: ModelSpec } | undefined {
  for (const f of [join(runDir, 'config.json'), join(runDir, '..', 'config.json')]) {
    try {
      const c = JSON.parse(readFileSync(f, 'utf8')) as { source?: unknown; model?: ModelSpec };
      if (typeof c.source === 'string' && c.source) return { source: c.source, model: c.model };
      return undefined;
    } catch {
      // no config here: try the parent (best/)
    }
  }
  return undefined;
}
