// SIGTERM and SIGHUP stop a training like Ctrl+C: at the next batch, the weights saved, exit
// 128+signal (143, 129); sent to the whole process group (systemd, docker) as well. A stop during
// the dataset load is honoured at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPeak, assertRunConsistent, leftovers, runCli, runFolders, tempDir } from './harness';
import { DEBIAN_FASHION_MNIST_DIR } from '../../src/data/datasets';

const BOUND_MB = 600;
const LONG = ['train', '--dataset', 'mnist-sample', '--limit', '256', '--batch-size', '32', '--epochs', '1000', '--json'];

const CASES: [NodeJS.Signals, boolean, number][] = [
  ['SIGTERM', false, 143],
  ['SIGHUP', false, 129],
  ['SIGTERM', true, 143],
];

for (const [sig, group, code] of CASES) {
  test(`${sig}${group ? ' to the whole process group' : ''} during training: stops at the next batch, saves, exit ${code}`, async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const out = join(dir, 'runs');
    let sent = false;
    const r = await runCli([...LONG, '--out', out], {
      detached: group,
      timeoutMs: 90_000,
      onStdout: (text, child) => {
        if (!sent && text.includes('"type":"epochEnd"')) {
          sent = true;
          process.kill(group ? -child.pid! : child.pid!, sig);
        }
      },
    });
    assert.ok(sent);
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, new RegExp(`^Stopping at the next batch and saving the weights \\(send ${sig} again to quit now\\)\\n$`));
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stopped?: boolean });
    assert.ok(events.some((e) => e.type === 'stopped'), 'a stopped event');
    assert.equal(events[events.length - 1].type, 'done');
    assertPeak(r, BOUND_MB, sig);
    const [run] = runFolders(out);
    assert.equal(assertRunConsistent(run).hasModel, true);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'stopped');
    assert.deepEqual(leftovers(out), []);
  });
}

test('Ctrl+C while the dataset loads: honoured during the load, no epoch trained, exit 130', async (t) => {
  // Debian's dataset-fashion-mnist (installed by .ci/run): 30 MB of gzip that take a second or more to read.
  assert.ok(existsSync(join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz')), 'needs the Debian package dataset-fashion-mnist');
  const dir = tempDir(t, 'lenet-faults-');
  let sent = false;
  const r = await runCli(['train', '--dataset', 'fashion-mnist', '--epochs', '1', '--json', '--out', join(dir, 'runs')], {
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
    timeoutMs: 90_000,
    onStdout: (text, child) => {
      if (!sent && text.includes('"type":"ready"')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.ok(sent);
  assert.equal(r.code, 130, r.stderr);
  const types = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  assert.ok(!types.includes('epochBegin'), `no epoch started: ${types.join(',')}`);
  assert.deepEqual(types.slice(-2), ['stopped', 'done']);
  assertPeak(r, 1000, 'stop during load');
  t.diagnostic(`stopped ${types.includes('dataset') ? 'after' : 'during'} the load; peak ${r.peakMB} MB`);
});
