// The lenet.* settings of the Keras callbacks and the TensorBoard logs, as TrainConfig fields.
// Pure like settings.ts; problems go to the caller's list (one line each: setting, value, rule).
import { MONITORS, parseLrSchedule } from '../shared/callbacks';
import type { EarlyStoppingConfig, MonitorName, ReduceLrConfig, TrainConfig } from '../shared/protocol';

type Get = (key: string) => unknown;
type Fail = (key: string, rule: string, value: unknown) => void;

export function readCallbackSettings(get: Get, fail: Fail): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  const num = (key: string, fallback: number, ok: (n: number) => boolean, rule: string): number => {
    const v = get(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      fail(key, rule, v);
      return fallback;
    }
    return v;
  };
  /** null/absent = off. */
  const patience = (key: string): number | null => {
    const v = get(key);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      fail(key, 'must be a whole number >= 0, or empty for off', v);
      return null;
    }
    return v;
  };
  const monitor = (key: string): MonitorName => {
    const v = get(key) ?? 'val_loss';
    if (typeof v !== 'string' || !(MONITORS as readonly string[]).includes(v)) {
      fail(key, `must be one of ${MONITORS.join(', ')}`, v);
      return 'val_loss';
    }
    return v as MonitorName;
  };

  const tb = get('tensorboardLogs') ?? true;
  if (typeof tb !== 'boolean') fail('tensorboardLogs', 'must be true or false', tb);
  else if (!tb) out.tensorboard = false;

  const es = patience('earlyStopping.patience');
  if (es !== null) {
    const restore = get('earlyStopping.restoreBestWeights') ?? false;
    if (typeof restore !== 'boolean') fail('earlyStopping.restoreBestWeights', 'must be true or false', restore);
    out.earlyStopping = {
      monitor: monitor('earlyStopping.monitor'),
      minDelta: num('earlyStopping.minDelta', 0, (n) => n >= 0, 'must be a number >= 0'),
      patience: es, mode: 'auto', restoreBestWeights: restore === true,
    } satisfies EarlyStoppingConfig;
  }
  const rl = patience('reduceLrOnPlateau.patience');
  if (rl !== null) {
    out.reduceLrOnPlateau = {
      monitor: monitor('reduceLrOnPlateau.monitor'),
      factor: num('reduceLrOnPlateau.factor', 0.1, (n) => n > 0 && n < 1, 'must be a number greater than 0 and less than 1'),
      minLr: num('reduceLrOnPlateau.minLr', 0, (n) => n >= 0, 'must be a number >= 0'),
      patience: rl, minDelta: 1e-4, cooldown: 0, mode: 'auto',
    } satisfies ReduceLrConfig;
  }
  const schedule = get('lrSchedule') ?? '';
  const parses = (s: string) => {
    try {
      parseLrSchedule(s, 1);
      return true;
    } catch {
      return false;
    }
  };
  if (typeof schedule !== 'string' || (schedule.trim() !== '' && !parses(schedule))) {
    fail('lrSchedule', 'must be empty (off), step:EVERY:FACTOR (e.g. step:10:0.5) or cosine[:ALPHA] (e.g. cosine:0.01)', schedule);
  } else if (schedule.trim() !== '') {
    if (rl !== null) fail('lrSchedule', 'cannot be used together with lenet.reduceLrOnPlateau.patience (the schedule would undo every reduction); clear one of them', schedule);
    else out.lrSchedule = schedule.trim();
  }
  return out;
}
