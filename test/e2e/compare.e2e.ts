// Compare runs in a real VS Code (code-server 4.96.4 + Debian chromium): two quick runs that differ
// only in their learning rate, ticked in the panel's Runs table, overlaid with a legend entry each
// and a differences table that marks the learning rate; then looked at in VS Code's dark, high
// contrast and light themes, with the "done" pill's contrast measured in each.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, sleep, waitUntil } from './harness';
import { commandTitle, extensionId, missingParts } from './landed';
import { CONTRAST_RATIO, entry, flowTest, inEachTheme, QUICK, vsix } from './suite';

describe('Compare runs in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();

  before(async () => {
    vs = await VSCodeSession.start({ entry, vsix, fixture: join(__dirname, 'fixtures', 'workspace'), workspaceSettings: QUICK, artifacts });
  });

  after(async () => {
    await vs?.close();
    console.log(`# compare e2e screenshots and logs: ${artifacts}`);
  });

  const flow = flowTest(() => vs, 'compare-');
  const panel = () => vs.webviewFrame(extensionId());
  const text = async (testid: string) => (await panel().locator(`[data-testid=${testid}]`).first().innerText()).trim();
  const runsDir = () => join(vs.workspace, '.lenet', 'runs');
  const runCount = () => { try { return readdirSync(runsDir()).length; } catch { return 0; } };

  flow('two runs with learning rates 0.01 and 0.05, ticked: overlay with two legend entries, the learning rate marked as differing', { timeout: 300_000 }, async () => {
    const why = missingParts({ commands: ['lenet.startTraining'], testIds: ['run-compare', 'compare-legend-item', 'compare-diff', 'compare-loss', 'compare-acc', 'status'] });
    assert.equal(why, undefined, `the extension lacks what this flow needs: ${why}`);
    for (const lr of [0.01, 0.05]) {
      vs.writeWorkspaceSettings({ ...QUICK, 'lenet.learningRate': lr });
      const before = runCount();
      await sleep(1_500); // let the file watcher deliver the new configuration
      await vs.runCommand(commandTitle('lenet.startTraining')!);
      await waitUntil(`run ${before + 1} done`, async () => runCount() > before && /done/i.test(await text('status').catch(() => '')), 150_000);
    }
    vs.writeWorkspaceSettings(QUICK);
    const rows = panel().locator('[data-testid=runs] tr[data-run]');
    await waitUntil('both runs listed', async () => (await rows.count()) === 2, 20_000);
    for (let i = 0; i < 2; i++) await rows.nth(i).locator('[data-testid=run-compare]').check();
    const items = panel().locator('[data-testid=compare-legend-item]');
    await waitUntil('two legend entries', async () => (await items.count()) === 2, 20_000);
    const labels = await items.allInnerTexts();
    assert.ok(labels.every((l) => /^sequential · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(l.trim())), `legend labels ${JSON.stringify(labels)}`);
    assert.notEqual(labels[0], labels[1]);
    for (const chart of ['compare-loss', 'compare-acc']) {
      assert.equal(await panel().locator(`[data-testid=${chart}]`).getAttribute('data-series'), '4', `${chart}: train and validation of both runs`);
      assert.ok(await panel().locator(`[data-testid=${chart}] canvas`).isVisible(), `${chart} is drawn`);
    }
    const lr = panel().locator('[data-testid=compare-diff] tr[data-field=learningRate]');
    assert.equal(await lr.getAttribute('data-differs'), 'true');
    assert.deepEqual((await lr.locator('td').allInnerTexts()).map((s) => s.trim()).sort(), ['0.01', '0.05']);
    const same = panel().locator('[data-testid=compare-diff] tr[data-field=optimizer]');
    assert.equal(await same.getAttribute('data-differs'), 'false', 'the optimizer is the same');
    await panel().locator('[data-testid=compare]').scrollIntoViewIfNeeded();
    await vs.screenshot('compare-overlay');
  });

  flow('themes: the comparison and the "done" pill in dark, high contrast and light', { timeout: 90_000 }, async () => {
    await inEachTheme(vs, panel, QUICK, async ({ theme, bodyClass }) => {
      await panel().locator('[data-testid=compare]').scrollIntoViewIfNeeded();
      await vs.screenshot(`compare-${bodyClass}`);
      const swatches = await panel().locator('[data-testid=compare-legend-item] .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).borderTopColor));
      assert.equal(new Set(swatches).size, 2, `${theme}: one colour per run (${swatches})`);
      await panel().locator('[data-testid=status]').scrollIntoViewIfNeeded();
      const pill = await panel().locator('[data-testid=status]').evaluate(CONTRAST_RATIO);
      console.log(`# "done" pill contrast in "${theme}": ${pill.toFixed(2)}:1`);
      assert.ok(pill >= 4.5, `"done" pill in "${theme}" is ${pill.toFixed(2)}:1 (WCAG AA needs 4.5:1)`);
    });
  });
});
