// `lenet-lab inspect` as a user runs it (dist/cli.js, real worker, a saved run folder), and the
// PNG reader behind --input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decodePng } from '../../src/cli/png';
import { loadDataset } from '../../src/data/datasets';
import { LENET5 } from '../../src/model/lenet';
import { computeActivations } from '../../src/worker/activations';
import { buildModel } from '../../src/worker/buildModel';
import { saveModel } from '../../src/worker/runDir';
import { npy } from '../data/helpers';
import { CLI, ensureBuilt, tempDir } from '../worker/helpers';
import { encodePng } from './png';

tf.env().set('PROD', true);

function cli(args: string[]) {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function close(got: number[], want: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('PNG reader: grey, grey+alpha, RGB, RGBA, palette and 16-bit images, all five row filters', () => {
  const w = 7, h = 6;
  const grey = Uint8Array.from({ length: w * h }, (_, i) => (i * 37) % 256);
  const want = Array.from(grey, (g) => g / 255);
  close(Array.from(decodePng(encodePng(w, h, 0, 8, grey), 'g.png').values), want, 'grey', 1e-6);
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => grey[Math.floor(i / 3)]);
  close(Array.from(decodePng(encodePng(w, h, 2, 8, rgb), 'rgb.png').values), want, 'rgb (equal channels)', 1e-5);
  const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? (i % 8 === 3 ? 255 : 0) : grey[Math.floor(i / 4)]));
  close(Array.from(decodePng(encodePng(w, h, 6, 8, rgba), 'rgba.png').values), want.map((g, k) => (k % 2 === 0 ? g : 0)), 'rgba: transparent is black', 1e-5);
  const ga = Uint8Array.from({ length: w * h * 2 }, (_, i) => (i % 2 ? 128 : grey[i >> 1]));
  close(Array.from(decodePng(encodePng(w, h, 4, 8, ga), 'ga.png').values), want.map((g) => (g * 128) / 255), 'grey+alpha', 1e-6);
  const palette = Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 0, 0]);
  const idx = Uint8Array.from({ length: w * h }, (_, i) => i % 3);
  close(Array.from(decodePng(encodePng(w, h, 3, 8, idx, palette), 'p.png').values), Array.from(idx, (k) => [0, 1, 0.299][k]), 'palette', 1e-6);
  const g16 = new Uint8Array(w * h * 2);
  grey.forEach((g, i) => { g16[2 * i] = g; g16[2 * i + 1] = g; });
  close(Array.from(decodePng(encodePng(w, h, 0, 16, g16), 'g16.png').values), want, '16-bit', 1e-6);
  assert.throws(() => decodePng(Buffer.from('GIF89a.........'), 'x.gif'), /x\.gif: not a PNG file/);
  const bad = encodePng(w, h, 0, 8, grey);
  bad[8 + 8 + 12] = 1; // IHDR interlace byte
  assert.throws(() => decodePng(bad, 'i.png'), /interlaced PNGs are not supported/);
});

test('inspect: --json answers one object like a model cut at each layer; text table; --input .png/.npy; errors and exit codes', async (t) => {
  await tf.setBackend('cpu');
  const dir = tempDir(t, 'lenet-inspect-cli-');
  const run = join(dir, 'run');
  const model = buildModel(tf, LENET5, { seed: 3 });
  await saveModel(tf, model, run);
  writeFileSync(join(run, 'config.json'), JSON.stringify({ resolvedDataset: { name: 'mnist-sample' } }));
  const data = await loadDataset('mnist-sample', { cacheDir: join(dir, 'cache') });

  const j = cli(['inspect', run, '--image', '7', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const lines = j.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one JSON object on one line');
  const e = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(e), ['type', 'model', 'input', 'layers', 'kernels', 'notes']);
  assert.equal(e.type, 'activations');
  assert.equal(e.model, run);
  assert.deepEqual({ ...e.input, values: undefined }, { kind: 'test', index: 7, label: data.test.labels[7], dataset: 'mnist-sample', shape: [28, 28, 1], values: undefined });
  const pixels = Array.from(data.test.images.subarray(7 * 784, 8 * 784));
  const local = computeActivations(tf, model, pixels);
  assert.deepEqual(e.layers.map((l: { name: string; shape: number[] }) => `${l.name} ${l.shape.join('x')}`),
    ['C1 28x28x6', 'S2 14x14x6', 'C3 10x10x16', 'S4 5x5x16', 'C5 1x1x120', 'flatten 120', 'FC6 84', 'OUTPUT 10']);
  e.layers.forEach((l: { name: string; values: number[] }, i: number) => close(l.values, local.layers[i].values, l.name));

  const text = cli(['inspect', run, '--image', '7']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^Model: ${run}\nInput: test image 7 of mnist-sample \\(label ${data.test.labels[7]}\\)\n`));
  const c1 = e.layers[0];
  assert.match(text.stdout, new RegExp(`\nC1 \\(Conv2D\\) +\\(28, 28, 6\\) +${c1.min.toFixed(4)} +${c1.max.toFixed(4)} +${c1.mean.toFixed(4)}\n`));
  assert.match(text.stdout, /\nC3\/kernel +\(5, 5, 6, 16\) /);
  const probs: number[] = e.layers[7].values;
  const best = probs.indexOf(Math.max(...probs));
  assert.match(text.stdout, new RegExp(`\nPrediction: ${best} \\(${probs[best].toFixed(4)}\\)\n$`));

  // The same digit as a PNG and as .npy files: the answer is for exactly those pixels.
  const bytes = Uint8Array.from(pixels, (p) => Math.round(p * 255));
  writeFileSync(join(dir, 'digit.png'), encodePng(28, 28, 0, 8, bytes));
  writeFileSync(join(dir, 'digit.npy'), npy('|u1', [28, 28], bytes));
  writeFileSync(join(dir, 'digit-f4.npy'), npy('<f4', [1, 28, 28, 1], new Uint8Array(Float32Array.from(bytes, (b) => b / 255).buffer)));
  const quantised = Array.from(bytes, (b) => b / 255);
  const want = computeActivations(tf, model, quantised, { layer: 'C3' });
  for (const f of ['digit.png', 'digit.npy', 'digit-f4.npy']) {
    const r = cli(['inspect', run, '--input', join(dir, f), '--layer', 'C3', '--json']);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    const a = JSON.parse(r.stdout);
    assert.equal(a.input.kind, 'pixels');
    close(a.input.values, quantised, `${f} input`, 1e-6);
    assert.deepEqual(a.layers.map((l: { name: string }) => l.name), ['C3']);
    close(a.layers[0].values, want.layers[0].values, `${f} C3`);
    assert.deepEqual(a.kernels.map((k: { name: string }) => k.name), ['C3/kernel']);
  }
  // A dark digit on white works but says why its answer may be meaningless.
  writeFileSync(join(dir, 'inverted.png'), encodePng(28, 28, 0, 8, bytes.map((b) => 255 - b)));
  const inv = cli(['inspect', run, '--input', join(dir, 'inverted.png'), '--layer', 'OUTPUT']);
  assert.equal(inv.code, 0, inv.stderr);
  assert.match(inv.stderr, /inverted\.png is mostly light \(mean 0\.\d\d\); MNIST digits are light on a dark background/);

  writeFileSync(join(dir, 'small.png'), encodePng(10, 10, 0, 8, new Uint8Array(100)));
  writeFileSync(join(dir, 'wide.npy'), npy('|u1', [28, 29], new Uint8Array(28 * 29)));
  writeFileSync(join(dir, 'hot.npy'), npy('<f4', [784], new Uint8Array(new Float32Array(784).fill(255).buffer)));
  writeFileSync(join(dir, 'digit.jpg'), 'x');
  const failures: [string[], number, RegExp][] = [
    [['inspect'], 2, /usage: inspect needs a run folder/],
    [['inspect', run, '--image', '1', '--input', join(dir, 'digit.png')], 2, /--image and --input cannot be used together/],
    [['inspect', run, '--image', '-1'], 2, /--image must be a whole decimal number >= 0/],
    [['inspect', run, '--layer', 'C9'], 2, /error: the model has no layer 'C9' \(its layers: C1, S2, C3/],
    [['inspect', run, '--image', '2000'], 2, /test image 2000 does not exist \(mnist-sample has 2000 test images: 0\.\.1999\)/],
    [['inspect', join(dir, 'nowhere')], 1, /error: no model\.json in .*nowhere/],
    [['inspect', run, '--input', join(dir, 'small.png')], 1, /small\.png is 10x10 pixels; the model takes 28x28 images \(resize it first\)/],
    [['inspect', run, '--input', join(dir, 'wide.npy')], 1, /wide\.npy has shape \(28, 29\); one 28x28 image is needed/],
    [['inspect', run, '--input', join(dir, 'hot.npy')], 1, /hot\.npy: values range 255\.\.255; expected floats 0\.\.1 \(divide 0\.\.255 values by 255\)/],
    [['inspect', run, '--input', join(dir, 'digit.jpg')], 1, /--input .*digit\.jpg: use a \.png or \.npy file/],
    [['inspect', run, '--input', join(dir, 'missing.png')], 1, /cannot read --input .*missing\.png: no such file/],
  ];
  for (const [args, code, re] of failures) {
    const r = cli(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing on stdout');
  }
  model.dispose();
});
