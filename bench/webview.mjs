// Benchmark of the training panel's webview in chromium under the host's CSP (not a test):
//  1. replays a full run, 50 epochs x 938 batches (47,053 messages), through the same reducer
//     the host uses, and reports frame and chart-redraw times while streaming;
//  2. loads a state with 46,900 undecimated points per series and times full chart redraws;
//  3. fills evaluation, runs and try-it, and takes screenshots in dark, light and high-contrast.
// Usage: node bench/webview.mjs [--out DIR]   (default /tmp/lenet-shots; never inside the repo)
// Timings are wall-clock on whatever else the machine is doing: compare runs on a quiet machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerMisclassifiedPage, bigState, evaluationEvent, openPanel, replayTraining, stats } from '../test/webview/harness.mjs';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : '/tmp/lenet-shots';
mkdirSync(out, { recursive: true });

const frame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const perf = (page) => page.evaluate(() => window.__lenetPerf);
const resetPerf = (page) => page.evaluate(() => { const p = window.__lenetPerf; p.frames.length = 0; p.chartFrames.length = 0; window.__longTasks.length = 0; });

const RUNS = [
  { runDir: '/ws/.lenet/runs/2026-11-27T21-10-04', name: '2026-11-27 21:10', dataset: 'mnist', epochs: 50, final: { epoch: 50, loss: 0.0121, acc: 0.9968, val_loss: 0.0398, val_acc: 0.9889, seconds: 38.4 } },
  { runDir: '/ws/.lenet/runs/2026-11-27T19-02-51', name: '2026-11-27 19:02', dataset: 'fashion-mnist', epochs: 10, final: { epoch: 10, loss: 0.2904, acc: 0.8931, val_loss: 0.3312, val_acc: 0.8791, seconds: 39.1 } },
];

async function drawDigit(page) {
  const pad = page.locator('[data-testid=tryit-canvas]');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  // A "3": two arcs.
  const pts = [];
  for (let t = -2.4; t <= 1.6; t += 0.12) pts.push([140 + 60 * Math.cos(t), 95 + 45 * Math.sin(t)]);
  for (let t = -1.6; t <= 2.4; t += 0.12) pts.push([140 + 65 * Math.cos(t), 185 + 50 * Math.sin(t)]);
  await page.mouse.move(b.x + pts[0][0], b.y + pts[0][1]);
  await page.mouse.down();
  for (const [x, y] of pts) await page.mouse.move(b.x + x, b.y + y);
  await page.mouse.up();
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'predict'));
  const req = (await page.evaluate(() => window.__posted.filter((m) => m.type === 'predict'))).at(-1);
  return req;
}

const result = { when: new Date().toISOString(), note: 'ms; wall clock on a shared machine' };
const p = await openPanel({ theme: 'dark', viewport: { width: 1280, height: 900 } });
try {
  const { page } = p;
  await resetPerf(page);
  const replay = await replayTraining(page, { epochs: 50, batches: 938, chunk: 50, finish: true });
  const afterReplay = await perf(page);
  result.stream = {
    messages: replay.messages,
    wallMs: Math.round(replay.ms),
    messagesPerSecond: Math.round(replay.messages / (replay.ms / 1000)),
    pointsDrawn: Number(await page.getAttribute('[data-testid=chart-loss]', 'data-points')),
    frameMs: stats(afterReplay.frames),
    chartRedrawMs: stats(afterReplay.chartFrames),
    longTasks: stats(await page.evaluate(() => window.__longTasks)),
  };
  console.log('stream', JSON.stringify(result.stream));

  await resetPerf(page);
  await p.send({ type: 'state', state: bigState(46_900) });
  await page.waitForFunction(() => document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points') === '46900');
  for (let i = 0; i < 30; i++) {
    await page.$eval('[data-testid=smoothing]', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, 0.3 + (i % 10) * 0.06);
    await frame(page);
  }
  const big = await perf(page);
  result.points47k = {
    points: 46_900,
    chartRedrawMs: stats(big.chartFrames.slice(1)), // both charts: merge, EMA, uPlot setData + draw
    firstLoadMs: +big.chartFrames[0].toFixed(1),
    longTasks: stats(await page.evaluate(() => window.__longTasks)),
  };
  console.log('47k', JSON.stringify(result.points47k));

  // Back to the streamed run for the screenshots, with evaluation, runs and a prediction.
  await resetPerf(page);
  // A new run starts from a fresh state, as the host sends it (startingPanelState).
  await p.send({ type: 'state', state: { status: 'starting', history: [], batchSeries: { x: [], loss: [], acc: [] }, runs: [] } });
  await replayTraining(page, { epochs: 50, batches: 938, chunk: 500, finish: true });
  await p.send({ type: 'runs', runs: RUNS });
  await p.send(evaluationEvent(10000));
  await page.waitForSelector('[data-testid=confusion-cell]');
  await page.click('[data-testid=confusion-cell][data-row="4"][data-col="9"]');
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'misclassifiedPage'));
  await answerMisclassifiedPage(p, (await p.posted()).filter((m) => m.type === 'misclassifiedPage').at(-1));
  const req = await drawDigit(page);
  const probs = [0.002, 0.004, 0.031, 0.902, 0.001, 0.038, 0.001, 0.006, 0.012, 0.003];
  await p.send({ type: 'prediction', id: req.id, probabilities: probs });
  await page.waitForFunction(() => document.querySelector('[data-testid=prob][data-class="3"]')?.getAttribute('data-value') === '0.902');
  // Hover the loss chart so the crosshair and legend values show.
  await page.evaluate(() => window.scrollTo(0, 0));
  const plot = await page.locator('[data-testid=chart-loss] .u-over').boundingBox();
  await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.5);
  await frame(page);

  result.screenshots = [];
  for (const theme of ['dark', 'light', 'hc']) {
    await p.setTheme(theme);
    await frame(page);
    await page.mouse.move(plot.x + plot.width * 0.3 + 1, plot.y + plot.height * 0.5);
    await frame(page);
    const top = join(out, `panel-${theme}.png`);
    const full = join(out, `panel-${theme}-full.png`);
    await page.screenshot({ path: top });
    await page.screenshot({ path: full, fullPage: true });
    result.screenshots.push(top, full);
  }
  result.violations = await p.violations();
  result.consoleErrors = p.consoleErrors;
  console.log('screenshots', result.screenshots.join(' '));
  console.log('CSP violations', result.violations.length, 'console errors', result.consoleErrors.length);
} finally {
  await p.close();
}
writeFileSync(join(out, 'bench-webview.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`results in ${join(out, 'bench-webview.json')}`);
if (result.violations.length || result.consoleErrors.length) process.exitCode = 1;
