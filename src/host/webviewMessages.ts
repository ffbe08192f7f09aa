// Strict validation of messages from the training panel's webview. The webview is untrusted
// content: every message must match one WebviewMessage shape exactly (no extra keys, right types,
// bounded sizes) or it is dropped; the caller logs the reason and never acts on it.
// Pure (no vscode import), unit-tested with hostile inputs.
import { NUM_CLASSES } from '../shared/geometry';
import { MAX_COMPARED_RUNS, RUN_ACTIONS, type RunAction, type WebviewMessage } from '../shared/webviewProtocol';

/** The try-it pad sends 28x28 intensities in 0..1 (the webview's preprocessDigit output, MNIST /255 scale). */
export const PREDICT_PIXELS = 784;
const MAX_ID = 2 ** 31 - 1;
const MAX_PATH_LENGTH = 4096;
const MAX_LAYER_NAME = 256;
const COMMANDS = ['start', 'stop', 'evaluate'] as const;

export type WebviewCheck = { ok: true; message: WebviewMessage } | { ok: false; reason: string };

const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/** Exactly these keys (own, enumerable), no more, no fewer. */
function keysAre(o: Record<string, unknown>, keys: string[]): string | null {
  const own = Object.keys(o);
  const extra = own.filter((k) => !keys.includes(k));
  if (extra.length) return `unexpected field ${JSON.stringify(extra[0])}`;
  const missing = keys.filter((k) => !Object.prototype.hasOwnProperty.call(o, k));
  if (missing.length) return `missing field ${JSON.stringify(missing[0])}`;
  return null;
}

function requestId(id: unknown): number | undefined {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_ID ? id : undefined;
}

/** A copy of the try-it pad's 784 values (each 0..1), or what is wrong with them. */
function padPixels(px: unknown): number[] | string {
  if (!Array.isArray(px)) return '"pixels" must be an array';
  if (px.length !== PREDICT_PIXELS) return `"pixels" must have ${PREDICT_PIXELS} values, got ${px.length}`;
  const pixels = new Array<number>(PREDICT_PIXELS);
  for (let i = 0; i < PREDICT_PIXELS; i++) {
    // Index access also catches sparse arrays (holes read as undefined).
    const p = px[i];
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) return `pixels[${i}] must be a number from 0 to 1`;
    pixels[i] = p;
  }
  return pixels;
}

/**
 * Checks one message. `knownRuns` holds the run folders the host listed itself: a runDir must be
 * one of them verbatim (never an arbitrary path chosen by the webview).
 */
export function checkWebviewMessage(x: unknown, knownRuns: ReadonlySet<string> = new Set()): WebviewCheck {
  const no = (reason: string): WebviewCheck => ({ ok: false, reason });
  if (!isPlainObject(x)) return no(`not an object (${x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x})`);
  const type = x.type;
  if (typeof type !== 'string') return no('field "type" is not a string');
  const shape = (keys: string[]) => keysAre(x, ['type', ...keys]);
  let err: string | null;
  switch (type) {
    case 'ready':
    case 'showLive':
    case 'refreshRuns':
      if ((err = shape([]))) return no(`${type}: ${err}`);
      return { ok: true, message: { type } };
    case 'command': {
      if ((err = shape(['command']))) return no(`command: ${err}`);
      const c = x.command;
      if (typeof c !== 'string' || !(COMMANDS as readonly string[]).includes(c)) {
        return no(`command: "command" must be one of ${COMMANDS.join(', ')}`);
      }
      return { ok: true, message: { type: 'command', command: c as (typeof COMMANDS)[number] } };
    }
    case 'predict': {
      if ((err = shape(['id', 'pixels']))) return no(`predict: ${err}`);
      const id = requestId(x.id);
      if (id === undefined) return no('predict: "id" must be an integer from 0 to 2^31-1');
      const pixels = padPixels(x.pixels);
      if (typeof pixels === 'string') return no(`predict: ${pixels}`);
      return { ok: true, message: { type: 'predict', id, pixels } };
    }
    case 'inspect': {
      const drawn = Object.prototype.hasOwnProperty.call(x, 'pixels');
      if ((err = shape(['id', 'best', drawn ? 'pixels' : 'testIndex']))) return no(`inspect: ${err}`);
      const id = requestId(x.id);
      if (id === undefined) return no('inspect: "id" must be an integer from 0 to 2^31-1');
      if (typeof x.best !== 'boolean') return no('inspect: "best" must be a boolean');
      if (drawn) {
        const pixels = padPixels(x.pixels);
        if (typeof pixels === 'string') return no(`inspect: ${pixels}`);
        return { ok: true, message: { type: 'inspect', id, best: x.best, pixels } };
      }
      const testIndex = x.testIndex;
      if (typeof testIndex !== 'number' || !Number.isInteger(testIndex) || testIndex < 0 || testIndex > MAX_ID) {
        return no('inspect: "testIndex" must be an integer from 0 to 2^31-1');
      }
      return { ok: true, message: { type: 'inspect', id, best: x.best, testIndex } };
    }
    case 'openLayerSource': {
      if ((err = shape(['layer']))) return no(`openLayerSource: ${err}`);
      const layer = x.layer;
      if (typeof layer !== 'string' || layer.length === 0 || layer.length > MAX_LAYER_NAME) {
        return no(`openLayerSource: "layer" must be a layer name of 1 to ${MAX_LAYER_NAME} characters`);
      }
      return { ok: true, message: { type: 'openLayerSource', layer } };
    }
    case 'misclassifiedPage': {
      if ((err = shape(['id', 'label', 'predicted', 'page']))) return no(`misclassifiedPage: ${err}`);
      const id = requestId(x.id);
      if (id === undefined) return no('misclassifiedPage: "id" must be an integer from 0 to 2^31-1');
      const cls = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < NUM_CLASSES;
      if (!cls(x.label) || !cls(x.predicted)) return no(`misclassifiedPage: "label" and "predicted" must be classes 0 to ${NUM_CLASSES - 1}`);
      // The page's upper bound depends on the evaluation shown: the host checks it (misclassifiedPage).
      if (requestId(x.page) === undefined) return no('misclassifiedPage: "page" must be an integer from 0 to 2^31-1');
      return { ok: true, message: { type: 'misclassifiedPage', id, label: x.label as number, predicted: x.predicted as number, page: x.page as number } };
    }
    case 'inspectTraining': {
      if ((err = shape(['id']))) return no(`inspectTraining: ${err}`);
      const id = requestId(x.id);
      if (id === undefined) return no('inspectTraining: "id" must be an integer from 0 to 2^31-1');
      return { ok: true, message: { type: 'inspectTraining', id } };
    }
    case 'openRun':
    case 'exportCsv':
    case 'exportKeras': {
      if ((err = shape(['runDir']))) return no(`${type}: ${err}`);
      const runDir = x.runDir;
      if (typeof runDir !== 'string' || runDir.length === 0 || runDir.length > MAX_PATH_LENGTH) {
        return no(`${type}: "runDir" must be a non-empty string`);
      }
      if (!knownRuns.has(runDir)) return no(`${type}: "runDir" is not one of the listed runs`);
      return { ok: true, message: { type, runDir } };
    }
    case 'compareRuns': {
      if ((err = shape(['id', 'runDirs']))) return no(`compareRuns: ${err}`);
      const id = requestId(x.id);
      if (id === undefined) return no('compareRuns: "id" must be an integer from 0 to 2^31-1');
      const dirs = x.runDirs;
      if (!Array.isArray(dirs) || dirs.length < 2 || dirs.length > MAX_COMPARED_RUNS) {
        return no(`compareRuns: "runDirs" must be an array of 2 to ${MAX_COMPARED_RUNS} run folders`);
      }
      const runDirs: string[] = [];
      for (let i = 0; i < dirs.length; i++) {
        const d = dirs[i];
        if (typeof d !== 'string' || !knownRuns.has(d)) return no(`compareRuns: runDirs[${i}] is not one of the listed runs`);
        if (runDirs.includes(d)) return no(`compareRuns: runDirs[${i}] is listed twice`);
        runDirs.push(d);
      }
      return { ok: true, message: { type: 'compareRuns', id, runDirs } };
    }
    case 'runAction': {
      if ((err = shape(['action', 'runDir']))) return no(`runAction: ${err}`);
      const action = x.action;
      if (typeof action !== 'string' || !(RUN_ACTIONS as readonly string[]).includes(action)) {
        return no(`runAction: "action" must be one of ${RUN_ACTIONS.join(', ')}`);
      }
      const runDir = x.runDir;
      if (typeof runDir !== 'string' || !knownRuns.has(runDir)) return no('runAction: "runDir" is not one of the listed runs');
      return { ok: true, message: { type: 'runAction', action: action as RunAction, runDir } };
    }
    default:
      return no(`unknown type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

/** The message when it is valid, else undefined (see checkWebviewMessage for the reason). */
export function parseWebviewMessage(x: unknown, knownRuns?: ReadonlySet<string>): WebviewMessage | undefined {
  const r = checkWebviewMessage(x, knownRuns);
  return r.ok ? r.message : undefined;
}
