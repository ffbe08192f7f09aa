// The run lifecycle in a real VS Code (code-server 4.96.4 + Debian chromium), driven like a user:
// Stop and Start New when the run ended while the question was open, Cancel on the progress
// notification, closing and reopening the panel mid-run (with the evaluate-while-training refusal),
// Stop and Start New with a worker that does not stop (killed after 15 s), Evaluate Model from a
// Past Run..., a past run evaluated from its Runs row (header and try-it name it), the worker
// killed during an evaluation, a reload mid-run (interrupted, every epoch, Resume offered and completing the run), and
// tfjs never loaded in the extension host.
// Run through `npm run test:e2e` (test/e2e/run.mjs), which packages the .vsix and installs
// code-server first. The paths behind these (and a crash during prediction) are also covered
// against the real worker by test/host/lifecycle.test.ts.
import { kerasNumber } from '../../src/shared/kerasLog';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { VSCodeSession, artifactsDir, since, sleep, waitUntil } from './harness';
import { entry, flowTest, QUICK, vsix } from './suite';
import { QUICK_SAMPLE_RUN, QUICK_SAMPLE_VAL_ACC_FLOOR } from '../shared/learningFloors';

const EXTENSION_ID = 'lenet-lab.lenet-lab';
const LONG = { ...QUICK, 'lenet.epochs': 50 };

/**
 * Preloaded (NODE_OPTIONS --require) into every Node process code-server starts: the extension
 * host and the training worker write, every 250 ms, whether tfjs is loaded in them (tfjs-core
 * registers globalThis._tfengine; bundled or not, it is there once tfjs runs).
 */
const PROBE = `
const { writeFileSync } = require('node:fs');
const out = process.env.LENET_E2E_PROBE_DIR;
const role = process.argv.includes('--type=extensionHost') ? 'extensionHost'
  : /[\\\\/]dist[\\\\/]worker\\.js$/.test(process.argv[1] || '') ? 'worker' : undefined;
if (out && role) {
  const write = () => {
    try {
      writeFileSync(out + '/' + role + '-' + process.pid + '.json',
        JSON.stringify({ role, pid: process.pid, tfjs: globalThis._tfengine !== undefined, modules: Object.keys(require.cache).filter((k) => k.includes('@tensorflow')) }));
    } catch {}
  };
  write();
  setInterval(write, 250).unref();
}
`;

describe('LeNet Lab run lifecycle in a real VS Code (code-server 4.96.4)', () => {
  let vs: VSCodeSession;
  const artifacts = artifactsDir();
  const probeDir = join(artifacts, 'probe');
  const timings: Record<string, number> = {};

  before(async () => {
    mkdirSync(probeDir, { recursive: true });
    const probe = join(artifacts, 'probe.cjs');
    writeFileSync(probe, PROBE);
    vs = await VSCodeSession.start({
      entry,
      vsix,
      fixture: join(__dirname, 'fixtures', 'workspace'),
      workspaceSettings: QUICK,
      artifacts,
      env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(), LENET_E2E_PROBE_DIR: probeDir },
    });
  });

  after(async () => {
    await vs?.close();
    console.log(`# lifecycle e2e timings (ms, 2 shared cores: noisy): ${JSON.stringify(timings)}`);
    console.log(`# lifecycle e2e screenshots and logs: ${artifacts}`);
  });

  /** A test that leaves a screenshot of the screen it failed on. */
  const flow = flowTest(() => vs);

  const panel = () => vs.webviewFrame(EXTENSION_ID);
  const text = async (testid: string) => (await panel().locator(`[data-testid=${testid}]`).first().innerText()).trim();
  const status = () => text('status').catch(() => '');
  const runsDir = () => join(vs.workspace, '.lenet', 'runs');
  const runNames = () => (existsSync(runsDir()) ? readdirSync(runsDir()).filter((n) => /^\d{8}-\d{6}/.test(n)).sort() : []);
  const summary = (name: string) => JSON.parse(readFileSync(join(runsDir(), name, 'summary.json'), 'utf8')) as { stopped: boolean; epochsCompleted: number };
  const lastValAcc = (name: string) => {
    const rows = readFileSync(join(runsDir(), name, 'metrics.csv'), 'utf8').trim().split('\n');
    const col = rows[0].split(',').indexOf('val_accuracy');
    return Number(rows.at(-1)!.split(',')[col]);
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const setSettings = async (s: Record<string, unknown>) => {
    vs.writeWorkspaceSettings(s);
    await sleep(1_500); // let the file watcher deliver the new configuration
  };

  flow('Stop and Start New after the run ended while the question was open: the new run starts at once', { timeout: 180_000 }, async () => {
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('the first run training', async () => /train/i.test(await status()), 60_000);
    await vs.runCommand('LeNet: Start Training');
    const question = vs.notification('A training run is active.');
    await question.first().waitFor({ timeout: 10_000 });
    await vs.screenshot('question-open');
    // The user looks away; the run ends meanwhile.
    await waitUntil('the first run done', async () => /done/i.test(await status()), 90_000);
    assert.equal(runNames().length, 1);
    const first = runNames()[0];
    const t0 = performance.now();
    await vs.clickNotificationButton('A training run is active.', 'Stop and Start New');
    await waitUntil('a second run folder', async () => runNames().length === 2, 10_000, 100);
    timings.answerToNewRunMs = since(t0);
    assert.ok(timings.answerToNewRunMs < 5_000, `the new run started ${timings.answerToNewRunMs} ms after the answer (nothing was left to stop)`);
    assert.equal(await vs.notification('no training run is active').count(), 0, 'no "no training run is active" for a stop nobody asked for');
    await waitUntil('the second run done', async () => /done/i.test(await status()) && existsSync(join(runsDir(), runNames()[1], 'summary.json')), 90_000);
    await vs.screenshot('second-run-done');
    const second = runNames()[1];
    assert.equal(summary(first).stopped, false, 'the first run ended on its own');
    assert.equal(summary(second).stopped, false);
    assert.equal(summary(second).epochsCompleted, QUICK_SAMPLE_RUN.epochs);
    assert.ok(lastValAcc(second) >= QUICK_SAMPLE_VAL_ACC_FLOOR, `val_accuracy ${lastValAcc(second)} under the floor ${QUICK_SAMPLE_VAL_ACC_FLOOR}`);
    assert.equal(runNames().length, 2, 'no third run started later by a stale stop-and-wait');
  });

  flow('a past run evaluated from its Runs row: that run (not the newest) is evaluated, selected, and named by the header and the try-it pad', { timeout: 120_000 }, async () => {
    const [oldest, newest] = runNames();
    assert.ok(oldest && newest && oldest !== newest, `two finished runs: ${runNames()}`);
    const row = panel().locator(`[data-testid=runs] tr[data-run$="${oldest}"]`);
    await row.waitFor({ timeout: 10_000 });
    const label = (await row.locator('th').innerText()).trim();
    assert.match(label, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'the default label ends with the start time');
    assert.equal((await row.locator('[data-testid=run-status]').innerText()).trim(), 'done');
    // The finished runs' notifications would cover the row's buttons.
    await vs.runCommand('Notifications: Clear All Notifications');
    await row.locator('[data-testid=run-evaluate]').click();
    const expected = kerasNumber(lastValAcc(oldest));
    const toast = vs.notification(/^Test accuracy/);
    await toast.first().waitFor({ timeout: 60_000 });
    const note = (await toast.first().innerText()).trim();
    assert.ok(note.includes(`Test accuracy ${expected} on mnist-sample (2,000 images) · ${label}`), `the oldest run (val_accuracy ${expected}) evaluated and named: ${note}`);
    await waitUntil('the header naming the evaluated run', async () => (await text('run-identity')).startsWith(`Run ${label}`), 10_000);
    assert.match(await text('run-identity'), /61,706 params/);
    await waitUntil('the try-it pad naming it', async () => (await text('tryit-model')) === `Answers with: ${label}`, 10_000);
    const counts = await panel().locator('[data-testid=confusion-cell]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    assert.equal(counts.reduce((a, b) => a + b, 0), 2000);
    await panel().locator('[data-testid=tryit-model]').scrollIntoViewIfNeeded();
    await vs.screenshot('row-evaluated-tryit-names-run');
    await panel().locator('[data-testid=btn-live]').click().catch(() => undefined);
  });

  flow('Cancel on the progress notification stops the run within 2 s', { timeout: 120_000 }, async () => {
    await setSettings(LONG);
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('a 50-epoch run training', async () => /\/\s*50/.test(await text('epoch').catch(() => '')) && /train/i.test(await status()), 60_000);
    const progress = vs.notification(/LeNet: training/);
    await progress.first().waitFor({ timeout: 10_000 });
    await vs.screenshot('progress-notification');
    const t0 = performance.now();
    await vs.clickNotificationButton(/LeNet: training/, 'Cancel');
    await waitUntil('status "stopped"', async () => /stopped/i.test(await status()), 10_000, 50);
    timings.cancelToStoppedMs = since(t0);
    assert.ok(timings.cancelToStoppedMs <= 2_000, `stopped ${timings.cancelToStoppedMs} ms after Cancel (limit 2,000 ms)`);
    await waitUntil('the stopped run\'s summary', async () => existsSync(join(runsDir(), runNames().at(-1)!, 'summary.json')), 10_000);
    assert.equal(summary(runNames().at(-1)!).stopped, true);
    await waitUntil('the progress notification gone', async () => (await progress.count()) === 0, 10_000);
  });

  flow('closing the panel mid-run: the run goes on; reopened, the panel shows it and follows it; Evaluate is refused meanwhile', { timeout: 120_000 }, async () => {
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('a new 50-epoch run training', async () => /train/i.test(await status()) && /\/\s*50/.test(await text('epoch').catch(() => '')), 60_000);
    const runsBefore = runNames().length;
    await vs.closeTab('LeNet Lab');
    await vs.screenshot('panel-closed');
    const statusItem = vs.page.locator('.statusbar-item', { hasText: /LeNet \d+\/50/ });
    await statusItem.first().waitFor({ timeout: 10_000 });
    await sleep(2_000);
    // Refused while training, with the reason.
    await vs.runCommand('LeNet: Evaluate Model');
    await vs.notification('stop the training run before evaluating').first().waitFor({ timeout: 10_000 });
    await vs.runCommand('LeNet: Show Training Panel');
    await waitUntil('the reopened panel showing the training run', async () => /train/i.test(await status()) && /\/\s*50/.test(await text('epoch')), 20_000);
    const points = async () => Number(await panel().locator('[data-testid=chart-loss]').first().getAttribute('data-points'));
    const p0 = await points();
    await waitUntil('the reopened panel receiving batches', async () => (await points()) > p0, 20_000);
    await vs.screenshot('panel-reopened');
    assert.equal(runNames().length, runsBefore, 'the same run, not a new one');
    await vs.runCommand('LeNet: Stop Training');
    await waitUntil('status "stopped"', async () => /stopped/i.test(await status()), 10_000);
  });

  /** The pid of the live training worker (from the probe's reports). */
  const workerPid = () => {
    const pids = readdirSync(probeDir).filter((f) => f.startsWith('worker-')).map((f) => Number(/(\d+)/.exec(f)![1])).filter(alive);
    assert.equal(pids.length, 1, `one live worker: ${pids}`);
    return pids[0];
  };

  flow('Stop and Start New with a worker that does not stop: it is killed after 15 s and the new run starts', { timeout: 150_000 }, async () => {
    await setSettings(LONG);
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('a 50-epoch run training', async () => /train/i.test(await status()) && /\/\s*50/.test(await text('epoch').catch(() => '')), 60_000);
    const stuck = workerPid();
    const before = runNames().length;
    process.kill(stuck, 'SIGSTOP'); // it can no longer read the stop request
    try {
      await setSettings(QUICK);
      await vs.runCommand('LeNet: Start Training');
      const t0 = performance.now();
      await vs.clickNotificationButton('A training run is active.', 'Stop and Start New');
      await waitUntil('the stuck worker killed', async () => !alive(stuck), 30_000, 100);
      timings.answerToKillMs = since(t0);
      assert.ok(timings.answerToKillMs >= 14_000, `killed ${timings.answerToKillMs} ms after the answer: it had 15 s to stop`);
      await waitUntil('the new run\'s folder', async () => runNames().length === before + 1, 30_000);
      await waitUntil('the new run done', async () => /done/i.test(await status()) && existsSync(join(runsDir(), runNames().at(-1)!, 'summary.json')), 90_000);
      assert.equal(summary(runNames().at(-1)!).epochsCompleted, QUICK_SAMPLE_RUN.epochs);
      assert.equal(await vs.notification(/training worker/).count(), 0, 'killing it on purpose is not reported as a crash');
    } finally {
      if (alive(stuck)) process.kill(stuck, 'SIGKILL');
    }
  });

  flow('"Evaluate Model from a Past Run...": the picked older run is evaluated, with the accuracy its metrics recorded', { timeout: 120_000 }, async () => {
    await setSettings(QUICK);
    const oldest = runNames()[0];
    await waitUntil('the summary of the stopped run', async () => existsSync(join(runsDir(), runNames().at(-1)!, 'summary.json')), 10_000);
    const t0 = performance.now();
    await vs.runCommand('LeNet: Evaluate Model from a Past Run...');
    const labels = await vs.pickQuickInput(oldest);
    await vs.screenshot('past-run-pick');
    // (Each row's detail line, the run folder's path, is a label-name element too.)
    assert.deepEqual(labels.filter((l) => /^\d{8}-\d{6}(-\d+)?$/.test(l)), runNames().filter((n) => existsSync(join(runsDir(), n, 'model.json'))).reverse(), 'the runs with a model, newest first');
    const expected = lastValAcc(oldest).toFixed(4);
    await vs.notification(/^Test accuracy/).first().waitFor({ timeout: 60_000 });
    timings.pickToEvaluationMs = since(t0);
    const note = (await vs.notification(/^Test accuracy/).first().innerText()).trim();
    assert.match(note, new RegExp(`Test accuracy ${expected.replace('.', '\\.')} on mnist-sample \\(2,000 images\\)`), `the oldest run's val_accuracy was ${expected}`);
    const counts = await panel().locator('[data-testid=confusion-cell]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    assert.equal(counts.reduce((a, b) => a + b, 0), 2000);
    await vs.screenshot('past-run-evaluated');
  });

  flow('the worker is killed during an evaluation: a clear error, nothing hangs, the next evaluation works', { timeout: 120_000 }, async () => {
    // The idle worker (it evaluated the past run) is held still before the request, so the kill
    // lands while the evaluation is open: 2,000 images can be evaluated faster than a poll.
    const pid = workerPid();
    process.kill(pid, 'SIGSTOP');
    await vs.runCommand('LeNet: Evaluate Model');
    await waitUntil('status "evaluating"', async () => /evaluat/i.test(await status()), 20_000, 50);
    process.kill(pid, 'SIGKILL');
    await vs.notification('LeNet: the training worker was killed by SIGKILL.').first().waitFor({ timeout: 15_000 });
    // The evaluation failed, not the run: the header keeps the run's outcome and says what failed.
    await waitUntil('the failure in the header', async () => /^The evaluation of .+ failed: the training worker was killed by SIGKILL$/.test(await text('message')), 10_000);
    assert.match(await status(), /done|stopped/);
    await vs.screenshot('evaluation-crashed');
    await vs.runCommand('LeNet: Evaluate Model');
    // The new evaluation's result (the failed one left none): its confusion counts, status back to the run's outcome.
    const total = async () => (await panel().locator('[data-testid=confusion-cell]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
    // The message says "failed" until the new evaluation starts, "Evaluating ..." while it runs.
    await waitUntil('the evaluation done (status back to the run outcome)', async () => !/failed|Evaluating/.test(await text('message')) && /done|stopped/i.test(await status()) && (await total()) === 2000, 60_000);
    assert.ok(await panel().locator('[data-testid=confusion-cell]').first().isVisible(), 'the new result is shown');
  });

  flow('reload mid-run: the panel lists every epoch the run folder holds, says interrupted and offers Resume, which completes the run', { timeout: 420_000 }, async () => {
    await setSettings({ ...QUICK, 'lenet.epochs': 20 });
    await waitUntil('nothing evaluating', async () => !/evaluat/i.test(await status()), 60_000);
    const before = runNames().length;
    await vs.runCommand('LeNet: Start Training');
    await waitUntil('the new run folder', async () => runNames().length === before + 1, 60_000);
    const name = runNames().at(-1)!;
    const epochsInFolder = () => readFileSync(join(runsDir(), name, 'metrics.csv'), 'utf8').trim().split('\n').length - 1;
    await waitUntil('two epochs in metrics.csv', async () => existsSync(join(runsDir(), name, 'metrics.csv')) && epochsInFolder() >= 2, 90_000, 100);
    await vs.reloadWindow();
    const n = epochsInFolder();
    await waitUntil('the restored panel saying interrupted', async () => /interrupted/i.test(await status()), 60_000);
    await waitUntil(`the restored panel listing the folder's ${n} epochs`, async () => (await panel().locator('[data-testid=val-acc-list] li').count()) === n, 20_000);
    assert.match(await text('epoch'), new RegExp(`${n}\\s*/\\s*20`));
    const resume = panel().locator('[data-testid=btn-resume]');
    assert.ok(await resume.isVisible(), 'Resume is offered in the header');
    const row = panel().locator(`[data-testid=runs] tr[data-run$="${name}"]`);
    assert.equal(await row.getAttribute('data-status'), 'interrupted');
    assert.ok(await row.locator('[data-testid=run-resume]').isVisible(), 'and in its Runs row');
    const statusItem = vs.page.locator('.statusbar-item', { hasText: /LeNet interrupted/ });
    await statusItem.first().waitFor({ timeout: 10_000 });
    assert.ok((await statusItem.first().innerText()).includes(`${n}/20`), 'the status bar says the same epochs');
    await vs.screenshot('reload-mid-run-interrupted');
    // Resume (the header's button) completes the run in its own folder, every epoch once.
    await resume.click();
    await waitUntil('the resumed run done', async () => /done/i.test(await status()), 240_000);
    await waitUntil('all 20 epochs listed', async () => (await panel().locator('[data-testid=val-acc-list] li').count()) === 20, 20_000);
    const csvEpochs = readFileSync(join(runsDir(), name, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.deepEqual(csvEpochs, Array.from({ length: 20 }, (_, i) => i), 'metrics.csv: every epoch once');
    assert.equal(runNames().length, before + 1, 'resumed in its folder: no new run folder');
    await vs.screenshot('reload-mid-run-resumed');
    await setSettings(QUICK);
  });

  flow('tfjs is never loaded in the extension host process (the worker, which trained, has it)', { timeout: 30_000 }, async () => {
    const probes = readdirSync(probeDir).map((f) => JSON.parse(readFileSync(join(probeDir, f), 'utf8')) as { role: string; pid: number; tfjs: boolean; modules: string[] });
    const hosts = probes.filter((p) => p.role === 'extensionHost');
    const workers = probes.filter((p) => p.role === 'worker');
    assert.ok(hosts.length >= 1, `the extension host reported (probes: ${JSON.stringify(probes)})`);
    assert.ok(workers.length >= 1 && workers.some((w) => w.tfjs), `positive control: a training worker reported tfjs loaded (probes: ${JSON.stringify(probes)})`);
    for (const h of hosts) {
      assert.equal(h.tfjs, false, `tfjs is loaded in the extension host (pid ${h.pid})`);
      assert.deepEqual(h.modules, []);
    }
    assert.ok(hosts.every((h) => workers.every((w) => w.pid !== h.pid)));
  });
});
