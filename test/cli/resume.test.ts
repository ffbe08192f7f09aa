// lenet-lab train --resume as a user runs it: the built CLI, the real worker, a real run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ensureBuilt, tempDir } from '../worker/helpers';

function cli(args: string[]) {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --resume continues a run in its folder to --epochs; refusals are one line with exit 2 (usage) or 1 (a damaged run)', (t) => {
  const out = tempDir(t, 'lenet-cli-resume-');
  const first = cli(['train', '--dataset', 'mnist-sample', '--limit', '128', '--epochs', '1', '--optimizer', 'momentum', '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  const runDir = join(out, readdirSync(out)[0]);

  const complete = cli(['train', '--resume', runDir]);
  assert.equal(complete.code, 2);
  assert.equal(complete.stderr, `lenet-lab: usage: cannot resume ${runDir}: it is complete (1 of 1 epochs); to train it further, give a total larger than 1 (--epochs, or the Resume command's epochs)\n`);
  const setting = cli(['train', '--resume', runDir, '--epochs', '2', '--learning-rate', '0.1']);
  assert.equal(setting.code, 2);
  assert.match(setting.stderr, /^lenet-lab: usage: --learning-rate cannot go with --resume: a resumed run keeps its own settings/);
  const missing = cli(['train', '--resume', join(out, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot resume .*nope: no such folder; pass a run folder/);
  const notRun = cli(['train', '--resume', out, '--epochs', '2']);
  assert.equal(notRun.code, 2);
  assert.match(notRun.stderr, /it is not a run folder \(no config\.json\)/);

  const resumed = cli(['train', '--resume', runDir, '--epochs', '2']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /Resuming .* after epoch 1 of 2/);
  assert.match(resumed.stdout, /Epoch 2\/2/);
  assert.doesNotMatch(resumed.stdout, /Epoch 1\/2/, 'epoch 1 is not trained again');
  const csv = readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(csv.map((l) => l.split(',')[0]), ['epoch', '0', '1']);
  assert.deepEqual(readdirSync(out), [runDir.split('/').pop()], 'no new run folder');

  writeFileSync(join(runDir, 'checkpoint', 'optimizer.bin'), 'x');
  const damaged = cli(['train', '--resume', runDir, '--epochs', '3']);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /^lenet-lab: error: cannot resume .*: the optimizer state .*optimizer\.bin is damaged \(1 bytes, expected [\d,]+\); the run's files are untouched/);
  assert.equal(readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n').length, 3, 'metrics.csv untouched');
});
