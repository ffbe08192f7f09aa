// LeNet Lab in a real VS Code (code-server 4.96.4 + Debian chromium), driven like a user.
// Run through `npm run test:e2e` (test/e2e/run.mjs), which packages the .vsix and installs
// code-server first and passes their paths in LENET_E2E_VSIX / LENET_E2E_ENTRY.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, since, sleep, waitUntil } from './harness';
import { commandTitle, extensionId, missingParts } from './landed';
import { QUICK_SAMPLE_VAL_ACC_FLOOR } from '../shared/learningFloors';
import { entry, flowTest, QUICK, vsix } from './suite';

const SAMPLE_TEST_COUNT = 2000;

/**
 * WCAG contrast ratio of an element's text against the first opaque background behind it.
 * Kept as source text: tsx would wrap named inner functions in a helper that does not exist
 * inside the page.
 */
const CONTRAST_RATIO = new Function('el', `
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let bg = [0, 0, 0, 0];
  for (let e = el; e && (bg[3] ?? 1) === 0; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    bg = c.length === 3 ? [...c, 1] : c;
  }
  const fg = rgb(getComputedStyle(el).color);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
`) as (el: Element) => number;

describe('LeNet Lab in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();
  const timings: Record<string, number> = {};

  before(async () => {
    vs = await VSCodeSession.start({
      entry,
      vsix,
      fixture: join(__dirname, 'fixtures', 'workspace'),
      workspaceSettings: QUICK,
      artifacts,
    });
    Object.assign(timings, vs.timings);
    await vs.screenshot('workbench');
  });

  after(async () => {
    await vs?.close();
    console.log(`# e2e timings (ms, 2 shared cores: noisy): ${JSON.stringify(timings)}`);
    console.log(`# e2e screenshots and logs: ${artifacts}`);
  });

  /** A test that leaves a screenshot of the screen it failed on. */
  const flow = flowTest(() => vs);

  /** Fails the flow at once, naming what is missing, when the extension lacks a part it needs. */
  function requireParts(needs: Parameters<typeof missingParts>[0]): void {
    const why = missingParts(needs);
    assert.equal(why, undefined, `the extension lacks what this flow needs: ${why}`);
  }

  flow('smoke: the workbench loads and the palette lists "LeNet: Show Training Panel"', { timeout: 60_000 }, async () => {
    await vs.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lenet_seed.py' }).waitFor();
    requireParts({ commands: ['lenet.showPanel'] });
    const t0 = performance.now();
    const title = commandTitle('lenet.showPanel')!;
    assert.equal(title, 'LeNet: Show Training Panel');
    assert.ok(await vs.paletteHas(title), `the palette never listed "${title}"`);
    timings.paletteListsCommandMs = since(t0);
  });

  // --- training panel flows (they build on each other, in order) -------------------

  const panel = () => vs.webviewFrame(extensionId());
  /** The newest run folder in the workspace. */
  const newestRun = () => {
    const dir = join(vs.workspace, '.lenet', 'runs');
    const runs = readdirSync(dir).sort();
    assert.ok(runs.length > 0, `no run folder in ${dir}`);
    return join(dir, runs[runs.length - 1]);
  };
  const text = async (testid: string) => (await panel().locator(`[data-testid=${testid}]`).first().innerText()).trim();
  const points = async (testid: string) => Number(await panel().locator(`[data-testid=${testid}]`).first().getAttribute('data-points'));

  flow('a) "LeNet: Start Training" -> the panel summary lists C1 ... OUTPUT and 61,706 params', { timeout: 120_000 }, async () => {
    requireParts({ commands: ['lenet.startTraining'], testIds: ['summary-table', 'status'] });
    const invoked = await vs.runCommand(commandTitle('lenet.startTraining')!);
    const summary = await waitUntil(
      'the summary table with C1 ... OUTPUT and 61,706',
      async () => {
        const s = await text('summary-table');
        return /C1/.test(s) && /OUTPUT/.test(s) && /61,706/.test(s) ? s : undefined;
      },
      60_000,
    );
    timings.startCommandToSummaryMs = since(invoked);
    await vs.screenshot('a-summary');
    for (const layer of ['C1', 'S2', 'C3', 'S4', 'C5', 'FC6', 'OUTPUT']) assert.match(summary, new RegExp(`\\b${layer}\\b`));
    assert.match(summary, /2,416/, 'C3 has 5x5x6x16 + 16 = 2,416 params');
  });

  flow('b) the charts get points, two epochs of val accuracy appear, status says done', { timeout: 180_000 }, async () => {
    requireParts({ commands: ['lenet.startTraining'], testIds: ['chart-loss', 'chart-acc', 'val-acc-list', 'status'] });
    const t0 = performance.now();
    await waitUntil('loss chart data-points > 0', async () => (await points('chart-loss')) > 0, 60_000);
    timings.firstChartPointMs = since(t0);
    await vs.screenshot('b-training');
    await waitUntil('status "done"', async () => /done/i.test(await text('status')), 150_000);
    timings.quickRunDoneMs = since(t0);
    // The panel's numbers are the run folder's (metrics.csv, Keras CSVLogger columns), and the
    // seed's settings learn: the last one clears the measured floor.
    const items = panel().locator('[data-testid=val-acc-list] li');
    const shown = (await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-val-acc')))));
    const texts = await items.allInnerTexts();
    assert.equal(shown.length, 2, `two epochs of val accuracy, saw ${JSON.stringify(texts)}`);
    const csv = readFileSync(join(newestRun(), 'metrics.csv'), 'utf8').trim().split('\n');
    const col = csv[0].split(',').indexOf('val_accuracy');
    const fromFile = csv.slice(1).map((l) => Number(l.split(',')[col]));
    assert.equal(fromFile.length, 2, 'metrics.csv has the two epochs');
    shown.forEach((v, i) => {
      assert.ok(Math.abs(v - fromFile[i]) < 1e-4, `epoch ${i + 1}: panel ${v}, metrics.csv ${fromFile[i]}`);
      assert.match(texts[i], new RegExp(`val acc ${v.toFixed(3)}\\b`), `epoch ${i + 1} shows its value: ${JSON.stringify(texts[i])}`);
    });
    assert.ok(shown[1] >= QUICK_SAMPLE_VAL_ACC_FLOOR, `val accuracy ${shown[1]} after 2 epochs is under the floor ${QUICK_SAMPLE_VAL_ACC_FLOOR}: the model does not learn`);
    assert.ok((await points('chart-loss')) > 0);
    assert.ok((await points('chart-acc')) > 0, 'accuracy chart has points');
    // Screen readers hear the end of the run (aria-live region).
    const live = panel().locator('[data-testid=live-region]');
    await waitUntil('the live region announcing the finished run', async () => /finished.*2 epochs/i.test((await live.textContent()) ?? ''), 5_000);
    await vs.screenshot('b-done');
  });

  flow('c) Start button, then "LeNet: Stop Training" during a 50-epoch run: status says stopped within 2 s', { timeout: 180_000 }, async () => {
    requireParts({ commands: ['lenet.startTraining', 'lenet.stopTraining'], testIds: ['status', 'epoch', 'chart-loss', 'btn-start'] });
    vs.writeWorkspaceSettings({ ...QUICK, 'lenet.epochs': 50 });
    await sleep(1_500); // let the file watcher deliver the new configuration
    // Started from the panel's own Start button this time (it runs the same command).
    await panel().locator('[data-testid=btn-start]').click();
    // The new run, not the finished one: epoch i/50 and status training.
    await waitUntil('a 50-epoch run training', async () => /\/\s*50/.test(await text('epoch')) && /train/i.test(await text('status')), 60_000);
    await waitUntil('the first batches on the loss chart', async () => (await points('chart-loss')) > 0, 30_000);
    await sleep(1_000);
    await vs.screenshot('c-long-run');
    const invoked = await vs.runCommand(commandTitle('lenet.stopTraining')!);
    await waitUntil('status "stopped"', async () => /stopped/i.test(await text('status')), 10_000, 50);
    const ms = since(invoked);
    timings.stopCommandToStoppedMs = ms;
    await vs.screenshot('c-stopped');
    assert.ok(ms <= 2_000, `status said stopped ${ms} ms after the command (limit 2,000 ms)`);
    assert.doesNotMatch(await text('epoch'), /50\s*\/\s*50/, 'the run was stopped before its last epoch');
    assert.match((await panel().locator('[data-testid=live-region]').textContent()) ?? '', /stopped/i, 'the live region announces the stop');
    // The context key hides "Stop Training" from the palette once nothing is running (read from
    // a palette that did open and list "Start Training").
    const offered = await vs.paletteTitles('LeNet:', commandTitle('lenet.startTraining')!);
    assert.ok(!offered.includes(commandTitle('lenet.stopTraining')!), `Stop Training is still offered after the run stopped: ${JSON.stringify(offered)}`);
    vs.writeWorkspaceSettings(QUICK);
  });

  flow('d) "LeNet: Evaluate Model" -> confusion counts add up to the 2,000 test images', { timeout: 120_000 }, async () => {
    requireParts({ commands: ['lenet.evaluate'], testIds: ['confusion-cell', 'eval-acc'] });
    const invoked = await vs.runCommand(commandTitle('lenet.evaluate')!);
    // Several saved models may be offered in a quick pick: take the first (the latest).
    const pick = vs.page.locator('.quick-input-widget .monaco-list-row').first();
    if (await pick.waitFor({ timeout: 1_500 }).then(() => true, () => false)) {
      await vs.screenshot('d-model-pick');
      await vs.page.keyboard.press('Enter');
    }
    const cells = panel().locator('[data-testid=confusion-cell]');
    const counts = await waitUntil(
      'a 10x10 confusion matrix',
      async () => {
        const c = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
        return c.length === 100 ? c : undefined;
      },
      90_000,
    );
    timings.evaluateCommandToMatrixMs = since(invoked);
    await panel().locator('[data-testid=confusion]').scrollIntoViewIfNeeded();
    await vs.screenshot('d-evaluation');
    assert.ok(counts.every((n) => Number.isInteger(n) && n >= 0), 'every cell count is a whole number');
    assert.equal(counts.reduce((a, b) => a + b, 0), SAMPLE_TEST_COUNT);
    // The accuracy shown is the matrix's diagonal over its total.
    const acc = Number(await text('eval-acc'));
    const diagonal = counts.filter((_, i) => Math.floor(i / 10) === i % 10).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(acc - diagonal / SAMPLE_TEST_COUNT) < 1e-4, `eval-acc ${acc}, diagonal ${diagonal} / ${SAMPLE_TEST_COUNT}`);
    assert.ok(acc > 0 && acc <= 1, `eval-acc ${acc} is an accuracy`);

    // Clicking the biggest off-diagonal cell shows those misclassified test images.
    let worst = -1;
    counts.forEach((n, i) => {
      if (Math.floor(i / 10) !== i % 10 && (worst < 0 || n > counts[worst])) worst = i;
    });
    assert.ok(counts[worst] > 0, 'a model this short-trained misclassifies something');
    await cells.nth(worst).click();
    const figures = panel().locator('[data-testid=misclassified] figure');
    await waitUntil('misclassified images of the clicked cell', async () => (await figures.count()) > 0, 10_000);
    await vs.screenshot('d-misclassified');
  });

  flow('e) the try-it pad: a drawn digit gets 10 probabilities that add up to 1', { timeout: 60_000 }, async () => {
    requireParts({ testIds: ['tryit-canvas', 'tryit-probs', 'prob'] });
    const canvas = panel().locator('[data-testid=tryit-canvas]');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 20 && box.height > 20, `the pad is visible: ${JSON.stringify(box)}`);
    // A "7": a stroke across the top, then down to the bottom left.
    const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    const m = vs.page.mouse;
    const t0 = performance.now();
    await m.move(...at(0.25, 0.22));
    await m.down();
    await m.move(...at(0.75, 0.22), { steps: 12 });
    await m.move(...at(0.45, 0.82), { steps: 16 });
    await m.up();
    const probs = await waitUntil(
      '10 probabilities',
      async () => {
        const v = await panel().locator('[data-testid=tryit-probs] [data-testid=prob]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
        return v.length === 10 && v.every((x) => Number.isFinite(x)) ? v : undefined;
      },
      30_000,
    );
    timings.drawToProbabilitiesMs = since(t0);
    await vs.screenshot('e-tryit');
    const sum = probs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) <= 1e-3, `probabilities add up to ${sum}: ${JSON.stringify(probs)}`);
    assert.ok(probs.every((p) => p >= 0 && p <= 1));
  });

  flow('f) "Developer: Reload Window" -> the panel is back with its summary and charts', { timeout: 120_000 }, async () => {
    requireParts({ commands: ['lenet.showPanel'], testIds: ['summary-table', 'chart-loss'] });
    const t0 = performance.now();
    await vs.reloadWindow();
    timings.reloadToWorkbenchMs = since(t0);
    await waitUntil('the restored panel with 61,706 and chart points', async () => /61,706/.test(await text('summary-table')) && (await points('chart-loss')) > 0, 60_000);
    timings.reloadToRestoredPanelMs = since(t0);
    await vs.screenshot('f-restored');
    assert.ok((await points('chart-acc')) > 0, 'accuracy chart restored with points');
  });

  flow('runs: the past runs are listed; Open shows a run\'s charts; back to the live run', { timeout: 60_000 }, async () => {
    requireParts({ testIds: ['runs', 'run-open', 'viewing-banner', 'btn-live', 'val-acc-list'] });
    const rows = panel().locator('[data-testid=runs] tr[data-run]');
    await waitUntil('two past runs (the 2-epoch run and the stopped one)', async () => (await rows.count()) >= 2, 10_000);
    // The 2-epoch run is the one whose Epochs column says 2.
    const quick = rows.filter({ has: panel().locator('td', { hasText: /^2$/ }) }).first();
    await quick.locator('[data-testid=run-open]').click();
    const banner = panel().locator('[data-testid=viewing-banner]');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil('the opened run\'s two epochs of val accuracy', async () => (await panel().locator('[data-testid=val-acc-list] li').count()) === 2, 10_000);
    // A saved run has per-epoch metrics only (data-points counts streamed batches): its charts
    // must not show the "no data" placeholder.
    for (const chart of ['chart-loss', 'chart-acc']) {
      assert.ok(await panel().locator(`[data-testid=${chart}] .chart-empty`).isHidden(), `${chart} of the opened run shows data`);
    }
    await panel().locator('[data-testid=chart-loss]').scrollIntoViewIfNeeded();
    await vs.screenshot('runs-open');
    await panel().locator('[data-testid=btn-live]').click();
    await banner.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  flow('themes: the panel follows dark and high-contrast themes with readable text', { timeout: 90_000 }, async () => {
    requireParts({ testIds: ['summary-table', 'status'] });
    const themes = [
      { theme: 'Default Dark Modern', bodyClass: 'vscode-dark' },
      { theme: 'Default High Contrast', bodyClass: 'vscode-high-contrast' },
      { theme: 'Default Light Modern', bodyClass: 'vscode-light' },
    ];
    for (const { theme, bodyClass } of themes) {
      vs.writeWorkspaceSettings({ ...QUICK, 'workbench.colorTheme': theme });
      // VS Code tells the webview by a class on its <body> and new --vscode-* values.
      await waitUntil(`the panel in "${theme}"`, async () => (await panel().locator('body').getAttribute('class'))?.split(/\s+/).includes(bodyClass), 20_000);
      await sleep(300);
      await panel().locator('[data-testid=summary-table]').scrollIntoViewIfNeeded();
      await vs.screenshot(`theme-${bodyClass}`);
      // WCAG contrast of the summary table's text against what is behind it.
      const ratio = await panel().locator('[data-testid=summary-table] td').first().evaluate(CONTRAST_RATIO);
      console.log(`# summary text contrast in "${theme}": ${ratio.toFixed(2)}:1`);
      assert.ok(ratio >= 4.5, `summary text contrast in "${theme}" is ${ratio.toFixed(2)}:1 (WCAG AA needs 4.5:1)`);
    }
    vs.writeWorkspaceSettings(QUICK);
  });

  // --- layer shapes where the model is written ------------------------------------

  flow('g) hover over Conv2D(16 in the seed .py: (None, 10, 10, 16) and 2,416; inlay hints shown', { timeout: 60_000 }, async () => {
    requireParts({ providers: ['HoverProvider', 'InlayHintsProvider'] });
    await vs.openFile('lenet_seed.py');
    await vs.goToLine(68);
    const t0 = performance.now();
    const hover = await vs.hoverWord('Conv2D(16', /\(None, 10, 10, 16\)/);
    timings.hoverMs = since(t0);
    await vs.screenshot('g-hover-py');
    assert.match(hover, /\(None, 10, 10, 16\)/);
    assert.match(hover, /2,416/);
    await vs.page.keyboard.press('Escape');
    await vs.page.mouse.move(5, 5);
    await waitUntil('the inlay hint "-> (None, 28, 28, 6)" on C1', () => vs.lineVisible('-> (None, 28, 28, 6)'), 10_000);
    await vs.screenshot('g-inlay-py');
  });

  flow('g) the same hover in a notebook cell (.ipynb in the notebook editor)', { timeout: 60_000 }, async () => {
    requireParts({ providers: ['HoverProvider'] });
    await vs.openFile('lenet_seed.ipynb');
    const scope = '.notebookOverlay .monaco-editor';
    // Cells are virtualised: scroll the notebook until the C3 cell's line is rendered.
    await waitUntil(
      'the Conv2D(16 line in a rendered notebook cell',
      async () => {
        if (await vs.lineVisible('Conv2D(16', scope)) return true;
        const list = vs.page.locator('.notebookOverlay .monaco-list').first();
        const b = await list.boundingBox();
        if (b) {
          await vs.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
          await vs.page.mouse.wheel(0, 300);
        }
        return false;
      },
      20_000,
      300,
    );
    await sleep(500); // let the scroll settle before measuring the word's box
    const hover = await vs.hoverWord('Conv2D(16', /\(None, 10, 10, 16\)/, scope);
    await vs.screenshot('g-hover-notebook');
    assert.match(hover, /2,416/);
    requireParts({ providers: ['InlayHintsProvider'] });
    await vs.page.keyboard.press('Escape');
    await waitUntil('the inlay hint "-> (None, 28, 28, 6)" in the C1 cell', () => vs.lineVisible('-> (None, 28, 28, 6)', scope), 10_000);
  });

  flow('h) the code lens "Train This Model" above the seed\'s model trains it in the panel', { timeout: 120_000 }, async () => {
    requireParts({ commands: ['lenet.trainThisModel'], providers: ['CodeLensProvider'], testIds: ['summary-table', 'status'] });
    const runsDir = join(vs.workspace, '.lenet', 'runs');
    const before = existsSync(runsDir) ? readdirSync(runsDir).length : 0;
    await vs.openFile('lenet_seed.py');
    await vs.goToLine(51);
    const lens = vs.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train This Model' });
    await lens.first().waitFor({ timeout: 15_000 });
    await vs.screenshot('h-codelens');
    const t0 = performance.now();
    await lens.first().click();
    // The panel comes forward with a new run of the model read from the file.
    await waitUntil('status "done" for the model trained from the file', async () => {
      const st = await text('status').catch(() => '');
      return /done/i.test(st) && (existsSync(runsDir) ? readdirSync(runsDir).length : 0) > before;
    }, 90_000);
    timings.codeLensToDoneMs = since(t0);
    const summary = await text('summary-table');
    await vs.screenshot('h-trained-from-file');
    // Same numbers as the hover's and the seed's model.summary().
    assert.match(summary, /C3[\s\S]*\(None, 10, 10, 16\)[\s\S]*2,416/);
    assert.match(summary, /61,706/);
  });
});
