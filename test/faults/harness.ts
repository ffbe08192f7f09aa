// Runs the real CLI (dist/cli.js, real worker) as a user would, and measures what a fault costs:
// the exit code, stderr, and the peak resident memory of the CLI and its worker (VmHWM from
// /proc, polled; a process over the safety ceiling is killed so a regression cannot eat the
// machine). Plus the checks every fault case makes on the folders it touched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ensureBuilt } from '../worker/helpers';

export { CLI, ensureBuilt, tempDir } from '../worker/helpers';

/** Killed above this: no fault case may come near it (the worker trains LeNet in about 250 MB). */
const SAFETY_CEILING_MB = 3000;
const POLL_MS = 20;
/** The process tree is rescanned every few polls only: a /proc scan costs 10-30 ms on a busy machine. */
const RESCAN_EVERY = 5;

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Largest VmHWM (peak RSS) of the CLI and its descendants, in MB. */
  peakMB: number;
  /** Killed by the harness for exceeding the safety ceiling. */
  overCeiling: boolean;
  /** Wall time until exit, ms. */
  ms: number;
}

function status(pid: number): { ppid: number; hwmKB: number; rssKB: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { ppid: field('PPid'), hwmKB: field('VmHWM'), rssKB: field('VmRSS') };
  } catch {
    return null;
  }
}

/** pid and all its descendants (by PPid, scanning /proc). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      parent.set(Number(n), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Shell prefix, e.g. 'ulimit -f 200;' (the command then runs under bash). */
  shellPrefix?: string;
  /** Called once the process runs (to signal or kill it). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with each stdout chunk. */
  onStdout?: (text: string, child: ChildProcess) => void;
  /** Own process group, so the whole tree can be signalled with kill(-pid). */
  detached?: boolean;
  /** Hard stop for the harness itself (a hang is a failure, reported as signal SIGKILL). */
  timeoutMs?: number;
  /** Another build of the CLI (to measure an older version the same way). */
  cli?: string;
}

/** Runs `node dist/cli.js ...args`, measuring the tree's peak memory. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<Measured> {
  ensureBuilt();
  return new Promise((resolve) => {
    const argv = [process.execPath, opts.cli ?? CLI, ...args];
    const child = opts.shellPrefix
      ? spawn('bash', ['-c', `${opts.shellPrefix} exec "$@"`, 'bash', ...argv], { cwd: opts.cwd, env: opts.env ?? process.env, detached: opts.detached })
      : spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, detached: opts.detached });
    let stdout = '';
    let stderr = '';
    let peakKB = 0;
    let overCeiling = false;
    const started = Date.now();
    const seen = new Set<number>();
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      opts.onStdout?.(t, child);
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    let tree: number[] = [];
    let polls = 0;
    const poll = () => {
      if (!child.pid) return;
      if (polls++ % RESCAN_EVERY === 0 || tree.length < 2) tree = processTree(child.pid);
      for (const pid of tree) {
        const s = status(pid);
        if (!s) continue;
        seen.add(pid);
        peakKB = Math.max(peakKB, s.hwmKB);
        if (s.rssKB / 1024 > SAFETY_CEILING_MB) {
          overCeiling = true;
          for (const p of processTree(child.pid)) {
            try {
              process.kill(p, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
      }
    };
    const timer = setInterval(poll, POLL_MS);
    child.once('spawn', poll);
    const hard = setTimeout(() => {
      for (const p of child.pid ? processTree(child.pid) : []) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, opts.timeoutMs ?? 120_000);
    opts.onSpawn?.(child);
    child.on('exit', () => poll());
    child.on('close', (code, signal) => {
      clearInterval(timer);
      clearTimeout(hard);
      resolve({ code, signal, stdout, stderr, peakMB: Math.round(peakKB / 1024), overCeiling, ms: Date.now() - started });
    });
  });
}

/** stderr is exactly one line (no stack trace) matching re. */
export function assertOneLine(stderr: string, re: RegExp, what = ''): void {
  const lines = stderr.split('\n').filter((l) => l.length > 0 && !/^warning: /.test(l));
  assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${stderr}`);
  assert.match(lines[0], re, what);
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n/, `${what}: no stack trace`);
}

export function assertPeak(r: Measured, boundMB: number, what: string): void {
  assert.equal(r.overCeiling, false, `${what}: went over the safety ceiling`);
  assert.ok(r.peakMB > 0, `${what}: peak memory was measured`);
  assert.ok(r.peakMB <= boundMB, `${what}: peak RSS ${r.peakMB} MB, bound ${boundMB} MB`);
}

/** Temp names of the atomic writes (file.tmp-PID, best.tmp-PID, best.old-PID) and downloads (.part). */
export const LEFTOVER = /\.(tmp|old)-\d+$|\.part$/;

/** Every leftover temp file or folder under dir (recursive). */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (LEFTOVER.test(n)) out.push(p);
    else if (statSync(p).isDirectory()) out.push(...leftovers(p));
  }
  return out;
}

/** Run folders (YYYYMMDD-HHMMSS[-N]) under outDir, oldest first. */
export function runFolders(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir).filter((n) => /^\d{8}-\d{6}(-\d+)?$/.test(n)).sort().map((n) => join(outDir, n));
}

/**
 * A model folder is either without model.json or complete: model.json parses and its weight
 * files hold exactly the bytes its manifest needs.
 */
export function assertModelConsistent(dir: string): boolean {
  const mj = join(dir, 'model.json');
  if (!existsSync(mj)) return false;
  const json = JSON.parse(readFileSync(mj, 'utf8')) as { weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[] };
  for (const g of json.weightsManifest) {
    const need = g.weights.reduce((a, w) => a + 4 * w.shape.reduce((x, y) => x * y, 1), 0);
    const have = g.paths.reduce((a, p) => a + statSync(join(dir, p)).size, 0);
    assert.equal(have, need, `${dir}: weight bytes match the manifest`);
  }
  return true;
}

/** The state a run folder may be in after any kill: each file whole, metrics well-formed. */
export function assertRunConsistent(runDir: string): { hasModel: boolean } {
  for (const f of ['config.json', 'summary.json']) {
    const p = join(runDir, f);
    if (existsSync(p)) JSON.parse(readFileSync(p, 'utf8'));
  }
  const csv = join(runDir, 'metrics.csv');
  if (existsSync(csv)) {
    const lines = readFileSync(csv, 'utf8').split('\n');
    assert.equal(lines[0], 'epoch,accuracy,loss,val_accuracy,val_loss', `${runDir}: metrics.csv header`);
    assert.equal(lines[lines.length - 1], '', `${runDir}: metrics.csv ends with a whole line`);
    lines.slice(1, -1).forEach((l, i) => assert.match(l, new RegExp(`^${i},`), `${runDir}: metrics.csv row ${i}`));
  }
  if (existsSync(join(runDir, 'best'))) assert.ok(assertModelConsistent(join(runDir, 'best')), `${runDir}: best/ holds a whole model`);
  return { hasModel: assertModelConsistent(runDir) };
}

/** SHA-like fingerprint of a folder's files (name + bytes), to prove a model stayed intact. */
export function fingerprint(dir: string): string {
  const parts: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) parts.push(`${n}/{${fingerprint(p)}}`);
    else parts.push(`${n}:${readFileSync(p).toString('base64')}`);
  }
  return parts.join('|');
}
