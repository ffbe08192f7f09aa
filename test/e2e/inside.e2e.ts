// "Inside the network" in a real VS Code (code-server 4.96.4 + Debian chromium), driven like a
// user: train the seed's model from its .py with the code lens, draw a digit and see inside (C1's
// six 28x28 maps, C3's sixteen 10x10), a misclassified card's "See inside", a layer name opening
// its source line, the hover's "Show activations", the epoch scrubber, and the view in dark, light
// and high contrast (screenshots in the artifacts folder).
// Run through `npm run test:e2e` (test/e2e/run.mjs), which packages the .vsix and installs
// code-server first and passes their paths in LENET_E2E_VSIX / LENET_E2E_ENTRY.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, sleep, waitUntil } from './harness';
import { commandTitle, extensionId, missingParts } from './landed';
import { QUICK_SAMPLE_RUN } from '../shared/learningFloors';
import { entry, flowTest, QUICK, vsix } from './suite';

describe('Inside the network in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();

  before(async () => {
    vs = await VSCodeSession.start({ entry, vsix, fixture: join(__dirname, 'fixtures', 'workspace'), workspaceSettings: QUICK, artifacts, viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await vs?.close();
    console.log(`# inside e2e screenshots and logs: ${artifacts}`);
  });

  /** A test that leaves a screenshot of the screen it failed on. */
  const flow = flowTest(() => vs, 'inside-');

  const panel = () => vs.webviewFrame(extensionId());
  const text = async (testid: string) => (await panel().locator(`[data-testid=${testid}]`).first().innerText()).trim();
  const mapSizes = (layer: string) => panel().locator(`[data-testid=inside-layer][data-name=${layer}] [data-testid=inside-map]`)
    .evaluateAll((els) => els.map((c) => `${(c as HTMLCanvasElement).width}x${(c as HTMLCanvasElement).height}`));

  flow('train the seed .py with its code lens, draw a digit, see inside: C1 six 28x28 maps, C3 sixteen 10x10', { timeout: 180_000 }, async () => {
    const why = missingParts({ commands: ['lenet.trainThisModel', 'lenet.showActivations'], testIds: ['inside-show', 'inside-layer', 'inside-map', 'inside-source', 'see-inside', 'inside-training', 'inside-detail'] });
    assert.equal(why, undefined, `the extension lacks what this flow needs: ${why}`);
    const runsDir = join(vs.workspace, '.lenet', 'runs');
    // From the explorer (Quick Open's file index can lag right after the window opens).
    const row = vs.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lenet_seed.py' });
    await row.waitFor({ timeout: 30_000 });
    await row.dblclick();
    await vs.page.locator('.editor-group-container.active .tab.active', { hasText: 'lenet_seed.py' }).waitFor({ timeout: 15_000 });
    // Go to line 51 (the model); on a loaded machine the palette can stay open after it moved.
    await vs.goToLine(51).catch(() => vs.page.keyboard.press('Escape'));
    const lens = vs.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train This Model' });
    await lens.first().waitFor({ timeout: 15_000 });
    await lens.first().click();
    await waitUntil('the run trained from the file is done', async () => /done/i.test(await text('status').catch(() => '')) && existsSync(runsDir) && readdirSync(runsDir).length > 0, 150_000);
    const run = join(runsDir, readdirSync(runsDir).sort().at(-1)!);
    assert.match(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).source, /lenet_seed\.py$/, 'the run keeps its model file');

    const canvas = panel().locator('[data-testid=tryit-canvas]');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    await vs.page.mouse.move(...at(0.25, 0.22));
    await vs.page.mouse.down();
    await vs.page.mouse.move(...at(0.75, 0.22), { steps: 12 });
    await vs.page.mouse.move(...at(0.45, 0.82), { steps: 16 });
    await vs.page.mouse.up();
    await waitUntil('the drawing\'s probabilities', async () => (await panel().locator('[data-testid=tryit-probs] [data-testid=prob]').count()) === 10, 30_000);
    await panel().locator('[data-testid=inside-show]').click();
    await waitUntil('C3\'s maps', async () => (await mapSizes('C3')).length === 16, 30_000);
    assert.deepEqual(await mapSizes('C1'), new Array(6).fill('28x28'));
    assert.deepEqual(await mapSizes('C3'), new Array(16).fill('10x10'));
    assert.match(await text('inside-status'), /^The try-it drawing · 8 layers/);
    await panel().locator('[data-testid=inside-layer][data-name=C1]').scrollIntoViewIfNeeded();
    await vs.screenshot('inside-drawing');
  });

  flow('a misclassified card\'s "See inside" shows that test image\'s maps', { timeout: 120_000 }, async () => {
    await vs.runCommand(commandTitle('lenet.evaluate')!);
    const cells = panel().locator('[data-testid=confusion-cell]');
    const counts = await waitUntil('the confusion matrix', async () => {
      const c = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      return c.length === 100 ? c : undefined;
    }, 90_000);
    let worst = -1;
    counts.forEach((n, i) => {
      if (Math.floor(i / 10) !== i % 10 && (worst < 0 || n > counts[worst])) worst = i;
    });
    await cells.nth(worst).click();
    const card = panel().locator('[data-testid=misclassified] figure').first();
    await card.waitFor({ timeout: 10_000 });
    const index = await card.getAttribute('data-index');
    await card.locator('[data-testid=see-inside]').click();
    await waitUntil(`test image ${index} inside`, async () => new RegExp(`^Test image ${index} of mnist-sample`).test(await text('inside-status')), 30_000);
    assert.deepEqual(await mapSizes('C1'), new Array(6).fill('28x28'));
    await vs.screenshot('inside-misclassified');

    // Details on demand: Enter on C3's first map opens it large; a pixel moved by arrow keys shows
    // its 14x14 receptive field over the input and the 6 tiles of the filter that made the channel.
    const c3map = panel().locator('[data-testid=inside-layer][data-name=C3] [data-testid=inside-map][data-channel="0"]');
    await c3map.focus();
    await vs.page.keyboard.press('Enter');
    await panel().locator('[data-testid=inside-detail]:not(.hidden)').waitFor({ timeout: 10_000 });
    await vs.page.keyboard.press('ArrowUp');
    await vs.page.keyboard.press('ArrowLeft');
    await waitUntil('the field of C3 pixel (4, 4)', async () => /rows 6–19, columns 6–19 \(14×14\)/.test(await text('inside-detail-value')), 5_000);
    assert.equal(await panel().locator('[data-testid=inside-detail-kernel]').getAttribute('data-tiles'), '6x1');
    await vs.screenshot('inside-detail');
    await vs.page.keyboard.press('Escape');
    await panel().locator('[data-testid=inside-detail].hidden').waitFor({ state: 'attached', timeout: 10_000 });
  });

  flow('a layer\'s name opens its source line; the hover\'s "Show activations" brings the layer into view', { timeout: 90_000 }, async () => {
    await panel().locator('[data-testid=inside-layer][data-name=C3] [data-testid=inside-source]').click();
    // The editor shows lenet_seed.py with the cursor on C3's line (68).
    await waitUntil('the cursor on line 68', async () => {
      const s = await vs.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText().catch(() => '');
      return /Ln 68,/.test(s);
    }, 20_000);
    assert.ok(await vs.lineVisible('Conv2D(16, kernel_size'), 'C3\'s line is on screen');
    await vs.screenshot('inside-source-line');

    const hover = await vs.hoverWord('Conv2D(16', /Show activations/);
    assert.match(hover, /\(None, 10, 10, 16\)/);
    await vs.page.locator('.monaco-hover a', { hasText: 'Show activations' }).first().click();
    await waitUntil('C3 brought into view in the panel', async () => (await panel().locator('[data-testid=inside-layer][data-name=C3].wanted').count()) === 1, 20_000);
    await vs.screenshot('inside-show-activations');
  });

  flow('over training: the epoch scrubber replays the run\'s probe images; dark, light and high contrast', { timeout: 120_000 }, async () => {
    await panel().locator('[data-testid=inside-training]').click();
    await waitUntil('the scrubber', async () => (await panel().locator('[data-testid=inside-scrubber]:not(.hidden)').count()) === 1, 20_000);
    assert.equal(await panel().locator('[data-testid=inside-epoch]').getAttribute('max'), String(QUICK_SAMPLE_RUN.epochs), 'epoch 0 and every epoch of the short run');
    assert.equal(await panel().locator('[data-testid=inside-probe]').count(), 3);
    await panel().locator('[data-testid=inside-epoch]').fill('0');
    await waitUntil('the initial weights', async () => /^initial weights/.test(await text('inside-epoch-label')), 5_000);
    await panel().locator('[data-testid=inside-play]').click();
    await waitUntil('played to the last epoch', async () => new RegExp(`^epoch ${QUICK_SAMPLE_RUN.epochs} `).test(await text('inside-epoch-label')), 15_000);
    for (const [theme, bodyClass] of [['Default Dark Modern', 'vscode-dark'], ['Default Light Modern', 'vscode-light'], ['Default High Contrast', 'vscode-high-contrast']]) {
      vs.writeWorkspaceSettings({ ...QUICK, 'workbench.colorTheme': theme });
      await waitUntil(`the panel in "${theme}"`, async () => (await panel().locator('body').getAttribute('class'))?.split(/\s+/).includes(bodyClass), 20_000);
      await sleep(500);
      await panel().locator('[data-testid=inside-layer][data-name=C1]').scrollIntoViewIfNeeded();
      await vs.screenshot(`inside-${bodyClass}`);
    }
    vs.writeWorkspaceSettings(QUICK);
  });
});
