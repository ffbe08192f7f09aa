// Measures the fault cases on two builds of the CLI, the same way the fault suite does (exit code,
// first stderr line, peak RSS of the CLI and its worker, wall time; killed at 3 GB or at the
// case's time limit): the table of what changed. Not a test: run it by hand.
//   node --import tsx test/faults/beforeAfter.ts OLD_DIST/cli.js [NEW_DIST/cli.js]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idxImages, idxLabels, labelsCycle, npy, u8Images, zip } from '../data/helpers';
import { CLI, runCli, runFolders, type Measured, type RunOptions } from './harness';

const [oldCli, newCli = CLI] = process.argv.slice(2);
const root = mkdtempSync(join(tmpdir(), 'lenet-before-after-'));

function idxFolder(dir: string, images?: (p: string) => void): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'train-images-idx3-ubyte');
  if (images) images(p);
  else writeFileSync(p, idxImages(64));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels(labelsCycle(64)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxImages(20));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxLabels(labelsCycle(20)));
  return dir;
}

function gzipIdx(path: string, count: number, zerosMB: number): void {
  execFileSync('bash', ['-c', `(printf '\\x00\\x00\\x08\\x03'; printf "%08x" ${count} | xxd -r -p; printf '\\x00\\x00\\x00\\x1c\\x00\\x00\\x00\\x1c'; head -c ${zerosMB}M /dev/zero) | gzip -9 > '${path}'`]);
}

interface Case { name: string; args: (dir: string, cli: string) => Promise<string[]> | string[]; opts?: RunOptions }

const train = ['train', '--epochs', '1', '--batch-size', '16'];
const CASES: Case[] = [
  { name: 'IDX images -> /dev/zero', args: (d) => [...train, '--dataset', `idx:${idxFolder(join(d, 'z'), (p) => symlinkSync('/dev/zero', p))}`, '--out', join(d, 'runs')] },
  { name: 'IDX images = FIFO', args: (d) => [...train, '--dataset', `idx:${idxFolder(join(d, 'f'), (p) => execFileSync('mkfifo', [p]))}`, '--out', join(d, 'runs')], opts: { timeoutMs: 20_000 } },
  { name: '.npz -> /dev/zero', args: (d) => { symlinkSync('/dev/zero', join(d, 'z.npz')); return [...train, '--dataset', `npz:${join(d, 'z.npz')}`, '--out', join(d, 'runs')]; } },
  { name: 'gzip bomb, 60,000-image header, 300 MB inside', args: (d) => { const f = idxFolder(join(d, 'g')); rmSync(join(f, 'train-images-idx3-ubyte')); gzipIdx(join(f, 'train-images-idx3-ubyte.gz'), 60000, 300); return [...train, '--dataset', `idx:${f}`, '--out', join(d, 'runs')]; } },
  { name: 'gzip, header for 1.3M images, 1 GB of zeros inside', args: (d) => { const f = idxFolder(join(d, 'h')); rmSync(join(f, 'train-images-idx3-ubyte')); gzipIdx(join(f, 'train-images-idx3-ubyte.gz'), 1_300_000, 1020); return [...train, '--dataset', `idx:${f}`, '--out', join(d, 'runs')]; } },
  { name: '.npz bomb (80 MB member, deflated)', args: (d) => { writeFileSync(join(d, 'b.npz'), zip([{ name: 'x_train.npy', data: new Uint8Array(80 << 20), deflate: true }, { name: 'x_test.npy', data: npy('|u1', [20, 28, 28], u8Images(20)) }])); return [...train, '--dataset', `npz:${join(d, 'b.npz')}`, '--out', join(d, 'runs')]; } },
  { name: 'NaN pixel in a float .npz, then evaluate', args: (d) => {
    const x = new Float32Array(64 * 784).fill(0.5);
    x[3 * 784 + 100] = NaN;
    writeFileSync(join(d, 'n.npz'), zip([
      { name: 'x_train.npy', data: npy('<f4', [64, 28, 28], new Uint8Array(x.buffer)) }, { name: 'y_train.npy', data: npy('|u1', [64], Uint8Array.from(labelsCycle(64))) },
      { name: 'x_test.npy', data: npy('|u1', [20, 28, 28], u8Images(20)) }, { name: 'y_test.npy', data: npy('|u1', [20], Uint8Array.from(labelsCycle(20))) },
    ]));
    return [...train, '--dataset', `npz:${join(d, 'n.npz')}`, '--out', join(d, 'runs')];
  } },
  { name: 'evaluate a model trained with --learning-rate 1e308', opts: { timeoutMs: 60_000 }, args: async (d, cli) => {
    await runCli(['train', '--dataset', 'mnist-sample', '--limit', '200', '--epochs', '1', '--learning-rate', '1e308', '--out', join(d, 'runs')], { cli });
    const [run] = runFolders(join(d, 'runs'));
    if (!run) return ['train', '--learning-rate', '1e308'];
    return ['evaluate', '--model', run];
  } },
  { name: '100,000-level nested .lenet.json (summary)', args: (d) => { writeFileSync(join(d, 'deep.lenet.json'), '['.repeat(1e5) + ']'.repeat(1e5)); return ['summary', join(d, 'deep.lenet.json')]; } },
  { name: 'model.json weight path ../../dev/zero (evaluate)', args: async (d, cli) => {
    await runCli(['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '32', '--epochs', '1', '--out', join(d, 'runs')], { cli });
    const [run] = runFolders(join(d, 'runs'));
    const mj = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    mj.weightsManifest[0].paths = ['../'.repeat(12) + 'dev/zero'];
    writeFileSync(join(run, 'model.json'), JSON.stringify(mj));
    return ['evaluate', '--model', run];
  } },
  { name: 'Conv2D with 10,000 1x1 filters (train)', opts: { timeoutMs: 90_000 }, args: (d) => { writeFileSync(join(d, 'w.lenet.json'), JSON.stringify({ inputShape: [28, 28, 1], layers: [{ type: 'Conv2D', filters: 10000, kernelSize: [1, 1] }, { type: 'GlobalAveragePooling2D' }, { type: 'Dense', units: 10, activation: 'softmax' }] })); return ['train', '--model', join(d, 'w.lenet.json'), '--dataset', 'mnist-sample', '--limit', '256', '--epochs', '1', '--out', join(d, 'runs')]; } },
  { name: 'UpSampling2D [1000, 1000] (train)', opts: { timeoutMs: 90_000 }, args: (d) => { writeFileSync(join(d, 'u.lenet.json'), JSON.stringify({ inputShape: [28, 28, 1], layers: [{ type: 'UpSampling2D', size: [1000, 1000] }, { type: 'GlobalAveragePooling2D' }, { type: 'Dense', units: 10, activation: 'softmax' }] })); return ['train', '--model', join(d, 'u.lenet.json'), '--dataset', 'mnist-sample', '--limit', '256', '--epochs', '1', '--out', join(d, 'runs')]; } },
  { name: 'file size limit 100 KiB (EFBIG)', opts: { shellPrefix: 'ulimit -f 100;' }, args: (d) => ['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '32', '--epochs', '1', '--out', join(d, 'runs')] },
  { name: 'evaluate --out FILE', args: (d) => { writeFileSync(join(d, 'file'), 'x'); return ['evaluate', '--out', join(d, 'file')]; } },
  { name: '--learning-rate 0x10', args: (d) => ['train', '--dataset', 'mnist-sample', '--limit', '64', '--batch-size', '32', '--epochs', '1', '--learning-rate', '0x10', '--out', join(d, 'runs')] },
  { name: '--batch-size 100000', args: (d) => ['train', '--dataset', 'mnist-sample', '--batch-size', '100000', '--out', join(d, 'runs')] },
];

function row(r: Measured): string {
  const first = r.stderr.split('\n').find((l) => l && !l.startsWith('warning')) ?? '';
  const how = r.overCeiling ? 'killed at the 3 GB ceiling' : r.signal ? `killed (${r.signal}) at the time limit` : `exit ${r.code}`;
  const lines = r.stderr.split('\n').filter(Boolean).length;
  return `${how}, ${(r.ms / 1000).toFixed(1)} s, peak ${r.peakMB} MB, ${lines} stderr line(s): ${first.slice(0, 160)}`;
}

(async () => {
  for (const c of CASES) {
    for (const [label, cli] of [['before', oldCli], ['after', newCli]] as const) {
      const dir = mkdtempSync(join(root, 'c-'));
      const args = await c.args(dir, cli);
      const r = await runCli(args, { timeoutMs: 45_000, ...c.opts, cli });
      console.log(`${c.name} | ${label} | ${row(r)}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rmSync(root, { recursive: true, force: true });
})();
