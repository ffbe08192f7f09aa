// A run's label and notes, set by the user from the Runs list: label.json in the run folder, so
// the label travels with the folder (the CLI and another window see it too). No vscode import.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { META_FILE, SUMMARY_FILE } from '../shared/runFiles';
import { readSmallFile } from '../shared/smallFile';

export interface RunMeta { label?: string; notes?: string }

/** Labels and notes are short text: longer is refused when set, cut when read. */
export const MAX_LABEL = 200;
export const MAX_NOTES = 4000;

export function readRunMeta(runDir: string): RunMeta {
  try {
    const v = JSON.parse(readSmallFile(join(runDir, META_FILE), 64 << 10)) as Record<string, unknown>;
    const text = (x: unknown, max: number) => (typeof x === 'string' && x.trim() ? x.trim().slice(0, max) : undefined);
    const label = text(v?.label, MAX_LABEL);
    const notes = text(v?.notes, MAX_NOTES);
    return { ...(label ? { label } : {}), ...(notes ? { notes } : {}) };
  } catch {
    return {}; // none set (or unreadable: the default label is used)
  }
}

/** Writes the label and notes (temp file + rename); an empty label goes back to the default. */
export function writeRunMeta(runDir: string, meta: RunMeta): void {
  const file = join(runDir, META_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify({ label: meta.label?.trim() || undefined, notes: meta.notes?.trim() || undefined }, null, 2) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Records how a run ended when its worker could not (killed, crashed, or ended by a window
 * reload): summary.json gets this status and reason, keeping whatever else the worker wrote.
 * Best effort: the folder may be gone or read-only; the run then reads as interrupted anyway.
 */
export function markRunEnded(runDir: string, status: 'interrupted' | 'stopped', reason: string): void {
  const file = join(runDir, SUMMARY_FILE);
  let summary: Record<string, unknown> = {};
  try {
    const v = JSON.parse(readSmallFile(file, 16 << 20)) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) summary = v as Record<string, unknown>;
  } catch {
    // none written: this is the first word on how the run ended
  }
  if (summary.status === 'completed' || summary.status === 'failed') return; // the worker's word stands
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify({ ...summary, status, reason, markedAt: new Date().toISOString() }, null, 2) + '\n');
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
