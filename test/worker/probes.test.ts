// Recording the probe images' activations and the kernels over training: which epochs, which
// images, the 8-bit round trip through the run folder, and the size bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/datasets';
import { LENET5 } from '../../src/model/lenet';
import type { ModelSpec } from '../../src/model/spec';
import {
  checkRecording, fromBase64, RECORDING_FILE, snapshotTensors, toBase64, type InsideRecording,
} from '../../src/shared/insideRecording';
import { computeActivations } from '../../src/worker/activations';
import { buildModel } from '../../src/worker/buildModel';
import {
  KERNEL_LIMITS, MAX_RECORDING_VALUES, MAX_SNAPSHOTS, PROBE_LIMITS, probeIndices, ProbeRecorder, snapshotEpochs,
} from '../../src/worker/probes';
import { rng } from '../../src/shared/random';
import { tempDir } from './helpers';

tf.env().set('PROD', true);

function readRecording(dir: string): InsideRecording {
  const r = checkRecording(JSON.parse(gunzipSync(readFileSync(join(dir, RECORDING_FILE))).toString('utf8')));
  assert.notEqual(typeof r, 'string', String(r));
  return r as InsideRecording;
}

/** Moves every weight a little, as a training step would. */
function nudge(model: tf.LayersModel, seed: number): void {
  const r = rng(seed);
  for (const l of model.layers) {
    const ws = l.getWeights();
    if (!ws.length) continue;
    const next = ws.map((w) => tf.tidy(() => w.add(tf.tensor(Float32Array.from({ length: w.size }, () => (r() - 0.5) * 0.05), w.shape))));
    l.setWeights(next);
    tf.dispose(next);
  }
}

test('epochs recorded: all of a short run; 0, then log-spaced to the last, at most 12', () => {
  assert.deepEqual(snapshotEpochs(3), [0, 1, 2, 3]);
  assert.deepEqual(snapshotEpochs(11), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(snapshotEpochs(50), [0, 1, 2, 3, 4, 5, 7, 10, 15, 23, 34, 50]);
  for (let e = 1; e <= 400; e++) {
    const s = snapshotEpochs(e);
    assert.ok(s.length <= MAX_SNAPSHOTS, `${e}: ${s}`);
    assert.equal(s[0], 0);
    assert.equal(s.at(-1), e, `${e}: the last epoch is recorded`);
    assert.ok(s.every((x, i) => i === 0 || x > s[i - 1]), `${e}: increasing ${s}`);
    assert.equal(s.length, Math.min(e + 1, MAX_SNAPSHOTS), `${e}: as many as allowed`);
  }
  const p = probeIndices(2000, 42);
  assert.equal(p.length, 3);
  assert.equal(new Set(p).size, 3);
  assert.ok(p.every((i) => i >= 0 && i < 2000));
  assert.deepEqual(probeIndices(2000, 42), p, 'the same seed, the same probes');
  assert.notDeepEqual(probeIndices(2000, 43), p);
  assert.deepEqual(probeIndices(2, 1).sort(), [0, 1], 'fewer test images than probes');
});

test('base64 and 8-bit codes round-trip', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 255, 1000]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) % 256);
    assert.equal(toBase64(b), Buffer.from(b).toString('base64'), `length ${n}: standard base64`);
    assert.deepEqual(fromBase64(toBase64(b)), b);
  }
  assert.throws(() => fromBase64('ab$c'), /not base64/);
});

test('LeNet-5 over 50 epochs: the recording round-trips through the run folder within 8-bit error, and stays a few hundred KB', async (t) => {
  await tf.setBackend('cpu');
  const dir = tempDir(t);
  const data = await loadDataset('mnist-sample', { cacheDir: join(dir, 'cache') });
  const model = buildModel(tf, LENET5, { seed: 4 });
  const rec = new ProbeRecorder(tf, model, data.test, { dataset: data.name, seed: 9, epochs: 50, runDir: dir });
  const probes = probeIndices(data.test.count, 9);
  const expected = new Map<number, { outputs: ReturnType<typeof computeActivations>[]; kernels: ReturnType<typeof computeActivations> }>();
  const before = tf.memory().numTensors;
  for (let epoch = 0; epoch <= 50; epoch++) {
    if (epoch > 0) nudge(model, epoch);
    const b = tf.memory().numTensors;
    rec.record(epoch);
    assert.equal(tf.memory().numTensors, b, 'recording leaves no tensors');
    if (snapshotEpochs(50).includes(epoch)) {
      const images = probes.map((i) => Array.from(data.test.images.subarray(i * 784, (i + 1) * 784)));
      expected.set(epoch, {
        outputs: images.map((img) => computeActivations(tf, model, img, { kernels: false })),
        kernels: computeActivations(tf, model, images[0], { outputs: false }),
      });
    }
  }
  assert.equal(tf.memory().numTensors, before);
  const r = readRecording(dir);
  assert.equal(r.dataset, 'mnist-sample');
  assert.deepEqual(r.probes.map((p) => p.index), probes);
  assert.deepEqual(r.probes.map((p) => p.label), probes.map((i) => data.test.labels[i]));
  assert.deepEqual(Array.from(fromBase64(r.probes[1].pixels)), Array.from(data.test.images.subarray(probes[1] * 784, (probes[1] + 1) * 784), (v) => Math.round(v * 255)));
  assert.deepEqual(r.snapshots.map((s) => s.epoch), [0, 1, 2, 3, 4, 5, 7, 10, 15, 23, 34, 50]);
  assert.deepEqual(r.layers.map((l) => `${l.name} ${l.shape.join('x')}${l.shown ? ' cut' : ''}`),
    ['C1 28x28x6', 'S2 14x14x6', 'C3 10x10x16', 'S4 5x5x16', 'C5 1x1x120', 'flatten 120', 'FC6 84', 'OUTPUT 10'], 'every layer output whole');
  assert.deepEqual(r.layers.map((l) => l.window?.kernel.join('x') ?? '-'), ['5x5', '2x2', '5x5', '2x2', '5x5', '-', '-', '-'], 'each window, for receptive fields when replayed');
  assert.deepEqual(snapshotTensors(r, 0, 0).layers[0].window, { kernel: [5, 5], strides: [1, 1], padding: 'same', dilation: [1, 1] });
  const bad = structuredClone(r) as unknown as { layers: { window?: unknown }[] };
  bad.layers[1].window = { kernel: [2, 2], strides: [2, 0], padding: 'valid', dilation: [1, 1] };
  assert.equal(checkRecording(bad), 'layers are malformed', 'a zero stride is refused');
  assert.deepEqual(r.kernels.map((k) => `${k.name} ${(k.shown ?? k.shape).join('x')}`),
    ['C1/kernel 5x5x1x6', 'C3/kernel 5x5x6x16', 'C5/kernel 5x5x16x10', 'FC6/kernel 120x34', 'OUTPUT/kernel 84x10'], 'C1 and C3 whole; C5 and FC6 their first filters/units');
  // Every snapshot decodes to the model's values at that epoch, within half a code step.
  for (const [s, snap] of r.snapshots.entries()) {
    const want = expected.get(snap.epoch)!;
    for (let p = 0; p < 3; p++) {
      const got = snapshotTensors(r, s, p);
      got.layers.forEach((l, i) => {
        const w = want.outputs[p].layers[i];
        assert.equal(l.min, w.min);
        assert.equal(l.max, w.max);
        const tol = (w.max - w.min) / 510 + 1e-6;
        assert.ok(l.values.every((v, k) => Math.abs(v - w.values[k]) <= tol), `epoch ${snap.epoch}, probe ${p}, ${l.name}`);
      });
    }
    snapshotTensors(r, s, 0).kernels.forEach((k, i) => {
      const w = want.kernels.kernels[i];
      const shown = k.shown ?? k.shape;
      // The recorded box is the leading one: compare through the full kernel's indices.
      const strides = w.shape.map((_, a) => w.shape.slice(a + 1).reduce((x, y) => x * y, 1));
      const tol = (w.max - w.min) / 510 + 1e-6;
      k.values.forEach((v, idx) => {
        let rest = idx, at = 0;
        for (let a = shown.length - 1; a >= 0; a--) {
          at += (rest % shown[a]) * strides[a];
          rest = Math.floor(rest / shown[a]);
        }
        assert.ok(Math.abs(v - w.values[at]) <= tol, `epoch ${snap.epoch}, ${k.name}[${idx}]`);
      });
    });
  }
  const size = statSync(join(dir, RECORDING_FILE)).size;
  t.diagnostic(`LeNet-5, 50 epochs: ${RECORDING_FILE} is ${(size / 1024).toFixed(0)} KB`);
  assert.ok(size <= 400 * 1024, `${size} bytes: a few hundred KB at most for LeNet-5`);
  model.dispose();
});

test('a large model stays within the bound: cut tensors, at most 12 snapshots', async (t) => {
  await tf.setBackend('cpu');
  const dir = tempDir(t);
  const spec: ModelSpec = {
    inputShape: [28, 28, 1],
    layers: [
      { type: 'Conv2D', name: 'wide', filters: 64, kernelSize: [3, 3], padding: 'same', activation: 'relu' },
      { type: 'Conv2D', name: 'wider', filters: 64, kernelSize: [3, 3], padding: 'same', activation: 'relu' },
      { type: 'Flatten' },
      { type: 'Dense', name: 'big', units: 64 },
      { type: 'Dense', name: 'out', units: 10, activation: 'softmax' },
    ],
  };
  const model = buildModel(tf, spec, { seed: 1 });
  const n = 40;
  const test = { images: Float32Array.from({ length: n * 784 }, (_, i) => (i % 13) / 13), labels: new Uint8Array(n), count: n };
  const rec = new ProbeRecorder(tf, model, test, { dataset: 'x', seed: 1, epochs: 200, runDir: dir });
  for (let e = 0; e <= 200; e++) rec.record(e);
  const r = readRecording(dir);
  assert.equal(r.snapshots.length, MAX_SNAPSHOTS);
  const codes = r.snapshots.reduce((sum, s) => sum + [...s.outputs.flat(), ...s.kernels].reduce((a, q) => a + fromBase64(q.q).length, 0), 0);
  assert.ok(codes <= MAX_RECORDING_VALUES, `${codes} codes <= ${MAX_RECORDING_VALUES}`);
  const perProbe = r.snapshots[0].outputs[0].reduce((a, q) => a + fromBase64(q.q).length, 0);
  assert.ok(perProbe <= PROBE_LIMITS.answer, `${perProbe} values per probe`);
  const kernels = r.snapshots[0].kernels.reduce((a, q) => a + fromBase64(q.q).length, 0);
  assert.ok(kernels <= KERNEL_LIMITS.answer, `${kernels} kernel values`);
  assert.deepEqual(r.layers[0].shown, [28, 28, 10], 'wide: its first 10 of 64 maps');
  const size = statSync(join(dir, RECORDING_FILE)).size;
  t.diagnostic(`a 64-filter model over 200 epochs: ${(size / 1024).toFixed(0)} KB`);
  assert.ok(size <= MAX_RECORDING_VALUES * 1.5, `${size} bytes`);
  model.dispose();
});
