// The extension's controller driven in plain Node against the real training worker
// (dist/worker.js: real tfjs, real bundled MNIST sample, real run folders). VS Code's UI API is a
// recording stand-in (fakeVscode.ts) that throws on anything it does not model. Needs
// `npm run build` first (npm test does it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK_SETTINGS, root, startHost, workerBuilt, type Message } from './hostHarness';
import { QUICK_SAMPLE_RUN, QUICK_SAMPLE_VAL_ACC_FLOOR } from '../shared/learningFloors';
import { listRuns } from '../../src/host/runs';
import type { LenetController as Controller } from '../../src/host/controller';
import type { HostMessage, PanelState } from '../../src/shared/webviewProtocol';

const h = startHost('lenet-controller-');
const { fake, tmp, ws } = h;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LenetController } = require('../../src/host/controller') as typeof import('../../src/host/controller');

const quick = QUICK_SETTINGS;
let c: Controller;
const until = h.until;
const panel = h.panel;
const posted = (type: HostMessage['type']) => panel().posted.filter((m) => (m as HostMessage).type === type) as HostMessage[];

after(async () => {
  await h.close();
});

test('controller with the real worker', { skip: workerBuilt ? false : 'dist/worker.js missing: run npm run build', timeout: 240_000 }, async (t) => {
  c = h.activate();
  for (const id of ['lenet.startTraining', 'lenet.stopTraining', 'lenet.evaluate', 'lenet.evaluateRun', 'lenet.showPanel']) {
    assert.ok(fake.commands.has(id), `registers ${id}`);
  }
  assert.ok(c instanceof LenetController);
  assert.equal(fake.output.length, 0, 'activation creates no output, worker or status item');

  await t.test('invalid settings: one clear error, nothing started', async () => {
    fake.state.settings = { ...quick, 'lenet.epochs': 0, 'lenet.learningRate': 'abc' };
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), false);
    const err = fake.shown.at(-1)!;
    assert.equal(err.kind, 'error');
    assert.match(err.message, /2 invalid settings, training not started\. "lenet\.epochs" .* but it is 0\. "lenet\.learningRate" .* but it is "abc"\./);
    assert.equal(c.snapshot.status, 'idle');
    assert.equal(fake.panels.length, 0);
  });

  await t.test('a quick run: panel gets state then events, Keras lines, status bar, context key, run folder, it learns', async () => {
    fake.state.settings = { ...quick };
    const contextsSeen: unknown[] = [];
    const origExec = fake.vscode.commands.executeCommand;
    fake.vscode.commands.executeCommand = async (id: string, ...args: unknown[]) => {
      if (id === 'setContext') contextsSeen.push(args[1]);
      return origExec(id, ...args);
    };
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), true);
    assert.equal(fake.panels.length, 1, 'the panel was revealed');
    assert.equal(panel().viewType, 'lenetLab.training');
    const opts = panel().webview.options as { localResourceRoots: { fsPath: string }[]; enableScripts: boolean };
    assert.deepEqual(opts.localResourceRoots.map((u) => u.fsPath), [join(root, 'dist'), join(root, 'media')]);
    assert.match(panel().webview.html, /script-src 'nonce-[A-Za-z0-9+/=]{24}'/);
    panel().send({ type: 'ready' });
    const done = await until('done', 120_000, () => (c.snapshot.status === 'done' ? c.snapshot : undefined));
    assert.equal(done.history.length, QUICK_SAMPLE_RUN.epochs);
    const valAcc = done.history.at(-1)!.val_acc;
    assert.ok(valAcc >= QUICK_SAMPLE_VAL_ACC_FLOOR, `val_accuracy ${valAcc} after the quick sample run is under the floor ${QUICK_SAMPLE_VAL_ACC_FLOOR} (chance is 0.10)`);
    assert.equal(done.summary?.totalParams, 61706);
    assert.ok(done.runDir && existsSync(join(done.runDir, 'model.json')));
    assert.equal(readFileSync(join(done.runDir, 'metrics.csv'), 'utf8').trim().split('\n').length, 1 + QUICK_SAMPLE_RUN.epochs);
    // The webview got a full state on ready, then the stream of worker events.
    const types = panel().posted.map((m) => (m as HostMessage).type);
    const firstState = types.indexOf('state');
    assert.ok(firstState >= 0, `a state was posted: ${JSON.stringify(types.slice(0, 10))}`);
    assert.ok(firstState < types.indexOf('event'), `the state came before the first event: ${JSON.stringify(types.slice(0, 10))}`);
    const evs = posted('event').map((m) => (m as Extract<HostMessage, { type: 'event' }>).event.type);
    for (const e of ['dataset', 'summary', 'epochBegin', 'batchEnd', 'epochEnd', 'done']) assert.ok(evs.includes(e as never), `forwarded ${e}`);
    const log = fake.output.join('');
    assert.match(log, /Epoch 2\/2\n32\/32 \[=+\] - \d+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
    assert.match(log, /Total params: 61,706/);
    assert.match(log, /Backend: wasm/);
    await until('status bar', 2000, () => /^\$\(check\) LeNet 2\/2 · val \d\.\d{3}$/.test(fake.statusItem.text));
    assert.equal(fake.statusItem.command, 'lenet.showPanel');
    assert.deepEqual(contextsSeen, [true, false], 'lenet.trainingActive on, then off');
    assert.ok(fake.progress[0].cancellable && fake.progress[0].done, 'cancellable progress, finished');
    const saved = fake.memento.get('lenetLab.panelState') as PanelState;
    assert.equal(saved.status, 'done', 'state persisted for a window reload');
    fake.vscode.commands.executeCommand = origExec;
  });

  await t.test('hostile webview messages are dropped and logged, never acted on', async () => {
    const before = panel().posted.length;
    panel().send({ type: 'openRun', runDir: '/etc' });
    panel().send({ type: 'predict', id: 1, pixels: [1, 2, 3] });
    panel().send({ type: 'command', command: 'rm' });
    panel().send('ready');
    assert.equal(panel().posted.length, before, 'no reply to any of them');
    const drops = fake.output.join('').match(/\[panel\] dropped a message from the webview/g) ?? [];
    assert.equal(drops.length, 4);
    assert.match(fake.output.join(''), /openRun: "runDir" is not one of the listed runs/);
  });

  await t.test('runs: open a listed run, export its CSV, back to live', async () => {
    const runs = (posted('runs').at(-1) as Extract<HostMessage, { type: 'runs' }>).runs;
    assert.equal(runs.length, 1);
    panel().send({ type: 'openRun', runDir: runs[0].runDir });
    const view = (posted('state').at(-1) as Extract<HostMessage, { type: 'state' }>).state;
    assert.equal(view.viewingRun, runs[0].runDir);
    assert.equal(view.history.length, QUICK_SAMPLE_RUN.epochs);
    fake.state.saveDialog = join(tmp, 'export.csv');
    panel().send({ type: 'exportCsv', runDir: runs[0].runDir });
    await until('the exported file', 5000, () => existsSync(join(tmp, 'export.csv')));
    assert.equal(readFileSync(join(tmp, 'export.csv'), 'utf8'), readFileSync(join(runs[0].runDir, 'metrics.csv'), 'utf8'));
    panel().send({ type: 'showLive' });
    const live = (posted('state').at(-1) as Extract<HostMessage, { type: 'state' }>).state;
    assert.equal(live.viewingRun, undefined);
    assert.equal(live.status, 'done');
  });

  await t.test('evaluate: results in the state and a short notification', async () => {
    assert.equal(await fake.vscode.commands.executeCommand('lenet.evaluate'), true);
    const ev = await until('evaluation', 120_000, () => c.snapshot.evaluation);
    const n = ev.confusion.flat().reduce((a, b) => a + b, 0);
    assert.equal(n, c.snapshot.dataset?.test);
    const note = await until('notification', 2000, () => fake.shown.find((s) => s.message.startsWith('Test accuracy')));
    // It names the run it evaluated (the selected one: the run just trained).
    assert.match(note.message, new RegExp(`^Test accuracy 0\\.\\d{4} on mnist-sample \\(${n.toLocaleString('en-US')} images\\) · ${c.snapshot.run!.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    assert.equal(c.snapshot.status, 'done', 'back to the run outcome');
  });

  await t.test('predict: the try-it path answers with 10 probabilities', async () => {
    panel().send({ type: 'predict', id: 42, pixels: new Array(784).fill(0).map((_, i) => (i % 28 > 12 && i % 28 < 16 ? 1 : 0)) });
    const answer = await until('prediction', 30_000, () => posted('prediction').find((m) => (m as { id: number }).id === 42)) as Extract<HostMessage, { type: 'prediction' }>;
    assert.equal(answer.probabilities.length, 10);
    assert.ok(Math.abs(answer.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  await t.test('predict on a run with a broken model: a predictionError for that request, the run state untouched', async () => {
    const bad = join(ws, '.lenet', 'runs', '20000101-000000');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ epochs: 1, dataset: 'mnist-sample' }));
    writeFileSync(join(bad, 'metrics.csv'), 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.1,2.3,0.1,2.3\n');
    writeFileSync(join(bad, 'model.json'), '{"not": "a model"');
    panel().send({ type: 'refreshRuns' });
    panel().send({ type: 'openRun', runDir: bad });
    const status = c.snapshot.status;
    panel().send({ type: 'predict', id: 43, pixels: new Array(784).fill(0.5) });
    const answer = await until('predictionError', 30_000, () => posted('predictionError').find((m) => (m as { id: number }).id === 43)) as Extract<HostMessage, { type: 'predictionError' }>;
    assert.match(answer.message, /model\.json/);
    assert.equal(c.snapshot.status, status);
    panel().send({ type: 'showLive' });
    rmSync(bad, { recursive: true, force: true });
  });

  await t.test('a predict error is matched to its request by id, whatever the run is doing', async () => {
    // Drive the session's routing directly with the worker's own error events: an error carrying a
    // request's id answers that request only, never the run (which keeps its state).
    const session = c.session as unknown as { route(w: unknown, e: unknown): void; currentWorker: unknown; state: PanelState };
    const before = c.snapshot;
    const broker = c.session.broker;
    const w = c.session.ensureWorker('wasm');
    const sent: number[] = [];
    const origSend = w.send.bind(w);
    // Keep the requests from reaching the worker: their answers come from this test.
    (w as { send: typeof w.send }).send = (cmd) => {
      if (cmd.type === 'predict') { sent.push(cmd.id); return true; }
      return origSend(cmd);
    };
    try {
      const p1 = broker.request('predict', { pixels: new Array(784).fill(0), modelDir: '/r' });
      const p2 = broker.request('predict', { pixels: new Array(784).fill(0), modelDir: '/r' });
      session.route(session.currentWorker, { v: 1, type: 'error', code: 'MODEL', message: 'model.json is broken', id: sent[0] });
      await assert.rejects(p1, /model\.json is broken/);
      assert.equal(broker.size, 1, 'the other request still waits');
      assert.deepEqual(c.snapshot.status, before.status, 'the run is not put into an error state');
      assert.deepEqual(c.snapshot.history, before.history);
      session.route(session.currentWorker, { v: 1, type: 'prediction', id: sent[1], probabilities: new Array(10).fill(0.1) });
      assert.equal((await p2).probabilities.length, 10);
      session.route(session.currentWorker, { v: 1, type: 'error', code: 'MODEL', message: 'late', id: sent[0] });
      assert.equal(c.snapshot.status, before.status, 'a late answer changes nothing either');
    } finally {
      (w as { send: typeof w.send }).send = origSend;
    }
  });

  await t.test('starting while a run is active asks; Keep Current keeps it; Stop stops within 2 s', async () => {
    fake.state.settings = { ...quick, 'lenet.epochs': 50, 'lenet.dataLimit': 0 };
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), true);
    await until('training', 60_000, () => c.snapshot.status === 'training' && (c.snapshot.batch ?? 0) > 0);
    fake.answers.warning.push('Keep Current');
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), false);
    const ask = fake.shown.at(-1)!;
    assert.equal(ask.message, 'LeNet: A training run is active.');
    assert.deepEqual(ask.items, ['Stop and Start New', 'Keep Current']);
    assert.equal(c.snapshot.status, 'training');
    const t0 = Date.now();
    await fake.vscode.commands.executeCommand('lenet.stopTraining');
    await until('stopped', 10_000, () => c.snapshot.status === 'stopped');
    const ms = Date.now() - t0;
    assert.ok(ms < 2000, `stopped in ${ms} ms`);
    await until('context off', 5000, () => fake.contexts['lenet.trainingActive'] === false);
  });

  await t.test('a crashed worker: error notification with the signal, status reset, next start works', async () => {
    fake.state.settings = { ...quick, 'lenet.epochs': 50, 'lenet.dataLimit': 0 };
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), true);
    await until('training', 60_000, () => c.snapshot.status === 'training' && (c.snapshot.batch ?? 0) > 0);
    const pid = (c as unknown as { worker: { pid: number } }).worker.pid;
    process.kill(pid, 'SIGKILL');
    const err = await until('crash notification', 10_000, () => fake.shown.find((s) => s.kind === 'error' && /killed by SIGKILL/.test(s.message)));
    assert.match(err.message, /^LeNet: the training worker was killed by SIGKILL\. The run folder keeps the epochs saved so far\.$/);
    // A crash leaves the run interrupted (resumable), its reason in its folder and in the panel.
    assert.equal(c.snapshot.status, 'interrupted');
    assert.equal(c.snapshot.run?.status, 'interrupted');
    assert.match(c.snapshot.run?.reason ?? '', /killed by SIGKILL/);
    const summary = JSON.parse(readFileSync(join(c.snapshot.runDir!, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'interrupted');
    assert.match(summary.reason, /killed by SIGKILL/);
    assert.equal(fake.contexts['lenet.trainingActive'], false);
    assert.match(fake.statusItem.text, /interrupted/);
    fake.state.settings = { ...quick };
    assert.equal(await fake.vscode.commands.executeCommand('lenet.startTraining'), true, 'a new worker starts');
    await until('done again', 120_000, () => c.snapshot.status === 'done');
  });

  await t.test('"Evaluate Model from a Past Run...": a quick pick of the runs with a model, newest first; the picked one is evaluated', async () => {
    const withModel = listRuns(join(ws, '.lenet', 'runs')).filter((r) => r.hasModel);
    assert.ok(withModel.length >= 3, `three runs with a model by now (quick, stopped, quick): ${withModel.map((r) => r.name)}`);
    const oldest = withModel.at(-1)!;
    let offered: { label: string; description?: string; detail?: string }[] = [];
    fake.quickPicks.push((items, options) => {
      offered = items;
      assert.equal(options.title, 'LeNet: evaluate which run?');
      return items.find((i) => i.label === oldest.name);
    });
    assert.equal(await h.run('lenet.evaluateRun'), true);
    assert.deepEqual(offered.map((i) => i.label), withModel.map((r) => r.name), 'every run with a model, newest first');
    assert.match(offered[0].description!, /^latest · mnist-sample · \d+\/\d+ epochs · val \d\.\d{3}$/);
    assert.deepEqual(offered.map((i) => i.detail), withModel.map((r) => r.runDir));
    const ev = await until('the evaluation of the picked run', 60_000, () => (c.snapshot.evaluation?.modelDir === oldest.runDir ? c.snapshot.evaluation : undefined));
    // Evaluation runs on the validation split of the run, with the same weights: same accuracy.
    assert.ok(Math.abs(ev.acc - oldest.final!.val_acc) < 1e-6, `test accuracy ${ev.acc} = the picked run's last val_accuracy ${oldest.final!.val_acc}`);

    // Escape in the pick: nothing is evaluated.
    const evaluations = fake.shown.filter((s) => s.message.startsWith('Test accuracy')).length;
    fake.quickPicks.push(() => undefined);
    assert.equal(await h.run('lenet.evaluateRun'), false);
    assert.equal(c.snapshot.status, 'done');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.shown.filter((s) => s.message.startsWith('Test accuracy')).length, evaluations);
  });

  await t.test('window reload: the status item comes back from the saved state; the serializer restores the panel with it', async () => {
    await until('status item of the finished run', 5000, () => /^\$\(check\) LeNet 2\/2 · val 0\.\d{3}$/.test(fake.statusItem.text));
    const before = fake.statusItem.text;
    const saved = c.snapshot;
    await h.deactivate(); // awaits the snapshot write, disposes what activate registered
    assert.equal(fake.serializers.size, 0, 'the serializer was disposed with the subscriptions');
    fake.statusItem.hide();
    fake.statusItem.text = '';
    const n = fake.panels.length;
    c = h.activate();
    assert.equal(fake.statusItem.visible, true, 'shown at activation');
    assert.equal(fake.statusItem.text, before);
    assert.equal(fake.statusItem.command, 'lenet.showPanel');
    assert.equal(fake.panels.length, n, 'no panel opened for it');

    // VS Code restores the open panel through the serializer (with the webview's saved state).
    const restored = await fake.restorePanel('lenetLab.training', { scroll: 0 });
    const opts = restored.webview.options as { localResourceRoots: { fsPath: string }[]; enableScripts: boolean; enableCommandUris: boolean };
    assert.ok(restored.webview.html && opts.localResourceRoots, 'the serializer adopted the panel: its html and options are set');
    assert.deepEqual(opts.localResourceRoots.map((u) => u.fsPath), [join(root, 'dist'), join(root, 'media')], 'the options are set again');
    assert.equal(opts.enableScripts, true);
    assert.equal(opts.enableCommandUris, false);
    assert.match(restored.webview.html, /script-src 'nonce-[A-Za-z0-9+/=]{24}'/);
    restored.send({ type: 'ready' });
    const state = (h.posted('state', restored).at(-1) as Message<'state'>).state;
    assert.equal(state.status, 'done');
    assert.equal(state.runDir, saved.runDir);
    assert.deepEqual(state.history, saved.history);
    assert.equal(state.summary?.totalParams, 61706);
    assert.ok(state.runs.length >= 3, 'the runs list comes with it');
    // The restored panel is the panel: showing it reveals it instead of opening another.
    await h.run('lenet.showPanel');
    assert.equal(fake.panels.length, n + 1);
    assert.equal(panel(), restored);
  });

  await t.test('"LeNet: Resume Run...": a quick pick of the stopped and interrupted runs; the picked one goes on in its folder and the panel lists every epoch once', async () => {
    fake.state.settings = { ...quick, 'lenet.epochs': 3 };
    assert.equal(await h.run('lenet.startTraining'), true);
    await until('epoch 1 done', 120_000, () => c.snapshot.history.length >= 1);
    await h.run('lenet.stopTraining');
    // 'done' (with the run folder) follows 'stopped'.
    const stopped = await until('stopped', 60_000, () => (c.snapshot.status === 'stopped' && c.snapshot.runDir ? c.snapshot : undefined));
    const runDir = stopped.runDir!;
    const done = stopped.history.length;
    assert.ok(done >= 1 && done < 3, `stopped after ${done} epochs`);
    const folders = listRuns(join(ws, '.lenet', 'runs')).length;
    let offered: { label: string; description?: string; detail?: string }[] = [];
    fake.quickPicks.push((items, options) => {
      offered = items;
      assert.equal(options.title, 'LeNet: resume which run?');
      return items.find((i) => i.detail === runDir);
    });
    assert.equal(await h.run('lenet.resumeRun'), true);
    assert.equal(offered[0].detail, runDir, 'newest first');
    assert.equal(offered[0].description, `stopped · ${done} of 3 epochs · mnist-sample`);
    assert.ok(!offered.some((i) => /completed/.test(i.description ?? '')), 'no complete run is offered');
    // From the start the panel shows the epochs the folder holds.
    assert.deepEqual(c.snapshot.history.map((h) => h.epoch), stopped.history.map((h) => h.epoch));
    assert.equal(c.snapshot.viewingRun, undefined, 'the live run, not a past one');
    const end = await until('resumed run done', 120_000, () => (c.snapshot.status === 'done' ? c.snapshot : undefined));
    assert.deepEqual(end.history.map((h) => h.epoch), [1, 2, 3]);
    assert.equal(end.runDir, runDir);
    assert.equal(readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n').length, 4, 'metrics.csv: every epoch once');
    assert.equal(listRuns(join(ws, '.lenet', 'runs')).length, folders, 'no new run folder');

    // The same run again: complete, refused with what to do.
    assert.equal(await c.resumeRun(runDir), false);
    assert.match(fake.shown.at(-1)!.message, /^LeNet: cannot resume .*: it is complete \(3 of 3 epochs\); to train it further, give a total larger than 3/);
  });

  await t.test('the fake VS Code was only asked for what it models; tfjs never loaded in this (host) process', () => {
    assert.deepEqual(fake.violations, []);
    assert.equal((globalThis as { _tfengine?: unknown })._tfengine, undefined, 'tfjs registers globalThis._tfengine when it loads');
    assert.deepEqual(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')), []);
  });
});
