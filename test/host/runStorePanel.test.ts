// The run store behind the panel, with the real worker and real run folders: the selected run and
// its header, the finish notification, the .gitignore offer, the model file's optimizer, each Runs
// row action (evaluate, rename, reveal, resume, delete), and a window reload mid-run (the run is
// interrupted, every epoch of its folder listed, Resume offered). Needs `npm run build`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LONG_SETTINGS, QUICK_SETTINGS, startHost, workerBuilt } from './hostHarness';
import { QUICK_SAMPLE_RUN } from '../shared/learningFloors';
import { LENET5 } from '../../src/model/lenet';
import { pidAlive } from '../../src/shared/pid';
import type { CommandBody } from '../../src/client/workerClient';
import type { TrainConfig } from '../../src/shared/protocol';

const h = startHost('lenet-store-panel-');
const { fake } = h;
const runsDir = join(h.ws, '.lenet', 'runs');
const runNames = () => (existsSync(runsDir) ? readdirSync(runsDir).sort() : []);
const metricsRows = (dir: string) => readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n').length - 1;

after(async () => {
  await h.close();
});

test('the run store behind the panel, with the real worker', { skip: workerBuilt ? false : 'dist/worker.js missing: run npm run build', timeout: 600_000 }, async (t) => {
  let c = h.activate();

  await t.test('a finished run: selected, named in the header, a notification with Evaluate / Open Run; .gitignore offered once', async () => {
    fake.state.settings = { ...QUICK_SETTINGS };
    fake.answers.info.push('Add to .gitignore');
    assert.equal(await h.run('lenet.startTraining'), true);
    const done = await h.settled('done');
    assert.equal(done.run?.runDir, done.runDir);
    assert.equal(done.run?.status, 'done');
    assert.match(done.run!.label, /^sequential · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(done.run?.model && { layers: done.run.model.layers, params: done.run.model.params, optimizer: done.run.model.optimizer }, { layers: LENET5.layers.length, params: 61706, optimizer: 'sgd' });
    assert.equal(done.run?.best?.val_acc, Math.max(...done.history.map((r) => r.val_acc)));
    assert.equal(done.backend?.name, 'wasm');
    const note = await h.until('the finish notification', 5_000, () => fake.shown.find((s) => /^LeNet: run .+ finished: val_accuracy \d\.\d{4} after 2 epochs\.$/.test(s.message)));
    assert.deepEqual(note.items, ['Evaluate', 'Open Run']);
    assert.equal(readFileSync(join(h.ws, '.gitignore'), 'utf8'), '.lenet/\n');
    assert.equal(fake.shown.filter((s) => /\.gitignore/.test(s.message)).length, 1);
  });

  await t.test('the model file\'s compile() optimizer is used and said; the backend stays in the header for the next run', async () => {
    fake.state.settings = { ...QUICK_SETTINGS, 'lenet.epochs': 1 };
    assert.equal(await h.run('lenet.startTraining', { model: LENET5, source: 'file:///w/lenet.ts', compiled: { optimizer: 'adam', written: 'adam' } }), true);
    await h.until('the header during the run', 60_000, () => c.snapshot.status === 'training' && c.snapshot.backend?.name === 'wasm' && c.snapshot.notice);
    assert.equal(c.snapshot.notice, "Optimizer adam from the model file's compile() (the setting lenet.optimizer says sgd).");
    const done = await h.settled('done');
    assert.equal(JSON.parse(readFileSync(join(done.runDir!, 'config.json'), 'utf8')).optimizer, 'adam');
    assert.equal(done.run?.model?.optimizer, 'adam');
    assert.equal(done.run?.model?.source, 'lenet.ts');
    assert.equal(fake.shown.filter((s) => /\.gitignore/.test(s.message)).length, 1, 'offered once per workspace');
  });

  await t.test('Runs row actions: evaluate an older run (selected, try-it names it), rename, reveal', async () => {
    const [oldest] = runNames();
    const dir = join(runsDir, oldest);
    h.panel().send({ type: 'ready' });
    h.panel().send({ type: 'runAction', action: 'evaluate', runDir: dir });
    const ev = await h.until('the older run evaluated', 60_000, () => (c.snapshot.evaluation?.modelDir === dir && c.snapshot.status !== 'evaluating' ? c.snapshot : undefined));
    assert.equal(ev.run?.runDir, dir, 'the evaluated run is the one shown');
    assert.equal(ev.answering, ev.run?.label, 'try-it answers with it');
    assert.equal(ev.viewingRun, dir);
    assert.ok(Math.abs(ev.evaluation!.acc - ev.history.at(-1)!.val_acc) < 1e-6);

    fake.inputBoxes.push('baseline sgd', 'the seed settings');
    h.panel().send({ type: 'runAction', action: 'rename', runDir: dir });
    await h.until('the new label', 5_000, () => c.snapshot.runs.find((r) => r.runDir === dir)?.label === 'baseline sgd');
    assert.equal(c.snapshot.runs.find((r) => r.runDir === dir)?.notes, 'the seed settings');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'label.json'), 'utf8')), { label: 'baseline sgd', notes: 'the seed settings' });
    assert.equal(c.snapshot.run?.label, 'baseline sgd', 'the header follows');

    // A run's best/ is evaluated as that run (the best epoch's model).
    assert.equal(await h.run('lenet.evaluate', join(dir, 'best')), true);
    const best = await h.until('best/ evaluated', 60_000, () => (c.snapshot.evaluation?.modelDir === join(dir, 'best') && c.snapshot.status !== 'evaluating' ? c.snapshot : undefined));
    assert.equal(best.run?.runDir, dir);
    assert.ok(Math.abs(best.evaluation!.acc - best.run!.best!.val_acc) < 1e-6, "best/'s accuracy is the best epoch's val_accuracy");

    // The worker dies while idle: said once, and the finished run it served stays done.
    const errors = fake.shown.filter((s) => s.kind === 'error').length;
    process.kill(h.worker()!.pid!, 'SIGKILL');
    await h.until('the crash notification', 10_000, () => fake.shown.filter((s) => s.kind === 'error').length > errors);
    assert.equal(c.snapshot.status, 'done', 'an idle worker crash is not the run failing');
    assert.equal(c.snapshot.run?.status, 'done');

    h.panel().send({ type: 'runAction', action: 'reveal', runDir: dir });
    await h.until('revealFileInOS', 2_000, () => fake.builtins.find((b) => b.id === 'revealFileInOS'));
    assert.equal((fake.builtins.at(-1)!.args[0] as { fsPath: string }).fsPath, dir);
  });

  await t.test('Resume from a row: the train command continues that folder (resumeFrom), with its own settings', async () => {
    fake.state.settings = { ...LONG_SETTINGS };
    assert.equal(await h.run('lenet.startTraining'), true);
    await h.training();
    await h.run('lenet.stopTraining');
    const stopped = await h.settled('stopped');
    assert.equal(stopped.run?.status, 'stopped');
    const w = h.worker()!;
    const sent: CommandBody[] = [];
    const send = w.send.bind(w);
    (w as { send: typeof w.send }).send = (cmd) => {
      sent.push(cmd);
      return send(cmd);
    };
    fake.state.settings = { ...QUICK_SETTINGS };
    h.panel().send({ type: 'runAction', action: 'resume', runDir: stopped.runDir! });
    const train = await h.until('the train command', 5_000, () => sent.find((m) => m.type === 'train')) as { config: TrainConfig };
    assert.equal(train.config.resumeFrom, stopped.runDir);
    assert.equal(train.config.epochs, 50, "the run's own total, not the settings'");
    assert.equal(train.config.limit, 0, "the run's own settings");
    assert.equal(train.config.outDir, runsDir);
    await h.run('lenet.stopTraining');
    await h.until('the resumed run over', 60_000, () => !c.isRunActive());
  });

  await t.test('Delete: confirmed, the folder goes to the trash and leaves the list; never the run that trains', async () => {
    const [oldest] = runNames();
    const dir = join(runsDir, oldest);
    fake.answers.warning.push('Move to Trash');
    h.panel().send({ type: 'runAction', action: 'delete', runDir: dir });
    await h.until('the folder in the trash', 5_000, () => fake.trashed.includes(dir));
    assert.equal(existsSync(dir), false);
    const ask = fake.shown.find((s) => /move run baseline sgd .* to the trash\?/.test(s.message))!;
    assert.deepEqual(ask.items, ['Move to Trash']);
    assert.equal(ask.modal, true, 'a modal confirmation');
    await h.until('the list without it', 2_000, () => !c.snapshot.runs.some((r) => r.runDir === dir));
    assert.notEqual(c.snapshot.run?.runDir, dir, 'the panel no longer shows it');
  });

  await t.test('a window reload mid-run: the run is interrupted, every epoch of its folder listed, Resume offered', async () => {
    fake.state.settings = { ...QUICK_SETTINGS, 'lenet.epochs': 30 };
    assert.equal(await h.run('lenet.startTraining'), true);
    const runDir = await h.until('the run folder', 60_000, () => c.snapshot.runDir);
    await h.until('two epochs in metrics.csv', 120_000, () => existsSync(join(runDir, 'metrics.csv')) && metricsRows(runDir) >= 2);
    const pid = h.worker()!.pid!;
    await h.deactivate();
    const n = metricsRows(runDir);
    await h.until('the worker ended with the window', 5_000, () => !pidAlive(pid));
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'interrupted');
    assert.equal(summary.reason, 'the window was reloaded or closed during training');

    c = h.activate();
    const restored = await fake.restorePanel('lenetLab.training', {});
    restored.send({ type: 'ready' });
    const state = h.lastState(restored);
    assert.equal(state.status, 'interrupted');
    assert.equal(state.run?.runDir, runDir);
    assert.equal(state.run?.status, 'interrupted');
    assert.equal(state.history.length, n, `every epoch of metrics.csv (${n}), not the last saved snapshot's`);
    assert.deepEqual(state.history.map((r) => r.epoch), Array.from({ length: n }, (_, i) => i + 1));
    assert.ok(state.history.every((r) => r.seconds > 0), "each epoch with the run's own time (times.csv)");
    assert.match(fake.statusItem.text, new RegExp(`^\\$\\(warning\\) LeNet interrupted · ${n}/30`));
    assert.equal(c.isRunActive(), false, 'nothing is live after the reload');
    assert.equal(QUICK_SAMPLE_RUN.dataset, state.run?.dataset);
  });

  await t.test('the fake VS Code was only asked for what it models', () => {
    assert.deepEqual(fake.violations, []);
  });
});
