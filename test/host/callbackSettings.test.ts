// The callback and TensorBoard settings: package.json's defaults change nothing (TensorBoard on,
// no callback), set values become Keras callback configs, bad ones are named one line each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrainSettings } from '../../src/host/settings';

const ctx = { workspaceFolder: '/ws', globalStorage: '/gs' };
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; markdownDescription?: string }>;
const NEW = [
  'tensorboardLogs', 'earlyStopping.patience', 'earlyStopping.monitor', 'earlyStopping.minDelta', 'earlyStopping.restoreBestWeights',
  'reduceLrOnPlateau.patience', 'reduceLrOnPlateau.monitor', 'reduceLrOnPlateau.factor', 'reduceLrOnPlateau.minLr', 'lrSchedule',
];
/** VS Code's view: set values, else package.json's defaults. */
const getter = (values: Record<string, unknown>) => (k: string) => (k in values ? values[k] : props[`lenet.${k}`]?.default);

test('every new setting is contributed with a description; the defaults change nothing', () => {
  for (const k of NEW) {
    assert.ok(props[`lenet.${k}`], `lenet.${k} is contributed`);
    assert.ok((props[`lenet.${k}`].markdownDescription ?? '').length > 40, `lenet.${k} has a real description`);
  }
  const r = readTrainSettings(getter({}), ctx);
  assert.ok(r.ok, JSON.stringify(r));
  for (const f of ['tensorboard', 'earlyStopping', 'reduceLrOnPlateau', 'lrSchedule']) assert.equal(f in r.config, false, f);
});

test('set values become the callbacks\' configs', () => {
  const r = readTrainSettings(getter({
    tensorboardLogs: false, 'earlyStopping.patience': 3, 'earlyStopping.monitor': 'val_accuracy', 'earlyStopping.minDelta': 0.001,
    'earlyStopping.restoreBestWeights': true, 'reduceLrOnPlateau.patience': 2, 'reduceLrOnPlateau.factor': 0.5, 'reduceLrOnPlateau.minLr': 1e-5,
  }), ctx);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.config.tensorboard, false);
  assert.deepEqual(r.config.earlyStopping, { monitor: 'val_accuracy', minDelta: 0.001, patience: 3, mode: 'auto', restoreBestWeights: true });
  assert.deepEqual(r.config.reduceLrOnPlateau, { monitor: 'val_loss', factor: 0.5, minLr: 1e-5, patience: 2, minDelta: 1e-4, cooldown: 0, mode: 'auto' });
  const s = readTrainSettings(getter({ lrSchedule: ' cosine:0.01 ' }), ctx);
  assert.ok(s.ok);
  assert.equal(s.config.lrSchedule, 'cosine:0.01');
});

test('bad values are named, all at once', () => {
  const r = readTrainSettings(getter({
    tensorboardLogs: 'yes', 'earlyStopping.patience': -1, 'reduceLrOnPlateau.patience': 2, 'reduceLrOnPlateau.factor': 1,
    'reduceLrOnPlateau.monitor': 'acc', lrSchedule: 'step:10:0.5',
  }), ctx);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    '"lenet.tensorboardLogs" must be true or false, but it is "yes".',
    '"lenet.earlyStopping.patience" must be a whole number >= 0, or empty for off, but it is -1.',
    '"lenet.reduceLrOnPlateau.monitor" must be one of val_loss, val_accuracy, loss, accuracy, but it is "acc".',
    '"lenet.reduceLrOnPlateau.factor" must be a number greater than 0 and less than 1, but it is 1.',
    '"lenet.lrSchedule" cannot be used together with lenet.reduceLrOnPlateau.patience (the schedule would undo every reduction); clear one of them, but it is "step:10:0.5".',
  ]);
  const s = readTrainSettings(getter({ lrSchedule: 'linear' }), ctx);
  assert.deepEqual(!s.ok && s.errors, ['"lenet.lrSchedule" must be empty (off), step:EVERY:FACTOR (e.g. step:10:0.5) or cosine[:ALPHA] (e.g. cosine:0.01), but it is "linear".']);
});
