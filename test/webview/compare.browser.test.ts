// Compare runs and the panel's finish, in a real browser (Debian chromium) under the host's CSP:
// ticking runs asks the host for them, the answer is overlaid with a legend and a differences
// table; the Runs table does not wrap at 1500 px; chart legends keep their height on hover; the
// two training charts share the cursor; the try-it drawing follows a theme switch; the status text
// is readable in every theme; a fresh panel shows no empty summary table.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { checkWebviewMessage } from '../../src/host/webviewMessages';
import { contrastRatio } from '../../webview/colour';
import type { ComparedRun, RunInfo } from '../../src/shared/webviewProtocol';
import { needDebianPackage } from '../shared/prerequisites';
import { CHROMIUM, evaluationEvent, openPanel, replayTraining, type Panel } from './harness.mjs';

let p: Panel;

before(async () => {
  needDebianPackage(existsSync(CHROMIUM), 'chromium', `chromium at ${CHROMIUM} (or set CHROMIUM_PATH)`);
  p = await openPanel({ theme: 'light', viewport: { width: 1500, height: 900 } });
});

after(async () => {
  await p?.close();
});

const posted = async (type: string): Promise<any[]> => (await p.posted()).filter((m) => m.type === type);
const frames = () => p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

const dir = (n: number) => `/w/.lenet/runs/20261201-10${String(n).padStart(2, '0')}00`;
const info = (n: number, over: Partial<RunInfo> = {}): RunInfo => ({
  runDir: dir(n), name: `20261201-10${String(n).padStart(2, '0')}00`, label: `sequential · 2026-12-01 10:${String(n).padStart(2, '0')}:00`,
  dataset: 'mnist-sample', epochs: 2, status: 'done', hasModel: true, final: { epoch: 2, loss: 0.5, acc: 0.85, val_loss: 0.45, val_acc: 0.8712, seconds: 3.2 }, ...over,
});
const compared = (n: number, learningRate: number): ComparedRun => ({
  runDir: dir(n), label: info(n).label, model: 'sequential · 61,706 params', dataset: 'mnist-sample', trainImages: 2000, optimizer: 'sgd',
  learningRate, batchSize: 64, epochs: 2, epochsDone: 2, bestEpoch: 2, bestValAcc: 0.8 + learningRate, secondsPerEpoch: 3.2,
  history: [1, 2].map((epoch) => ({ epoch, loss: 1.5 / epoch - learningRate, acc: 0.5 + epoch * 0.1 + learningRate, val_loss: 1.4 / epoch, val_acc: 0.55 + epoch * 0.1 + learningRate, seconds: 3.2 })),
});

test('a fresh panel shows the summary\'s placeholder, not an empty table header', async () => {
  assert.equal(await p.page.isVisible('[data-testid=summary-table]'), false);
  assert.match(await p.page.textContent('.summary-block .empty') ?? '', /appears when training starts/);
  assert.equal(await p.page.isVisible('[data-testid=compare]'), false, 'nothing ticked: no compare section');
});

test('the Runs table keeps every cell on one line at 1500 px', async () => {
  const runs = [1, 2, 3, 4].map((n) => info(n, n === 4 ? { epochs: 50, dataset: 'fashion-mnist' } : {}));
  await p.send({ type: 'runs', runs });
  await p.page.waitForSelector('[data-testid=runs] tr[data-run]');
  await frames();
  const wrapped = await p.page.evaluate(() => {
    const out: string[] = [];
    for (const cell of Array.from(document.querySelectorAll('.runs-table th, .runs-table td'))) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(n.textContent);
      }
      // The buttons' labels live in their shadow roots: a wrapped label makes a taller button.
      for (const b of Array.from(cell.querySelectorAll('vscode-button'))) if (b.getBoundingClientRect().height > 34) out.push(`button ${b.textContent}`);
    }
    return out;
  });
  assert.deepEqual(wrapped, [], 'cells that wrap');
});

test('ticking runs asks the host (checked like the host does), and the answer is overlaid with a legend and a differences table', async () => {
  const page = p.page;
  const boxes = page.locator('[data-testid=runs] [data-testid=run-compare]');
  await boxes.nth(2).check();
  assert.equal(await page.isVisible('[data-testid=compare]'), true);
  assert.match(await page.textContent('[data-testid=compare-status]') ?? '', /Tick one more run/);
  assert.equal((await posted('compareRuns')).length, 0, 'one run is no comparison');
  await boxes.nth(0).check();
  const asks = await posted('compareRuns');
  assert.equal(asks.length, 1);
  assert.deepEqual(asks[0].runDirs, [dir(3), dir(1)], 'in the order ticked');
  const known = new Set([1, 2, 3, 4].map(dir));
  assert.ok(checkWebviewMessage(asks[0], known).ok, 'the host accepts it');
  // A stale answer (an older id) is ignored.
  await p.send({ type: 'comparison', id: asks[0].id - 1, runs: [compared(9, 0.5), compared(8, 0.5)] });
  await p.send({ type: 'comparison', id: asks[0].id, runs: [compared(3, 0.01), compared(1, 0.05)] });
  await page.waitForSelector('[data-testid=compare-legend-item]');
  const legend = await page.$$eval('[data-testid=compare-legend-item]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(legend, [info(3).label, info(1).label]);
  const swatches = await page.$$eval('[data-testid=compare-legend-item] .swatch', (els) => els.map((e) => getComputedStyle(e).borderTopColor));
  assert.equal(new Set(swatches).size, 2, `one colour per run: ${swatches}`);
  for (const id of ['compare-loss', 'compare-acc']) {
    assert.equal(await page.getAttribute(`[data-testid=${id}]`, 'data-series'), '4', `${id}: train and validation of each run`);
    assert.equal(await page.locator(`[data-testid=${id}] canvas`).count(), 1);
  }
  const rows = await page.$$eval('[data-testid=compare-diff] tbody tr', (els) => els.map((e) => [e.getAttribute('data-field'), e.getAttribute('data-differs'), Array.from(e.querySelectorAll('td')).map((td) => td.textContent)]));
  const by = Object.fromEntries(rows.map(([f, d, v]) => [f, { differs: d, values: v }]));
  assert.deepEqual(by.learningRate, { differs: 'true', values: ['0.01', '0.05'] });
  assert.deepEqual(by.optimizer, { differs: 'false', values: ['sgd', 'sgd'] });
  assert.equal(await page.locator('[data-testid=compare-diff] tr.differs .differs-mark').count(), rows.filter((r) => r[1] === 'true').length, 'a differing row is marked by more than colour');
  // The diagram's lines are drawn: the loss canvas has pixels of both runs' colours.
  const drawn = await page.locator('[data-testid=compare-loss] canvas').evaluate((c: HTMLCanvasElement, colours: string[]) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const rgb = colours.map((s) => (s.match(/\d+/g) ?? []).slice(0, 3).map(Number));
    const hits = rgb.map(() => 0);
    for (let i = 0; i < data.length; i += 4) rgb.forEach(([r, g, b], k) => { if (Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8 && Math.abs(data[i + 2] - b) < 8) hits[k]++; });
    return hits;
  }, swatches);
  assert.ok(drawn.every((n) => n > 20), `pixels of each run's colour on the loss overlay: ${drawn}`);
  // The table reads out both metrics at the last epoch, and at the epoch under the cursor.
  const readout = () => page.$$eval('[data-testid=compare-diff] tr.readout', (els) => els.map((e) => Array.from(e.children).map((c) => c.textContent)));
  assert.deepEqual(await readout(), [
    ['Loss at epoch 2 (train / val)', '0.7400 / 0.7000', '0.7000 / 0.7000'],
    ['Accuracy at epoch 2 (train / val)', '0.7100 / 0.7600', '0.7500 / 0.8000'],
  ]);
  await page.locator('[data-testid=compare-acc] .u-over').scrollIntoViewIfNeeded();
  const over = (await page.locator('[data-testid=compare-acc] .u-over').boundingBox())!;
  await page.mouse.move(over.x + 3, over.y + over.height / 2);
  await page.mouse.move(over.x + 5, over.y + over.height / 2);
  await frames();
  assert.deepEqual((await readout())[0], ['Loss at epoch 1 (train / val)', '1.4900 / 1.4000', '1.4500 / 1.4000'], 'the accuracy chart\'s cursor at epoch 1');
  await page.mouse.move(2, 2);
  await frames();
  assert.match((await readout())[0][0], /epoch 2/, 'back to the last epoch when the cursor leaves');
  // Unticking one leaves one: the overlay goes, the hint comes back.
  await boxes.nth(0).uncheck();
  assert.equal(await page.isVisible('[data-testid=compare-legend]'), false);
  assert.match(await page.textContent('[data-testid=compare-status]') ?? '', /Tick one more run/);
  await boxes.nth(2).uncheck();
  assert.equal(await page.isVisible('[data-testid=compare]'), false);
});

test('at most six runs are ticked: the other boxes are disabled and say why', async () => {
  const runs = [1, 2, 3, 4, 5, 6, 7].map((n) => info(n));
  await p.send({ type: 'runs', runs });
  await p.page.waitForFunction(() => document.querySelectorAll('[data-testid=run-compare]').length === 7);
  const boxes = p.page.locator('[data-testid=run-compare]');
  for (let i = 0; i < 6; i++) await boxes.nth(i).check();
  assert.equal(await boxes.nth(6).isDisabled(), true);
  assert.match(await boxes.nth(6).getAttribute('title') ?? '', /At most 6 runs/);
  const last = (await posted('compareRuns')).at(-1);
  assert.equal(last.runDirs.length, 6);
  assert.ok(checkWebviewMessage(last, new Set(runs.map((r) => r.runDir))).ok);
  // A refreshed list without a ticked run drops it, and asks again for the rest.
  const before = (await posted('compareRuns')).length;
  await p.send({ type: 'runs', runs: runs.filter((r) => r.runDir !== dir(1)) });
  await p.page.waitForFunction(() => document.querySelectorAll('[data-testid=run-compare]').length === 6);
  const again = await posted('compareRuns');
  assert.equal(again.length, before + 1);
  assert.deepEqual(again.at(-1).runDirs, [2, 3, 4, 5, 6].map(dir));
  for (let i = 0; i < 6; i++) if (await boxes.nth(i).isChecked()) await boxes.nth(i).uncheck();
});

test('the training charts share one cursor, and hovering does not change a legend\'s height', async () => {
  const page = p.page;
  await replayTraining(page, { epochs: 2, batches: 200, chunk: 100, finish: true });
  await frames();
  for (const width of [1500, 900, 760]) {
    await page.setViewportSize({ width, height: 900 });
    await frames();
    const heights = () => page.$$eval('[data-testid=chart-loss], [data-testid=chart-acc]', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
    const before = await heights();
    const plot = page.locator('[data-testid=chart-loss] .u-over');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 3 });
    await frames();
    assert.deepEqual(await heights(), before, `at ${width} px the charts keep their height on hover`);
    // The accuracy chart follows the loss chart's cursor: its legend shows that point's values.
    const accValues = await page.$$eval('[data-testid=chart-acc] .u-legend .u-series .u-value', (els) => els.map((e) => e.textContent));
    assert.match(accValues[2] ?? '', /^\d\.\d{4}$/, `accuracy legend under the shared cursor: ${JSON.stringify(accValues)}`);
    const cursorLeft = await page.$eval('[data-testid=chart-acc] .u-cursor-x', (e) => getComputedStyle(e).transform);
    assert.notEqual(cursorLeft, 'none', 'the accuracy chart draws the cursor line');
    await page.mouse.move(2, 2);
  }
  await page.setViewportSize({ width: 1500, height: 900 });
});

/** The rendered colour of a CSS colour, as rgb(), whatever syntax the style used (color-mix, hex). */
const rgbOf = (css: string) => p.page.evaluate((c) => {
  const x = document.createElement('canvas').getContext('2d')!;
  x.fillStyle = c;
  x.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = x.getImageData(0, 0, 1, 1).data;
  return `rgba(${r}, ${g}, ${b}, ${a / 255})`;
}, css);

/** The element's text colour and the first opaque background behind it. */
const colours = (selector: string) => p.page.$eval(selector, (el) => {
  let bg = 'rgb(0, 0, 0)';
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'transparent' && !/,\s*0\)$/.test(c)) { bg = c; break; }
  }
  return { fg: getComputedStyle(el).color, bg };
});

test('"done", "stopped" and the true class read at 4.5:1 or more in light, dark and both high-contrast themes', async () => {
  await p.send(evaluationEvent(10000));
  await p.page.click('[data-testid=confusion-cell][data-row="4"][data-col="9"]');
  await p.page.waitForSelector('[data-testid=misclassified] .top-probs .truth');
  const seen: Record<string, string[]> = {};
  try {
    for (const theme of ['light', 'dark', 'hc', 'hcLight'] as const) {
      await p.setTheme(theme);
      await frames();
      seen[theme] = [];
      for (const [what, selector] of [['done pill', '[data-testid=status].status-done'], ['true class', '[data-testid=misclassified] .top-probs .truth']]) {
        const c = await colours(selector);
        const ratio = contrastRatio(await rgbOf(c.fg), await rgbOf(c.bg));
        seen[theme].push(`${what} ${ratio.toFixed(2)}`);
        assert.ok(ratio >= 4.5, `${theme}: ${what} ${c.fg} on ${c.bg} is ${ratio.toFixed(2)}:1`);
      }
    }
  } finally {
    await p.setTheme('light');
  }
  console.log(`# status text contrast ${JSON.stringify(seen)}`);
  assert.match(await p.page.textContent('[data-testid=misclassified] h3') ?? '', /: \d[\d,]* images?( \(showing \d+\))?$/);
});

test('an existing try-it drawing takes the new theme\'s ink after a theme switch', async () => {
  const page = p.page;
  const canvas = page.locator('[data-testid=tryit-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
  const inkAt = () => canvas.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(c.width / 2, c.height / 2, 1, 1).data));
  const light = await inkAt();
  assert.deepEqual(light, [0x3b, 0x3b, 0x3b, 255], 'Light Modern\'s editor foreground');
  await p.setTheme('dark');
  await frames();
  assert.deepEqual(await inkAt(), [0xcc, 0xcc, 0xcc, 255], 'Dark Modern\'s editor foreground, on the same stroke');
  await p.setTheme('light');
  await frames();
  assert.deepEqual(await p.violations(), []);
  assert.deepEqual(p.consoleErrors, []);
});
