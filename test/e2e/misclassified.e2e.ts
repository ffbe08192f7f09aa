// The evaluation's misclassified images in a real VS Code (code-server 4.96.4 + Debian chromium),
// driven like a user: a run of one step (64 images, one batch) leaves the model predicting a few
// classes, so confusion cells hold about 200 test images each; clicking the largest shows all of
// them, 48 a page, through the Next button (keyboard after the first click).
// Run through `npm run test:e2e` (test/e2e/run.mjs), which packages the .vsix and installs
// code-server first and passes their paths in LENET_E2E_VSIX / LENET_E2E_ENTRY.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, waitUntil } from './harness';
import { commandTitle, extensionId, missingParts } from './landed';
import { entry, flowTest, QUICK, vsix } from './suite';

/** One training step: 64 images, batch 64, one epoch (on the bundled sample's 2,000 test images). */
const ONE_STEP = { ...QUICK, 'lenet.epochs': 1, 'lenet.dataLimit': 64, 'lenet.batchSize': 64 };

describe('Misclassified images in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();

  before(async () => {
    vs = await VSCodeSession.start({ entry, vsix, fixture: join(__dirname, 'fixtures', 'workspace'), workspaceSettings: ONE_STEP, artifacts, viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await vs?.close();
    console.log(`# misclassified e2e screenshots and logs: ${artifacts}`);
  });

  const flow = flowTest(() => vs, 'misclassified-');
  const panel = () => vs.webviewFrame(extensionId());
  const text = async (testid: string) => (await panel().locator(`[data-testid=${testid}]`).first().innerText()).trim();

  flow('a confusion cell with more than 100 errors shows them all across pages', { timeout: 240_000 }, async () => {
    const why = missingParts({ commands: ['lenet.startTraining', 'lenet.evaluate'], testIds: ['confusion-cell', 'misclassified', 'miss-page', 'miss-next', 'miss-prev', 'avg-macro', 'avg-weighted'] });
    assert.equal(why, undefined, `the extension lacks what this flow needs: ${why}`);
    await vs.runCommand(commandTitle('lenet.startTraining')!);
    await waitUntil('the one-step run is done', async () => /done/i.test(await text('status').catch(() => '')), 150_000);
    await vs.runCommand(commandTitle('lenet.evaluate')!);
    // Should several saved models be offered in a quick pick, take the first (the latest).
    const pick = vs.page.locator('.quick-input-widget .monaco-list-row').first();
    if (await pick.waitFor({ timeout: 1_500 }).then(() => true, () => false)) await vs.page.keyboard.press('Enter');
    const cells = panel().locator('[data-testid=confusion-cell]');
    const counts = await waitUntil('a 10x10 confusion matrix', async () => {
      const c = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      return c.length === 100 ? c : undefined;
    }, 90_000);
    assert.equal(counts.reduce((a, b) => a + b, 0), 2000);
    let worst = -1;
    counts.forEach((n, i) => {
      if (Math.floor(i / 10) !== i % 10 && (worst < 0 || n > counts[worst])) worst = i;
    });
    const total = counts[worst];
    // Asserted first: a cell of 100 or fewer would not show what paging is for.
    assert.ok(total > 100, `the largest error cell holds ${total} images; one step should leave cells of about 200`);
    const pages = Math.ceil(total / 48);

    await cells.nth(worst).click();
    const figures = panel().locator('[data-testid=misclassified] figure');
    const seen: number[] = [];
    for (let n = 0; n < pages; n++) {
      const first = 48 * n + 1;
      const last = Math.min(total, 48 * (n + 1));
      await waitUntil(`page ${n + 1} of ${pages}`, async () => (await text('miss-page')) === `${first}–${last} of ${total} · page ${n + 1} of ${pages}`, 15_000);
      // Each card's image came from the worker: drawn, and not blank.
      await waitUntil(`the images of page ${n + 1}`, async () => {
        const drawn = await figures.evaluateAll((els) => els.map((f) => f.querySelector('canvas')?.getAttribute('data-drawn') === 'true'));
        return drawn.length === last - first + 1 && drawn.every(Boolean);
      }, 30_000);
      const lit = await figures.first().locator('canvas').evaluate((c: HTMLCanvasElement) =>
        Array.from(c.getContext('2d')!.getImageData(0, 0, 28, 28).data).filter((v, i) => i % 4 === 0 && v > 128).length);
      assert.ok(lit > 20, `the first image of page ${n + 1} has ${lit} bright pixels`);
      seen.push(...await figures.evaluateAll((els) => els.map((f) => Number(f.getAttribute('data-index')))));
      if (n === 1) {
        await panel().locator('[data-testid=misclassified]').scrollIntoViewIfNeeded();
        await vs.screenshot('misclassified-page-2');
      }
      if (n < pages - 1) {
        const next = panel().locator('[data-testid=miss-next]');
        if (n === 0) await next.click();
        else {
          await next.focus();
          await vs.page.keyboard.press('Enter');
        }
      }
    }
    assert.equal(await panel().locator('[data-testid=miss-next]').getAttribute('disabled'), '', 'Next is disabled on the last page');
    assert.equal(seen.length, total, 'as many images as the cell counts');
    assert.equal(new Set(seen).size, total, 'each image once');
    assert.ok(seen.every((x, i) => i === 0 || x > seen[i - 1]), 'in test-set order');
    await panel().locator('[data-testid=per-class]').scrollIntoViewIfNeeded();
    assert.match(await text('avg-macro'), /^Macro avg\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}\s+2,000$/);
    assert.match(await text('avg-weighted'), /^Weighted avg\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}\s+2,000$/);
    await vs.screenshot('misclassified-last-page');
  });
});
