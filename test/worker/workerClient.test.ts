// WorkerClient against a stand-in child process that misbehaves on purpose (the real worker is
// covered in worker.test.ts): invalid messages are dropped and logged, exits are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkerClient } from '../../src/client/workerClient';
import type { WorkerEvent } from '../../src/shared/protocol';
import { tempDir } from './helpers';

function fakeWorker(dir: string, body: string): string {
  const file = join(dir, 'fake-worker.js');
  writeFileSync(file, body);
  return file;
}

test('invalid messages are logged, dropped and each fails its request (BAD_MESSAGE); valid ones arrive; a non-zero exit is reported', async (t) => {
  const dir = tempDir(t);
  const path = fakeWorker(dir, `
    process.send({ v: 1, type: 'bogus' });
    process.send({ v: 1, type: 'batchEnd', epoch: 1, batch: 0, batches: 3, loss: 1, acc: 1 });
    process.send({ v: 2, type: 'log', level: 'info', message: 'from the future' });
    process.send({ v: 1, type: 'log', level: 'info', message: 'hello' });
    console.log('stdout noise');
    setTimeout(() => process.exit(3), 200);
  `);
  const logs: string[] = [];
  const client = new WorkerClient({ workerPath: path, log: (s) => logs.push(s) });
  t.after(() => client.dispose(1000));
  const events: WorkerEvent[] = [];
  client.onEvent((e) => events.push(e));
  const code = await new Promise((resolve) => client.once('exit', (c) => resolve(c)));
  assert.equal(code, 3);
  // Each dropped message becomes an error event, so nobody waits for an answer that was thrown away.
  assert.deepEqual(events.map((e) => e.type === 'error' ? e.code : e.type), ['BAD_MESSAGE', 'BAD_MESSAGE', 'BAD_MESSAGE', 'log', 'WORKER_EXITED']);
  assert.match((events[1] as Extract<WorkerEvent, { type: 'error' }>).message, /^the worker sent a message that fails the protocol check \(invalid worker event: batchEnd\.batch must be an integer >= 1\); the request was abandoned/);
  assert.equal((events[3] as Extract<WorkerEvent, { type: 'log' }>).message, 'hello');
  const err = events[4] as Extract<WorkerEvent, { type: 'error' }>;
  assert.equal(err.code, 'WORKER_EXITED');
  assert.equal(err.message, 'the training worker exited with code 3');
  const text = logs.join('');
  assert.match(text, /dropped a message from the worker: worker event has unknown type "bogus"/);
  assert.match(text, /dropped a message from the worker: invalid worker event: batchEnd\.batch must be an integer >= 1/);
  assert.match(text, /protocol version 2, expected 1/);
  assert.match(text, /stdout noise/, 'the child\'s stdout goes to the log, never to our stdout');
});

test('dispose: shutdown then a clean exit is not an error; kill() is not reported either', async (t) => {
  const dir = tempDir(t);
  const path = fakeWorker(dir, `
    process.on('message', (m) => { if (m.type === 'shutdown') process.exit(0); });
    setInterval(() => {}, 1000);
  `);
  const a = new WorkerClient({ workerPath: path, log: () => undefined });
  const aEvents: WorkerEvent[] = [];
  a.onEvent((e) => aEvents.push(e));
  await a.dispose(5000);
  assert.equal(a.alive, false);
  assert.deepEqual(aEvents, []);

  const b = new WorkerClient({ workerPath: path, log: () => undefined });
  const bEvents: WorkerEvent[] = [];
  b.onEvent((e) => bEvents.push(e));
  t.after(() => b.dispose(1000));
  const exited = new Promise((resolve) => b.once('exit', (_c, s) => resolve(s)));
  b.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  assert.deepEqual(bEvents, []);
});

test('a worker that ignores shutdown is killed after the grace period', async (t) => {
  const dir = tempDir(t);
  const path = fakeWorker(dir, 'setInterval(() => {}, 1000);');
  const c = new WorkerClient({ workerPath: path, log: () => undefined });
  const t0 = Date.now();
  await c.dispose(300);
  assert.equal(c.alive, false);
  assert.ok(Date.now() - t0 < 3000);
});

test('waitFor: an error that answers a predict request (it has an id) does not end a wait for another event', async (t) => {
  const dir = tempDir(t);
  const path = fakeWorker(dir, `
    process.send({ v: 1, type: 'error', code: 'MODEL', message: 'bad model.json', id: 5 });
    setTimeout(() => process.send({ v: 1, type: 'done', history: [], runDir: '/r', stopped: true }), 50);
    setTimeout(() => process.send({ v: 1, type: 'error', code: 'DATA', message: 'no data' }), 100);
    process.on('message', () => undefined);
  `);
  const client = new WorkerClient({ workerPath: path });
  t.after(() => client.kill());
  const predictFailed = client.waitFor('prediction', 5000);
  const done = client.waitFor('done', 5000);
  const failed = client.waitFor('epochEnd', 5000);
  await assert.rejects(predictFailed, /bad model\.json/, 'a wait for a prediction gets its error');
  assert.equal((await done).runDir, '/r', 'the wait for done went on past the predict error');
  await assert.rejects(failed, /no data/, 'an error without an id still ends other waits');
});
