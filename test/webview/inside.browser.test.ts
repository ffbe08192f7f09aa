// "Inside the network" in a real browser (Debian chromium) under the host's CSP, fed with a real
// answer: LeNet-5's activations and kernels computed here with tfjs. Checks the requests the view
// posts (validated like the host does), one heat map per channel with the right pixels, strips,
// kernel grids, hover statistics, "See inside" on a misclassified card, stale answers, errors,
// theme changes, and no CSP violation or console error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { checkWebviewMessage } from '../../src/host/webviewMessages';
import { LENET5 } from '../../src/model/lenet';
import type { HostMessage } from '../../src/shared/webviewProtocol';
import { checkRecording, RECORDING_FILE, snapshotTensors, type InsideRecording } from '../../src/shared/insideRecording';
import { computeActivations } from '../../src/worker/activations';
import { ProbeRecorder } from '../../src/worker/probes';
import { buildModel } from '../../src/worker/buildModel';
import { rng } from '../../src/shared/random';
import { channelStats, heatColour, heatScale, short, type Palette, type Rgb } from '../../webview/insideData';
import { needDebianPackage } from '../shared/prerequisites';
import { CHROMIUM, evaluationEvent, openPanel, THEMES, type Panel } from './harness.mjs';

tf.env().set('PROD', true);

let p: Panel;
let answer: Extract<HostMessage, { type: 'activations' }>['result'];
let recording: InsideRecording;

const hex = (c: string): Rgb => [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
const palette = (theme: 'dark' | 'light'): Palette => ({
  background: hex(THEMES[theme].vars['--vscode-editor-background']),
  neg: hex(THEMES[theme].vars['--vscode-charts-blue']),
  pos: hex(THEMES[theme].vars['--vscode-charts-orange']),
});

before(async () => {
  needDebianPackage(existsSync(CHROMIUM), 'chromium', `chromium at ${CHROMIUM} (or set CHROMIUM_PATH)`);
  await tf.setBackend('cpu');
  const model = buildModel(tf, LENET5, { seed: 21 });
  const r = rng(5);
  // A bright diagonal bar on black, like a drawn stroke.
  const pixels = Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - Math.floor(i / 28)) < 2 ? 1 : r() * 0.05));
  answer = { type: 'activations', id: 0, model: '/w/.lenet/runs/20261201-120000', input: { kind: 'pixels', shape: [28, 28, 1], values: pixels }, ...computeActivations(tf, model, pixels) };
  // A recording over 3 "epochs" (weights scaled each time, so every snapshot differs).
  const dir = mkdtempSync(join(tmpdir(), 'lenet-inside-rec-'));
  const test = { images: Float32Array.from({ length: 20 * 784 }, (_, i) => ((i * 7) % 784 < 60 ? 1 : 0)), labels: Uint8Array.from({ length: 20 }, (_, i) => i % 10), count: 20 };
  const rec = new ProbeRecorder(tf, model, test, { dataset: 'mnist', seed: 3, epochs: 3, runDir: dir });
  for (let e = 0; e <= 3; e++) {
    if (e > 0) for (const l of model.layers) l.setWeights(l.getWeights().map((w) => w.mul(1.5)));
    rec.record(e);
  }
  recording = checkRecording(JSON.parse(gunzipSync(readFileSync(join(dir, RECORDING_FILE))).toString('utf8'))) as InsideRecording;
  rmSync(dir, { recursive: true, force: true });
  model.dispose();
  p = await openPanel({ theme: 'dark' });
});

after(async () => {
  await p?.close();
});

async function lastPosted(type: string): Promise<any> {
  return (await p.posted()).filter((m) => m.type === type).at(-1);
}

/** The colour of pixel (x, y) of a canvas (its own pixels, not the CSS-scaled ones). */
function pixelAt(selector: string, x: number, y: number): Promise<number[]> {
  return p.page.$eval(selector, (c, [px, py]) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(px, py, 1, 1).data), [x, y] as const);
}

test('Show with the try-it drawing asks for it; the answer draws every layer: a map per channel, strips, kernels', async () => {
  const page = p.page;
  await page.locator('[data-testid=inside-show]').scrollIntoViewIfNeeded();
  await page.click('[data-testid=inside-show]');
  assert.match(await page.textContent('[data-testid=inside-status]') ?? '', /Draw a digit in Try it first/);
  assert.equal(await lastPosted('inspect'), undefined, 'nothing to ask without a drawing');

  await page.locator('[data-testid=tryit-canvas]').scrollIntoViewIfNeeded();
  const b = (await page.locator('[data-testid=tryit-canvas]').boundingBox())!;
  await page.mouse.move(b.x + 140, b.y + 40);
  await page.mouse.down();
  for (let y = 40; y <= 240; y += 10) await page.mouse.move(b.x + 140, b.y + y);
  await page.mouse.up();
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'predict'));
  const drawn = await lastPosted('predict');
  await page.click('[data-testid=inside-show]');
  const req = await lastPosted('inspect');
  assert.deepEqual(Object.keys(req).sort(), ['best', 'id', 'pixels', 'type']);
  assert.deepEqual(req.pixels, drawn.pixels, 'the drawing the model saw');
  assert.equal(req.best, false);
  assert.ok(checkWebviewMessage(req).ok);

  await p.send({ type: 'activations', id: req.id, result: { ...answer, id: req.id } });
  await page.waitForSelector('[data-testid=inside-layer][data-name=OUTPUT]');
  const layers = await page.$$eval('[data-testid=inside-layer]', (els) => els.map((e) => `${e.getAttribute('data-name')} ${e.getAttribute('data-type')} ${e.getAttribute('data-shape')}`));
  assert.deepEqual(layers, [
    'C1 Conv2D 28×28×6', 'S2 AveragePooling2D 14×14×6', 'C3 Conv2D 10×10×16', 'S4 AveragePooling2D 5×5×16',
    'C5 Conv2D 1×1×120', 'flatten Flatten 120', 'FC6 Dense 84', 'OUTPUT Dense 10',
  ]);
  const maps = (name: string) => page.$$eval(`[data-testid=inside-layer][data-name=${name}] [data-testid=inside-map]`, (els) => els.map((c) => `${(c as HTMLCanvasElement).width}x${(c as HTMLCanvasElement).height}`));
  assert.deepEqual(await maps('C1'), new Array(6).fill('28x28'), 'C1: six 28x28 maps');
  assert.deepEqual(await maps('C3'), new Array(16).fill('10x10'), 'C3: sixteen 10x10 maps');
  assert.deepEqual(await maps('C5'), [], 'C5 (1x1x120) is a strip, not 120 one-pixel maps');
  assert.equal(await page.locator('[data-testid=inside-layer][data-name=C5] [data-testid=inside-strip]').count(), 1);
  assert.equal(await page.$eval('[data-testid=inside-layer][data-name=OUTPUT] [data-testid=inside-strip]', (c) => (c as HTMLCanvasElement).width), 10);
  const kernels = await page.$$eval('[data-testid=inside-kernel]', (els) => els.map((e) => `${e.getAttribute('data-name')} ${e.getAttribute('data-tiles')}`));
  assert.deepEqual(kernels, ['C1/kernel 1x6', 'C3/kernel 6x16', 'C5/kernel 16x120', 'FC6/kernel 84x120', 'OUTPUT/kernel 10x84']);

  // The pixels are the values: C1's channel 4 at (row 13, column 13), and the kernels' tiles.
  const c1 = answer.layers[0];
  const s1 = heatScale(c1.min, c1.max);
  assert.equal(s1.kind, 'diverging', 'tanh outputs are signed');
  const want = heatColour(c1.values[(13 * 28 + 13) * 6 + 4], s1, palette('dark'));
  assert.deepEqual(await pixelAt('[data-name=C1] [data-testid=inside-map][data-channel="4"]', 13, 13), [...want, 255]);
  const k1 = answer.kernels[0];
  const sk = heatScale(k1.min, k1.max);
  // C1's filter 2, row 3, column 1: tile 2 of one row, 6 pixels per tile (5 + a gap).
  assert.deepEqual(await pixelAt('[data-testid=inside-kernel][data-name="C1/kernel"]', 2 * 6 + 1, 3), [...heatColour(k1.values[(3 * 5 + 1) * 6 + 2], sk, palette('dark')), 255]);
  const k3 = answer.kernels[1];
  const s3 = heatScale(k3.min, k3.max);
  // C3's filter 9 (column 9), input channel 4 (row 4), kernel row 0, column 2.
  assert.deepEqual(await pixelAt('[data-testid=inside-kernel][data-name="C3/kernel"]', 9 * 6 + 2, 4 * 6), [...heatColour(k3.values[((0 * 5 + 2) * 6 + 4) * 16 + 9], s3, palette('dark')), 255]);
  assert.match(await page.textContent('[data-testid=inside-layer][data-name=C1] [data-testid=inside-range]') ?? '', new RegExp(`min ${short(c1.min)} · max ${short(c1.max)}`));
  assert.match(await page.textContent('[data-testid=inside-status]') ?? '', /The try-it drawing · 8 layers · model \/w\/\.lenet\/runs\/20261201-120000/);
});

test('hovering a map shows its channel\'s min, max and mean', async () => {
  const page = p.page;
  const c3 = answer.layers[2];
  const st = channelStats(c3.values, 16)[5];
  await page.hover('[data-name=C3] [data-testid=inside-map][data-channel="5"]');
  await page.waitForFunction(() => /channel 5/.test(document.querySelector('[data-testid=inside-hover]')?.textContent ?? ''));
  assert.equal(await page.textContent('[data-testid=inside-hover]'), `C3 channel 5: min ${short(st.min)}, max ${short(st.max)}, mean ${short(st.mean)}`);
  assert.equal(await page.getAttribute('[data-name=C3] [data-testid=inside-map][data-channel="5"]', 'aria-label'), await page.textContent('[data-testid=inside-hover]'));
});

test('details on demand: a map opens large by keyboard or click; a pixel chosen by arrows or click shows its value, receptive field and filter', async () => {
  const page = p.page;
  const detail = '[data-testid=inside-detail]';
  assert.ok(await page.locator(detail).isHidden(), 'closed until a map is chosen');
  const c3map = '[data-name=C3] [data-testid=inside-map][data-channel="5"]';
  assert.equal(await page.getAttribute(c3map, 'role'), 'button');
  assert.equal(await page.getAttribute(c3map, 'tabindex'), '0');

  // Keyboard: focus the map, Enter opens it with the focus on the enlarged map, at its centre.
  await page.focus(c3map);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${detail}:not(.hidden)`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'inside-detail-map');
  assert.equal(await page.textContent('[data-testid=inside-detail-title]'), 'C3 (Conv2D) channel 5, 10×10');
  const at = async () => [Number(await page.getAttribute('[data-testid=inside-detail-map]', 'data-y')), Number(await page.getAttribute('[data-testid=inside-detail-map]', 'data-x'))];
  assert.deepEqual(await at(), [5, 5]);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await at(), [4, 7]);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.deepEqual(await at(), [4, 9], 'stays on the map');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  // C3 pixel (4, 7): 5x5 over S2 rows 4..8, pooled from C1 rows 8..17, each the 5x5 'same' window:
  // input rows 6..19, columns 12..25 (14x14).
  const c3 = answer.layers[2];
  const box = async () => Object.fromEntries(await Promise.all(['top', 'left', 'bottom', 'right'].map(async (k) => [k, Number(await page.getAttribute('[data-testid=inside-detail-input]', `data-${k}`))])));
  assert.deepEqual(await box(), { top: 6, left: 12, bottom: 19, right: 25 });
  assert.equal(await page.textContent('[data-testid=inside-detail-value]'),
    `C3 channel 5 at row 4, column 7: ${short(c3.values[(4 * 10 + 7) * 16 + 5])} · receptive field: input rows 6–19, columns 12–25 (14×14)`);
  // The rectangle is drawn over the 8x enlarged input: its edge in the focus colour, the input inside.
  const zin = Number(await page.getAttribute('[data-testid=inside-detail-input]', 'data-zoom'));
  assert.equal(zin, 8);
  const focus = [...hex(THEMES.dark.vars['--vscode-focusBorder']), 255];
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-input]', 12 * zin, 10 * zin), focus, 'left edge');
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-input]', 26 * zin - 1, 19 * zin), focus, 'right edge');
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-input]', 15 * zin, 6 * zin), focus, 'top edge');
  const g = Math.round(Math.max(0, Math.min(1, answer.input.values[12 * 28 + 15])) * 255);
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-input]', 15 * zin + 4, 12 * zin + 4), [g, g, g, 255], 'inside: the input pixel');

  // The filter that made channel 5: C3/kernel[:, :, :, 5], one 5x5 tile per input channel, top to bottom.
  const k3 = answer.kernels[1];
  const sk = heatScale(k3.min, k3.max);
  const kern = '[data-testid=inside-detail-kernel]';
  assert.equal(await page.getAttribute(kern, 'data-filter'), '5');
  assert.equal(await page.getAttribute(kern, 'data-tiles'), '6x1');
  const zk = Number(await page.getAttribute(kern, 'data-zoom'));
  for (const [y, x, i] of [[0, 0, 0], [2, 4, 3], [4, 1, 5]]) {
    assert.deepEqual(await pixelAt(kern, x * zk + 1, (i * 6 + y) * zk + 1), [...heatColour(k3.values[((y * 5 + x) * 6 + i) * 16 + 5], sk, palette('dark')), 255], `weight [${y}, ${x}, ${i}, 5]`);
  }

  // Click: the pixel under the pointer (row 1, column 8): rows clip at the top (0..13), columns 14..27.
  const b = (await page.locator('[data-testid=inside-detail-map]').boundingBox())!;
  await page.mouse.click(b.x + (8.5 * b.width) / 10, b.y + (1.5 * b.height) / 10);
  assert.deepEqual(await at(), [1, 8]);
  assert.deepEqual(await box(), { top: 0, left: 14, bottom: 13, right: 27 });
  const zm = Number(await page.getAttribute('[data-testid=inside-detail-map]', 'data-zoom'));
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-map]', 8 * zm, 1 * zm + 3), focus, 'the chosen pixel is outlined');
  assert.deepEqual(await pixelAt('[data-testid=inside-detail-map]', 3 * zm + 3, 3 * zm + 3),
    [...heatColour(c3.values[(3 * 10 + 3) * 16 + 5], heatScale(c3.min, c3.max), palette('dark')), 255], 'other pixels are the map');

  // Escape closes and gives the focus back to the map it came from.
  await page.keyboard.press('Escape');
  assert.ok(await page.locator(detail).isHidden());
  assert.equal(await page.evaluate(() => `${document.activeElement?.closest('[data-name]')?.getAttribute('data-name')} ${document.activeElement?.getAttribute('data-channel')}`), 'C3 5');

  // C1 by click: a 5x5 field ('same' padding) and one 5x5 filter; S2 (pooling) by Space: 6x6, no filter.
  await page.click('[data-name=C1] [data-testid=inside-map][data-channel="2"]');
  await page.waitForSelector(`${detail}:not(.hidden)`);
  assert.deepEqual(await at(), [14, 14]);
  assert.deepEqual(await box(), { top: 12, left: 12, bottom: 16, right: 16 });
  assert.equal(await page.getAttribute(kern, 'data-tiles'), '1x1');
  const k1 = answer.kernels[0];
  assert.deepEqual(await pixelAt(kern, 3 * Number(await page.getAttribute(kern, 'data-zoom')) + 1, 1), [...heatColour(k1.values[(0 * 5 + 3) * 6 + 2], heatScale(k1.min, k1.max), palette('dark')), 255]);
  await page.click('[data-testid=inside-detail-close]');
  assert.ok(await page.locator(detail).isHidden());
  await page.focus('[data-name=S2] [data-testid=inside-map][data-channel="0"]');
  await page.keyboard.press(' ');
  await page.waitForSelector(`${detail}:not(.hidden)`);
  assert.deepEqual(await at(), [7, 7]);
  assert.deepEqual(await box(), { top: 12, left: 12, bottom: 17, right: 17 });
  assert.equal(await page.locator(kern).count(), 0, 'pooling has no filter');
  await page.keyboard.press('Escape');
  assert.ok(await page.locator(detail).isHidden());
});

test('a misclassified card\'s "See inside" asks for its test image; stale answers are ignored, errors shown', async () => {
  const page = p.page;
  await p.send(evaluationEvent(10000));
  await page.waitForSelector('[data-testid=confusion-cell]');
  await page.click('[data-testid=confusion-cell][data-row="4"][data-col="9"]');
  const first = page.locator('[data-testid=misclassified] figure').first();
  const index = Number(await first.getAttribute('data-index'));
  const before = (await p.posted()).filter((m) => m.type === 'inspect').length;
  await first.locator('[data-testid=see-inside]').click();
  await page.waitForFunction((n) => (window as any).__posted.filter((m: any) => m.type === 'inspect').length > n, before);
  const req = await lastPosted('inspect');
  assert.deepEqual(req, { type: 'inspect', id: req.id, best: false, testIndex: index });
  assert.ok(checkWebviewMessage(req).ok);
  assert.equal(await page.inputValue('[data-testid=inside-index]'), String(index));
  assert.ok(await page.isChecked('[data-testid=inside-src-test]'));

  // An answer to the earlier request (the drawing) is not shown over this one.
  await p.send({ type: 'activationsError', id: req.id - 1, message: 'old' });
  await p.send({ type: 'activationsError', id: req.id, message: 'test image 112 does not exist' });
  await page.waitForFunction(() => document.querySelector('[data-testid=inside-status]')?.textContent === 'test image 112 does not exist');
  const answerFor = { ...answer, id: req.id, input: { kind: 'test' as const, index, label: 4, dataset: 'mnist', shape: [28, 28, 1], values: answer.input.values } };
  await page.check('[data-testid=inside-best]');
  await page.click('[data-testid=inside-show]');
  const again = await lastPosted('inspect');
  assert.deepEqual(again, { type: 'inspect', id: again.id, best: true, testIndex: index }, 'Show asks again, with the best model');
  await p.send({ type: 'activations', id: req.id, result: answerFor });
  await p.send({ type: 'activations', id: again.id, result: { ...answerFor, id: again.id } });
  await page.waitForFunction((i) => (document.querySelector('[data-testid=inside-status]')?.textContent ?? '').startsWith(`Test image ${i} of mnist (label 4)`), index);
});

test('over training: the recording\'s epoch scrubber, probe choice and play show each snapshot', async () => {
  const page = p.page;
  await page.click('[data-testid=inside-training]');
  const req = await lastPosted('inspectTraining');
  assert.deepEqual(req, { type: 'inspectTraining', id: req.id });
  assert.ok(checkWebviewMessage(req).ok);
  await p.send({ type: 'insideRecordingError', id: req.id, message: 'r1 has no inside.json.gz' });
  await page.waitForFunction(() => document.querySelector('[data-testid=inside-status]')?.textContent === 'r1 has no inside.json.gz');
  assert.ok(await page.locator('[data-testid=inside-scrubber]').isHidden());

  await page.click('[data-testid=inside-training]');
  const again = await lastPosted('inspectTraining');
  await p.send({ type: 'insideRecording', id: again.id, runDir: '/w/.lenet/runs/r2', recording });
  await page.waitForSelector('[data-testid=inside-scrubber]:not(.hidden)');
  assert.equal(await page.getAttribute('[data-testid=inside-epoch]', 'max'), '3');
  assert.equal(await page.textContent('[data-testid=inside-epoch-label]'), 'epoch 3 (4 of 4)', 'opens at the last epoch');
  assert.equal(await page.locator('[data-testid=inside-probe]').count(), 3);
  const probe = recording.probes[0];
  assert.match(await page.textContent('[data-testid=inside-status]') ?? '', new RegExp(`^Probe: test image ${probe.index} of mnist \\(label ${probe.label}\\) at epoch 3`));

  // Scrub to the initial weights: C1's filters are the recorded ones of epoch 0.
  await page.$eval('[data-testid=inside-epoch]', (el) => {
    (el as HTMLInputElement).value = '0';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await page.textContent('[data-testid=inside-epoch-label]'), 'initial weights (1 of 4)');
  const k0 = snapshotTensors(recording, 0, 0).kernels[0];
  const want = heatColour(k0.values[(2 * 5 + 3) * 6 + 1], heatScale(k0.min, k0.max), palette('dark'));
  assert.deepEqual(await pixelAt('[data-testid=inside-kernel][data-name="C1/kernel"]', 1 * 6 + 3, 2), [...want, 255]);
  const c1At0 = await pixelAt('[data-name=C1] [data-testid=inside-map][data-channel="0"]', 14, 14);
  const c1 = snapshotTensors(recording, 0, 0).layers[0];
  assert.deepEqual(c1At0, [...heatColour(c1.values[(14 * 28 + 14) * 6], heatScale(c1.min, c1.max), palette('dark')), 255]);

  // Another probe: its own image and maps.
  await page.click('[data-testid=inside-probe] >> nth=2');
  assert.match(await page.textContent('[data-testid=inside-status]') ?? '', new RegExp(`^Probe: test image ${recording.probes[2].index} `));
  assert.equal(await page.getAttribute('[data-testid=inside-probe] >> nth=2', 'aria-pressed'), 'true');
  // A replayed snapshot's maps open in detail too, with the recorded windows' receptive fields.
  await page.click('[data-name=S4] [data-testid=inside-map][data-channel="3"]');
  await page.waitForSelector('[data-testid=inside-detail]:not(.hidden)');
  assert.match(await page.textContent('[data-testid=inside-detail-value]') ?? '', /^S4 channel 3 at row 2, column 2: .* receptive field: input rows 6–21, columns 6–21 \(16×16\)$/);
  await page.keyboard.press('Escape');

  // Play runs through every epoch to the last and stops.
  await page.click('[data-testid=inside-play]');
  await page.waitForFunction(() => document.querySelector('[data-testid=inside-epoch-label]')?.textContent === 'epoch 3 (4 of 4)', null, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=inside-play]')?.textContent === 'Play');
  // Show goes back to a single input and hides the scrubber.
  await page.click('[data-testid=inside-show]');
  assert.ok(await page.locator('[data-testid=inside-scrubber]').isHidden());
});

test('layers of a run trained from a model file link to their code; "Show activations" brings a layer into view', async () => {
  const page = p.page;
  assert.equal(await page.locator('[data-testid=inside-source]').count(), 0, 'no links without a model file');
  await page.click('[data-testid=inside-show]');
  const req = await lastPosted('inspect');
  await p.send({ type: 'activations', id: req.id, result: { ...answer, id: req.id }, source: 'lenet_seed.py' });
  await page.waitForSelector('[data-testid=inside-source]');
  assert.equal(await page.locator('[data-testid=inside-source]').count(), 8);
  await page.click('[data-testid=inside-layer][data-name=C3] [data-testid=inside-source]');
  const open = await lastPosted('openLayerSource');
  assert.deepEqual(open, { type: 'openLayerSource', layer: 'C3' });
  assert.ok(checkWebviewMessage(open).ok);
  assert.equal(await page.getAttribute('[data-name=C3] [data-testid=inside-source]', 'title'), 'Open C3 in lenet_seed.py');

  await p.send({ type: 'showLayer', layer: 'FC6' });
  await page.waitForSelector('[data-testid=inside-layer][data-name=FC6].wanted');
  assert.ok(await page.locator('[data-testid=inside-layer][data-name=FC6]').isVisible());
  assert.equal(await page.locator('.inside-layer.wanted').count(), 1);
  await p.send({ type: 'showLayer', layer: 'nope' });
  await page.waitForFunction(() => document.querySelector('[data-testid=inside-hover]')?.textContent === 'No layer nope in this model.');
});

test('a theme change redraws the maps in the new colours; no CSP violation or console error', async () => {
  const page = p.page;
  const c1 = answer.layers[0];
  const s1 = heatScale(c1.min, c1.max);
  const at = (13 * 28 + 13) * 6 + 4;
  await page.waitForFunction(() => /^The try-it drawing/.test(document.querySelector('[data-testid=inside-status]')?.textContent ?? ''));
  await p.setTheme('light');
  const want = [...heatColour(c1.values[at], s1, palette('light')), 255];
  await page.waitForFunction(([w]) => {
    const c = document.querySelector('[data-name=C1] [data-testid=inside-map][data-channel="4"]') as HTMLCanvasElement | null;
    return !!c && Array.from(c.getContext('2d')!.getImageData(13, 13, 1, 1).data).join() === (w as number[]).join();
  }, [want]);
  await p.setTheme('dark');
  assert.deepEqual(await p.violations(), []);
  assert.deepEqual(p.consoleErrors, []);
  for (const m of await p.posted()) {
    const r = checkWebviewMessage(m, new Set());
    if (m.type === 'openRun' || m.type === 'exportCsv') continue;
    assert.ok(r.ok, `host rejects ${JSON.stringify(m).slice(0, 120)}: ${r.ok ? '' : r.reason}`);
  }
});
