// The request broker: ids of its own, one answer per request, errors routed by id, an evaluation's
// error without an id, and everyone told when the worker goes away. Driven by the exact events
// the worker sends (checked by the protocol validator), through a recorded `send`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { RequestBroker, RequestError } from '../../src/host/broker';
import type { CommandBody } from '../../src/client/workerClient';
import { PROTOCOL_VERSION, type WorkerEvent } from '../../src/shared/protocol';
import { parseWorkerEvent } from '../../src/shared/protocolValidate';

const v = PROTOCOL_VERSION;
const ev = (e: Record<string, unknown>): WorkerEvent => {
  const parsed = parseWorkerEvent({ v, ...e });
  assert.notEqual(typeof parsed, 'string', `a valid worker event: ${String(parsed)}`);
  return parsed as WorkerEvent;
};
const probs = Array.from({ length: 10 }, (_, i) => (i === 3 ? 0.91 : 0.01));
const pixels = new Array(784).fill(0);

function broker(up = true) {
  const sent: CommandBody[] = [];
  const b = new RequestBroker((cmd) => {
    sent.push(cmd);
    return up;
  });
  return { b, sent };
}

test('each request gets its own id; an answer settles exactly its request, late or unknown answers are swallowed', async () => {
  const { b, sent } = broker();
  const p1 = b.request('predict', { pixels, modelDir: '/r/a' });
  const p2 = b.request('predict', { pixels, modelDir: '/r/b' });
  const ids = sent.map((c) => (c as { id: number }).id);
  assert.equal(new Set(ids).size, 2);
  assert.deepEqual(sent.map((c) => [c.type, (c as { modelDir?: string }).modelDir]), [['predict', '/r/a'], ['predict', '/r/b']]);
  assert.equal(b.handle(ev({ type: 'prediction', id: ids[1], probabilities: probs })), true);
  assert.deepEqual((await p2).probabilities, probs);
  assert.equal(b.size, 1, 'the other one still waits');
  assert.equal(b.handle(ev({ type: 'prediction', id: ids[1], probabilities: probs })), true, 'a second answer: consumed, nobody waits');
  assert.equal(b.handle(ev({ type: 'prediction', id: 999, probabilities: probs })), true);
  assert.equal(b.handle(ev({ type: 'error', code: 'NO_MODEL', message: 'no model in /r/a', id: ids[0] })), true);
  await assert.rejects(p1, (e: RequestError) => e.code === 'NO_MODEL' && /no model in \/r\/a/.test(e.message));
  assert.equal(b.size, 0);
});

test('run events and run errors are not answers: the session gets them', () => {
  const { b } = broker();
  assert.equal(b.handle(ev({ type: 'epochBegin', epoch: 1, epochs: 2, batches: 3 })), false);
  assert.equal(b.handle(ev({ type: 'error', code: 'DATA', message: 'bad file' })), false, 'no evaluation open: the run failed');
  assert.equal(b.handle(ev({ type: 'error', code: 'BUSY', message: 'cannot evaluate while training' })), false);
});

test('an evaluation: one at a time, answered by the evaluation event or by an error without id', async () => {
  const { b, sent } = broker();
  const e1 = b.request('evaluate', { modelDir: '/r/a' });
  assert.deepEqual(sent[0], { type: 'evaluate', modelDir: '/r/a' });
  assert.equal(b.evaluating, true);
  await assert.rejects(b.request('evaluate', { modelDir: '/r/b' }), (e: RequestError) => e.code === 'BUSY');
  assert.equal(sent.length, 1, 'the second was never sent');
  const classes = Array.from({ length: 10 }, (_, i) => String(i));
  const confusion = classes.map((_, i) => classes.map((_, j) => (i === j ? 9 : 0)));
  const perClass = classes.map(() => ({ precision: 1, recall: 1, f1: 1, support: 9 }));
  const averages = { macro: perClass[0], weighted: perClass[0] };
  b.handle(ev({ type: 'evaluation', modelDir: '/r/a', dataset: 'mnist-sample', classes, loss: 0.3, acc: 0.9, confusion, perClass, averages, misclassified: [] }));
  assert.equal((await e1).acc, 0.9);
  const e2 = b.request('evaluate', { modelDir: '/r/b' });
  assert.equal(b.handle(ev({ type: 'error', code: 'MODEL', message: 'weights hold NaN' })), true);
  await assert.rejects(e2, /weights hold NaN/);
  assert.equal(b.evaluating, false);
});

test('the worker goes away: every open request fails with the reason, and the session still hears it', async () => {
  const { b, sent } = broker();
  const p = b.request('predict', { pixels, modelDir: '/r/a' });
  const a = b.request('activations', { modelDir: '/r/a', testIndex: 3 });
  const e = b.request('evaluate', { modelDir: '/r/a' });
  assert.equal((sent[1] as { testIndex?: number }).testIndex, 3);
  assert.equal(b.handle(ev({ type: 'error', code: 'WORKER_EXITED', message: 'the training worker was killed by SIGKILL' })), false);
  for (const r of [p, a, e]) await assert.rejects(r, (err: RequestError) => err.code === 'WORKER_EXITED' && /SIGKILL/.test(err.message));
  assert.equal(b.size, 0);
});

test('a worker that cannot be reached fails the request at once', async () => {
  const { b } = broker(false);
  await assert.rejects(b.request('predict', { pixels, modelDir: '/r/a' }), (e: RequestError) => e.code === 'WORKER_EXITED');
  assert.equal(b.size, 0);
});
