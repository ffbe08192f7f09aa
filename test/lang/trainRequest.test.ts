// "Train This Model": the argument handed to lenet.startTraining is validated and checked against
// what the trainer can build before anything starts; the manifest contributes what the feature uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrainRequest } from '../../src/editor/trainRequest';
import { analyzeSource } from '../../src/lang/index';
import { LENET5 } from '../../src/model/lenet';

test('the model read from the seed source is accepted as it is', () => {
  const src = readFileSync(join(__dirname, '..', 'e2e', 'fixtures', 'workspace', 'lenet_seed.py'), 'utf8');
  const m = analyzeSource(src, 'python').models[0];
  const r = readTrainRequest({ model: m.spec, source: 'file:///w/lenet_seed.py' });
  assert.ok(!('error' in r));
  assert.deepEqual(r.model?.layers.map((l) => l.name ?? l.type), LENET5.layers.map((l) => l.name ?? l.type));
  assert.equal(r.source, 'file:///w/lenet_seed.py');
});

test('no argument (or not a request) trains the default model', () => {
  assert.deepEqual(readTrainRequest(undefined), {});
  assert.deepEqual(readTrainRequest('x'), {});
});

test('a model the trainer cannot build is refused with the reason', () => {
  const bad = readTrainRequest({ model: { inputShape: [28, 28, 1], layers: [{ type: 'Conv1D', filters: 2 }] }, source: 'a.py' });
  assert.ok('error' in bad);
  assert.match(bad.error, /cannot train the model from a\.py: .*Conv1D/);
  const tooBig = readTrainRequest({ model: { inputShape: [4, 4, 1], layers: [{ type: 'Conv2D', filters: 1, kernelSize: [5, 5] }] } });
  assert.ok('error' in tooBig);
  assert.match(tooBig.error, /5x5 kernel is larger than its 4x4 input/);
});

test('the manifest contributes the command, the setting, the schema and the activation events', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'lenet.trainThisModel');
  assert.deepEqual([cmd?.title, cmd?.category], ['Train This Model', 'LeNet']);
  assert.equal(pkg.contributes.configuration.properties['lenet.inlayHints'].default, true);
  assert.ok(pkg.contributes.jsonValidation.some((j: { fileMatch: string[]; url: string }) => j.fileMatch.includes('*.lenet.json') && j.url === './media/lenet-model.schema.json'));
  for (const e of ['onLanguage:python', 'onLanguage:typescript', 'onLanguage:javascript', 'onNotebook:jupyter-notebook']) {
    assert.ok(pkg.activationEvents.includes(e), e);
  }
});
