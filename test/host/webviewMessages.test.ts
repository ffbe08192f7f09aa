import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWebviewMessage, parseWebviewMessage } from '../../src/host/webviewMessages';

const runs = new Set(['/ws/.lenet/runs/20261128-040000']);
const pixels = () => Array.from({ length: 784 }, (_, i) => (i % 7) / 7);

test('valid messages pass and come back as fresh objects with only the known fields', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'showLive' }), { type: 'showLive' });
  assert.deepEqual(parseWebviewMessage({ type: 'refreshRuns' }), { type: 'refreshRuns' });
  for (const command of ['start', 'stop', 'evaluate'] as const) {
    assert.deepEqual(parseWebviewMessage({ type: 'command', command }), { type: 'command', command });
  }
  const p = pixels();
  const m = parseWebviewMessage({ type: 'predict', id: 7, pixels: p });
  assert.deepEqual(m, { type: 'predict', id: 7, pixels: p });
  assert.notEqual((m as { pixels: number[] }).pixels, p, 'pixels copied, not aliased');
  assert.deepEqual(parseWebviewMessage({ type: 'openRun', runDir: '/ws/.lenet/runs/20261128-040000' }, runs),
    { type: 'openRun', runDir: '/ws/.lenet/runs/20261128-040000' });
  assert.deepEqual(parseWebviewMessage({ type: 'exportCsv', runDir: '/ws/.lenet/runs/20261128-040000' }, runs),
    { type: 'exportCsv', runDir: '/ws/.lenet/runs/20261128-040000' });
  assert.deepEqual(parseWebviewMessage({ type: 'misclassifiedPage', id: 3, label: 4, predicted: 9, page: 2 }),
    { type: 'misclassifiedPage', id: 3, label: 4, predicted: 9, page: 2 });
});

test('hostile or malformed messages are rejected with a reason', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    [undefined, /not an object/],
    ['ready', /not an object/],
    [[{ type: 'ready' }], /array/],
    [{}, /"type" is not a string/],
    [{ type: 42 }, /"type" is not a string/],
    [{ type: 'eval' }, /unknown type "eval"/],
    [{ type: '__proto__' }, /unknown type/],
    [{ type: 'ready', extra: 1 }, /unexpected field "extra"/],
    [JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'), /unexpected field "__proto__"/],
    [{ type: 'command' }, /missing field "command"/],
    [{ type: 'command', command: 'rm -rf /' }, /must be one of start, stop, evaluate/],
    [{ type: 'command', command: ['start'] }, /must be one of/],
    [{ type: 'predict', id: 1 }, /missing field "pixels"/],
    [{ type: 'predict', id: 1.5, pixels: pixels() }, /"id" must be an integer/],
    [{ type: 'predict', id: -1, pixels: pixels() }, /"id" must be an integer/],
    [{ type: 'predict', id: '1', pixels: pixels() }, /"id" must be an integer/],
    [{ type: 'predict', id: 1, pixels: pixels().slice(1) }, /784 values, got 783/],
    [{ type: 'predict', id: 1, pixels: [...pixels(), 0] }, /784 values, got 785/],
    [{ type: 'predict', id: 1, pixels: new Array(1e6).fill(0) }, /784 values, got 1000000/],
    [{ type: 'predict', id: 1, pixels: 'x'.repeat(784) }, /must be an array/],
    [{ type: 'predict', id: 1, pixels: Object.assign(pixels(), { 5: NaN }) }, /pixels\[5\] must be a number from 0 to 1/],
    [{ type: 'predict', id: 1, pixels: Object.assign(pixels(), { 9: Infinity }) }, /pixels\[9\]/],
    [{ type: 'predict', id: 1, pixels: Object.assign(pixels(), { 0: 255 }) }, /pixels\[0\] must be a number from 0 to 1/],
    [{ type: 'predict', id: 1, pixels: Object.assign(pixels(), { 3: -0.01 }) }, /pixels\[3\]/],
    [{ type: 'predict', id: 1, pixels: Object.assign(pixels(), { 4: '0.5' }) }, /pixels\[4\]/],
    [{ type: 'predict', id: 1, pixels: new Array(784) }, /pixels\[0\]/], // sparse array
    [{ type: 'openRun', runDir: '/etc' }, /not one of the listed runs/],
    [{ type: 'openRun', runDir: '/ws/.lenet/runs/20261128-040000/../../../etc' }, /not one of the listed runs/],
    [{ type: 'exportCsv', runDir: '' }, /non-empty string/],
    [{ type: 'exportCsv', runDir: { toString: () => '/x' } }, /non-empty string/],
    [{ type: 'exportCsv', runDir: 'x'.repeat(5000) }, /non-empty string/],
    // A page's upper bound is the shown evaluation's: the host checks it (test/host/misclassified.test.ts).
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: 9 }, /missing field "page"/],
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: 9, page: 0, indices: [0] }, /unexpected field "indices"/],
    [{ type: 'misclassifiedPage', id: -1, label: 4, predicted: 9, page: 0 }, /"id" must be an integer/],
    [{ type: 'misclassifiedPage', id: 1, label: 10, predicted: 9, page: 0 }, /"label" and "predicted" must be classes 0 to 9/],
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: '9', page: 0 }, /must be classes 0 to 9/],
    [{ type: 'misclassifiedPage', id: 1, label: 4.5, predicted: 9, page: 0 }, /must be classes 0 to 9/],
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: 9, page: -1 }, /"page" must be an integer from 0/],
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: 9, page: 2 ** 31 }, /"page" must be an integer from 0/],
    [{ type: 'misclassifiedPage', id: 1, label: 4, predicted: 9, page: NaN }, /"page" must be an integer from 0/],
  ];
  for (const [input, reason] of cases) {
    const r = checkWebviewMessage(input, runs);
    assert.equal(r.ok, false, `accepted ${JSON.stringify(input)?.slice(0, 80)}`);
    if (!r.ok) assert.match(r.reason, reason, `reason for ${JSON.stringify(input)?.slice(0, 80)}`);
    assert.equal(parseWebviewMessage(input, runs), undefined);
  }
});

test('a runDir is only accepted when the host listed it (empty set by default)', () => {
  const m = { type: 'openRun', runDir: '/ws/.lenet/runs/20261128-040000' };
  assert.equal(parseWebviewMessage(m), undefined);
  assert.ok(parseWebviewMessage(m, runs));
});

test('class instances and objects with getters are not plain messages', () => {
  class Msg { type = 'ready'; }
  assert.equal(parseWebviewMessage(new Msg()), undefined);
  assert.equal(parseWebviewMessage(Object.create({ type: 'ready' })), undefined);
});

test('Runs row actions: a known action on a listed run only, exact keys', () => {
  const dir = '/ws/.lenet/runs/20261128-040000';
  for (const action of ['evaluate', 'resume', 'reveal', 'rename', 'delete'] as const) {
    assert.deepEqual(parseWebviewMessage({ type: 'runAction', action, runDir: dir }, runs), { type: 'runAction', action, runDir: dir });
  }
  const reason = (x: unknown) => { const r = checkWebviewMessage(x, runs); return r.ok ? 'ok' : r.reason; };
  assert.match(reason({ type: 'runAction', action: 'format', runDir: dir }), /"action" must be one of evaluate, resume, reveal, rename, delete/);
  assert.match(reason({ type: 'runAction', action: 'delete', runDir: '/etc' }), /not one of the listed runs/);
  assert.match(reason({ type: 'runAction', action: 'delete', runDir: dir, force: true }), /unexpected field "force"/);
  assert.match(reason({ type: 'runAction', action: 'delete' }), /missing field "runDir"/);
});
