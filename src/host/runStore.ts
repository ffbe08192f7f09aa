// The run store: the one place the extension knows what runs there are, which one is training in
// our worker, and which one the panel shows. A pure state machine (no vscode, no files): the run
// folders are read elsewhere (runs.ts) and come in as `scanned`; the live run's lifecycle comes in
// as actions the training session derives from worker events. Every reader (panel, status bar,
// Runs list, evaluation, try-it, Inside the network) asks the store through the selectors below.
import type { RunFolderStatus, RunInfo } from '../shared/webviewProtocol';

/** The live run's phase: starting (no folder yet), running (its folder is known), stopping. */
export type LivePhase = 'starting' | 'running' | 'stopping';

export interface LiveRun {
  phase: LivePhase;
  /** Known from the first epochBegin (or at once for a resumed run). */
  runDir?: string;
  epochs: number;
}

export interface RunStoreState {
  /** The run folders, newest first, as last read. */
  runs: RunInfo[];
  live?: LiveRun;
  /** The run the user picked to show; undefined: the live run, else the newest. */
  selected?: string;
  /** How the last live run ended (for the panel's message), until the next start. */
  lastEnd?: { runDir?: string; status: Exclude<RunFolderStatus, 'running'>; reason?: string };
}

export type RunStoreAction =
  | { type: 'scanned'; runs: RunInfo[] }
  | { type: 'started'; epochs: number; runDir?: string }
  | { type: 'folder'; runDir: string }
  | { type: 'stopping' }
  | { type: 'ended'; status: Exclude<RunFolderStatus, 'running'>; runDir?: string; reason?: string }
  | { type: 'select'; runDir: string | undefined }
  | { type: 'removed'; runDir: string };

export function emptyRunStore(): RunStoreState {
  return { runs: [] };
}

/**
 * One transition. Actions that do not apply in the current state leave it unchanged (the same
 * object): an `ended` with no live run (an idle worker crashed), a `stopping` or `folder` with
 * none, a second `started` while one is live (the caller must end the first).
 */
export function reduceRunStore(s: RunStoreState, a: RunStoreAction): RunStoreState {
  switch (a.type) {
    case 'scanned': {
      const selected = s.selected && !a.runs.some((r) => r.runDir === s.selected) && s.selected !== s.live?.runDir ? undefined : s.selected;
      return { ...s, runs: a.runs, selected };
    }
    case 'started':
      if (s.live) return s;
      // A new run is shown from its start, whatever past run was selected.
      return { ...s, live: { phase: a.runDir ? 'running' : 'starting', epochs: a.epochs, ...(a.runDir ? { runDir: a.runDir } : {}) }, selected: undefined, lastEnd: undefined };
    case 'folder':
      if (!s.live || s.live.runDir === a.runDir) return s;
      return { ...s, live: { ...s.live, runDir: a.runDir, phase: s.live.phase === 'starting' ? 'running' : s.live.phase } };
    case 'stopping':
      if (!s.live || s.live.phase === 'stopping') return s;
      return { ...s, live: { ...s.live, phase: 'stopping' } };
    case 'ended': {
      if (!s.live) return s;
      const runDir = a.runDir || s.live.runDir;
      // The folder now says how it ended (until the next scan reads it back).
      const runs = runDir ? s.runs.map((r) => (r.runDir === runDir ? { ...r, status: a.status, ...(a.reason ? { reason: a.reason } : {}) } : r)) : s.runs;
      return { ...s, runs, live: undefined, lastEnd: { ...(runDir ? { runDir } : {}), status: a.status, ...(a.reason ? { reason: a.reason } : {}) } };
    }
    case 'select':
      if (a.runDir !== undefined && !s.runs.some((r) => r.runDir === a.runDir) && a.runDir !== s.live?.runDir) return s;
      return s.selected === a.runDir ? s : { ...s, selected: a.runDir };
    case 'removed':
      if (a.runDir === s.live?.runDir) return s; // never the run that is training
      return { ...s, runs: s.runs.filter((r) => r.runDir !== a.runDir), selected: s.selected === a.runDir ? undefined : s.selected };
  }
}

/** A run is active in our worker (from start to its end, stopping included). */
export function isLive(s: RunStoreState): boolean {
  return s.live !== undefined;
}

/** The runs as the Runs list shows them: the live one marked running whatever its folder says yet. */
export function listedRuns(s: RunStoreState): RunInfo[] {
  const live = s.live?.runDir;
  return live ? s.runs.map((r) => (r.runDir === live && r.status !== 'running' ? { ...r, status: 'running' as const, reason: undefined } : r)) : s.runs;
}

/**
 * The run the panel shows: the one picked, else the live one, else the last live run's, else the
 * newest. 'live' while the live run has no folder yet; undefined when there is no run at all.
 */
export function selectedRun(s: RunStoreState): string | 'live' | undefined {
  if (s.selected) return s.selected;
  if (s.live) return s.live.runDir ?? 'live';
  if (s.lastEnd?.runDir && s.runs.some((r) => r.runDir === s.lastEnd!.runDir)) return s.lastEnd.runDir;
  return s.runs[0]?.runDir;
}

/** Whether the panel shows the live run (so live events are streamed to it). */
export function showsLive(s: RunStoreState): boolean {
  const sel = selectedRun(s);
  return !!s.live && (sel === 'live' || sel === s.live.runDir);
}

/** The run the selected run's actions (evaluate, try-it, export, activations) use: one with a model. */
export function modelRun(s: RunStoreState): RunInfo | undefined {
  const sel = selectedRun(s);
  const run = listedRuns(s).find((r) => r.runDir === sel);
  return run?.hasModel ? run : undefined;
}

export function runInfo(s: RunStoreState, runDir: string | undefined): RunInfo | undefined {
  return runDir ? listedRuns(s).find((r) => r.runDir === runDir) : undefined;
}
