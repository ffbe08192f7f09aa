// Resuming a run in a real VS Code (code-server 4.96.4 + Debian chromium), driven like a user: a
// run stopped after its first epoch is continued with "LeNet: Resume Run..." in its own folder;
// the panel and metrics.csv then list every epoch once. Run through `npm run test:e2e`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, waitUntil } from './harness';
import { entry, flowTest, QUICK, vsix } from './suite';

const EXTENSION_ID = 'lenet-lab.lenet-lab';
/** The whole sample (8,000 images) over 6 epochs: long enough that a stop lands before the end. */
const EPOCHS = 6;
const SETTINGS = { ...QUICK, 'lenet.epochs': EPOCHS, 'lenet.dataLimit': 0 };

describe('LeNet Lab resume in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();

  before(async () => {
    vs = await VSCodeSession.start({ entry, vsix, fixture: join(__dirname, 'fixtures', 'workspace'), workspaceSettings: SETTINGS, artifacts });
  });

  after(async () => {
    await vs?.close();
    console.log(`# resume e2e screenshots and logs: ${artifacts}`);
  });

  const flow = flowTest(() => vs, 'resume-');
  const panel = () => vs.webviewFrame(EXTENSION_ID);
  const status = async () => (await panel().locator('[data-testid=status]').first().innerText().catch(() => '')).trim();
  const listed = () => panel().locator('[data-testid=val-acc-list] li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-epoch')))).catch(() => [] as number[]);
  const runsDir = () => join(vs.workspace, '.lenet', 'runs');
  const runNames = () => (existsSync(runsDir()) ? readdirSync(runsDir()).filter((n) => /^\d{8}-\d{6}/.test(n)).sort() : []);
  const csvEpochs = (name: string) => readFileSync(join(runsDir(), name, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));

  flow('a run stopped after its first epoch: "LeNet: Resume Run..." completes it in its folder; the panel and metrics.csv list every epoch once', { timeout: 300_000 }, async () => {
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('the first epoch listed', async () => (await listed()).length >= 1, 120_000, 100);
    await vs.runCommand('LeNet: Stop Training');
    assert.equal(runNames().length, 1);
    const run = runNames()[0];
    await waitUntil('the stopped run\'s summary', async () => existsSync(join(runsDir(), run, 'summary.json')), 30_000);
    const stopped = JSON.parse(readFileSync(join(runsDir(), run, 'summary.json'), 'utf8')) as { status: string; epochsCompleted: number };
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.epochsCompleted >= 1 && stopped.epochsCompleted < EPOCHS, `stopped after ${stopped.epochsCompleted} of ${EPOCHS} epochs`);
    await vs.screenshot('stopped');

    await vs.runCommand('LeNet: Resume Run...');
    const labels = await vs.pickQuickInput(run);
    assert.ok(labels.includes(run), `the stopped run is offered (${labels.join(', ')})`);
    await waitUntil('the resumed run training', async () => /train/i.test(await status()), 60_000, 100);
    // While it trains, the panel already lists the epochs the folder held.
    const early = await listed();
    assert.deepEqual(early.slice(0, stopped.epochsCompleted), Array.from({ length: stopped.epochsCompleted }, (_, i) => i + 1));
    await vs.screenshot('resumed-training');
    assert.equal(await panel().locator('[data-testid=viewing-banner]:not(.hidden)').count(), 0, 'the live run, not "Showing past run"');
    await waitUntil('the resumed run done', async () => /done/i.test(await status()), 240_000);
    await vs.screenshot('resumed-done');
    const all = Array.from({ length: EPOCHS }, (_, i) => i + 1);
    assert.deepEqual(await listed(), all, 'the panel lists every epoch once');
    assert.deepEqual(csvEpochs(run), all.map((e) => e - 1), 'metrics.csv: every epoch once');
    assert.deepEqual(runNames(), [run], 'no new run folder');
    const summary = JSON.parse(readFileSync(join(runsDir(), run, 'summary.json'), 'utf8')) as { status: string; epochsCompleted: number };
    assert.equal(summary.status, 'completed');
    assert.equal(summary.epochsCompleted, EPOCHS);
  });
});
