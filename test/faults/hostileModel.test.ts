// Hostile model files and saved models through the real CLI and worker: weights that hold NaN,
// weight paths out of the run folder, models whose activations would need gigabytes, nesting
// deep enough to overflow a stack. Each ends in one line and a bounded peak; nothing hangs.
import { before, describe, it as test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { assertOneLine, assertPeak, fingerprint, leftovers, runCli, runFolders, tempDir } from './harness';

const BOUND_MB = 600;
const base = mkdtempSync(join(tmpdir(), 'lenet-faults-model-'));
let goodRun = '';

before(async () => {
  const r = await runCli(['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '32', '--epochs', '1', '--out', join(base, 'runs')]);
  assert.equal(r.code, 0, r.stderr);
  [goodRun] = runFolders(join(base, 'runs'));
});
after(() => rmSync(base, { recursive: true, force: true }));

/** A copy of the good run whose model.json / files are then spoiled by `spoil`. */
function spoiledCopy(name: string, spoil: (dir: string) => void): string {
  const dir = join(base, name);
  cpSync(goodRun, dir, { recursive: true });
  spoil(dir);
  return dir;
}

function setWeightPath(dir: string, path: string): void {
  const mj = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  mj.weightsManifest[0].paths = [path];
  writeFileSync(join(dir, 'model.json'), JSON.stringify(mj));
}

// Each case is its own CLI and worker (memory is measured per process tree): run three at a time.
describe('hostile models', { concurrency: 3 }, () => {
  test('evaluate on a model whose weights hold NaN: exit 1 naming the weight (it used to hang for ever)', async () => {
    const dir = spoiledCopy('nan', (d) => {
      const w = readFileSync(join(d, 'weights.bin'));
      new DataView(w.buffer, w.byteOffset).setFloat32(40, NaN, true);
      writeFileSync(join(d, 'weights.bin'), w);
    });
    const r = await runCli(['evaluate', '--model', dir], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r.stderr, /the model in .*nan holds NaN in weight C1\/kernel: the training that made it diverged; train again with a lower learning rate/, 'NaN weights');
    assertPeak(r, BOUND_MB, 'NaN weights');
  });

  const OUTSIDE: [string, (d: string) => void, RegExp][] = [
    ['../../ path', (d) => setWeightPath(d, '../../../../../dev/zero'), /the weights file "..\/..\/..\/..\/..\/dev\/zero" points outside the model folder/],
    ['absolute path', (d) => setWeightPath(d, '/etc/passwd'), /the weights file "\/etc\/passwd" points outside the model folder/],
    ['symlink to /dev/zero', (d) => {
      rmSync(join(d, 'weights.bin'));
      symlinkSync('/dev/zero', join(d, 'weights.bin'));
    }, /the weights file \.\/weights\.bin in .* is a link to \/dev\/zero, outside the model folder/],
    ['weights file longer than its manifest', (d) => writeFileSync(join(d, 'weights.bin'), Buffer.alloc(50 << 20)), /the weights file \.\/weights\.bin in .* has 52,428,800 bytes, expected at most 246,824/],
  ];
  for (const [what, spoil, re] of OUTSIDE) {
    test(`evaluate on a saved model with a ${what}: refused, one line, bounded memory`, async () => {
      const dir = spoiledCopy(what.replace(/\W+/g, '-'), spoil);
      const r = await runCli(['evaluate', '--model', dir], { timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, re, what);
      assertPeak(r, BOUND_MB, what);
    });
  }

  test('a 100,000-level nested .lenet.json: one line with the file name, no stack overflow (summary and train)', async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const file = join(dir, 'deep.lenet.json');
    writeFileSync(file, '['.repeat(100_000) + ']'.repeat(100_000));
    for (const args of [['summary', file], ['train', '--model', file, '--out', join(dir, 'runs')]]) {
      const r = await runCli(args);
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, /deep\.lenet\.json: JSON nested 100,000 levels deep, more than the 512 accepted; this is not a model file/, args[0]);
    }
  });

  const HUGE: [string, object, RegExp][] = [
    ['Conv2D with 10,000 1x1 filters', { inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', name: 'wide', filters: 10000, kernelSize: [1, 1] }, { type: 'GlobalAveragePooling2D' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
      /wide outputs \(None, 28, 28, 10000\), 7,840,000 values per image; training with batch 64 needs about 5\.6 GB for activations \(64 x 7,840,000 x 4 bytes x 3\), more than the 2\.0 GB budget; use a batch size of at most 22, or make wide smaller/],
    ['UpSampling2D [1000, 1000]', { inputShape: [28, 28, 1], layers: [{ type: 'UpSampling2D', name: 'up', size: [1000, 1000] }, { type: 'GlobalAveragePooling2D' }, { type: 'Dense', units: 10, activation: 'softmax' }] },
      /up outputs \(None, 28000, 28000, 1\), 784,000,000 values per image; .*even one image is too much: make up smaller/],
  ];
  for (const [what, spec, re] of HUGE) {
    test(`a model with ${what}: refused before allocating, with the numbers`, async (t) => {
      const dir = tempDir(t, 'lenet-faults-');
      const file = join(dir, 'huge.lenet.json');
      writeFileSync(file, JSON.stringify(spec));
      const r = await runCli(['train', '--model', file, '--dataset', 'mnist-sample', '--out', join(dir, 'runs')], { timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r.stderr, re, what);
      assertPeak(r, BOUND_MB, what);
      assert.deepEqual(runFolders(join(dir, 'runs')), [], 'no run folder for a refused model');
      t.diagnostic(`peak ${r.peakMB} MB`);
    });
  }

  test('evaluate --out FILE: a usage error, before any worker starts; the good model is intact', async (t) => {
    const dir = tempDir(t, 'lenet-faults-');
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const before = fingerprint(goodRun);
    const r = await runCli(['evaluate', '--out', file]);
    assert.equal(r.code, 2, r.stderr);
    assertOneLine(r.stderr, /^lenet-lab: usage: --out .*not-a-folder is a file; it needs a folder \(the one holding the run folders\)$/, '--out FILE');
    assert.equal(fingerprint(goodRun), before);
    assert.deepEqual(leftovers(base), []);
  });
});
