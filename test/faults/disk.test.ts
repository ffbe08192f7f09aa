// Writes that fail: a file-size limit (EFBIG, via ulimit -f: works anywhere), a full disk
// (ENOSPC, on a small tmpfs) and a read-only one (EROFS). Each is one line naming the file, the
// cause and what to do; no temp file is left behind; a model saved before stays intact; a run
// that failed after its folder existed is marked failed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLine, assertPeak, assertRunConsistent, fingerprint, leftovers, runCli, runFolders, tempDir } from './harness';

const BOUND_MB = 600;
const TRAIN = ['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '32', '--epochs', '1'];

test('file size limit (EFBIG): one line naming weights.bin, no temp leftovers, run marked failed', async (t) => {
  const dir = tempDir(t, 'lenet-faults-');
  const out = join(dir, 'runs');
  // 100 KiB: config.json and metrics.csv fit, the 241 KB weights.bin does not.
  const r = await runCli([...TRAIN, '--out', out], { shellPrefix: 'ulimit -f 100;', timeoutMs: 90_000 });
  assert.equal(r.code, 1, r.stderr);
  assertOneLine(r.stderr, /^lenet-lab: error: cannot write .*\/weights\.bin: the file is larger than this process may write \(file size limit, ulimit -f\) \(EFBIG\); raise the limit or choose another output folder\. The files saved before are intact\.$/, 'EFBIG');
  assertPeak(r, BOUND_MB, 'EFBIG');
  assert.deepEqual(leftovers(out), []);
  const [run] = runFolders(out);
  assertRunConsistent(run);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error.code, 'DISK');
});

// A real small tmpfs: the test runs as root in CI (.ci/run); mounting is what it checks.
const mnt = mkdtempSync(join(tmpdir(), 'lenet-faults-tmpfs-'));
let mounted = false;
before(() => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=700k', 'tmpfs', mnt]);
  mounted = true;
});
after(() => {
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

test('full disk (ENOSPC on a 700 KB tmpfs): one line, no leftovers, the earlier run intact and evaluable', async () => {
  const out = join(mnt, 'runs');
  const first = await runCli([...TRAIN, '--out', out], { timeoutMs: 90_000 });
  assert.equal(first.code, 0, `the first run fits: ${first.stderr}`);
  const [good] = runFolders(out);
  const before = fingerprint(good);
  const r = await runCli([...TRAIN, '--out', out], { timeoutMs: 90_000 });
  assert.equal(r.code, 1, r.stderr);
  assertOneLine(r.stderr, /^lenet-lab: error: cannot write .*: the disk is full \(ENOSPC\); free some space or choose another output folder \(--out, lenet\.outputDirectory\)\. The files saved before are intact\.$/, 'ENOSPC');
  assertPeak(r, BOUND_MB, 'ENOSPC');
  assert.deepEqual(leftovers(out), []);
  for (const run of runFolders(out)) assertRunConsistent(run);
  assert.equal(fingerprint(good), before, 'the earlier run is untouched');
  const ev = await runCli(['evaluate', '--model', good], { timeoutMs: 60_000 });
  assert.equal(ev.code, 0, ev.stderr);
});

test('read-only output folder (EROFS): one line, before anything is trained', async () => {
  const out = join(mnt, 'ro-runs');
  mkdirSync(out, { recursive: true });
  execFileSync('mount', ['-o', 'remount,ro', mnt]);
  try {
    const r = await runCli([...TRAIN, '--out', out], { timeoutMs: 90_000 });
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r.stderr, /^lenet-lab: error: cannot write .*ro-runs\/\d{8}-\d{6}: the file system is read-only \(EROFS\); choose another output folder/, 'EROFS');
    assertPeak(r, BOUND_MB, 'EROFS');
    assert.deepEqual(runFolders(out), []);
  } finally {
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
  }
  assert.ok(existsSync(out));
});
