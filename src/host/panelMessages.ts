// What the host does for each (validated) message of the panel's webview: one handler per message
// type, so a new message type does not compile until it is handled here.
import * as vscode from 'vscode';
import { errorMessage } from '../shared/errors';
import type { WebviewMessage } from '../shared/webviewProtocol';
import type { Lab } from './lab';
import { evaluate, evaluateShown, resumeRun } from './commands';
import { deleteRun, exportCsv, exportKeras, renameRun, revealRun } from './runActions';
import { showMisclassifiedPage } from './misclassifiedImages';
import { compareAnswer } from './compareRuns';

type Handlers = { [K in WebviewMessage['type']]: (lab: Lab, m: Extract<WebviewMessage, { type: K }>) => void };

const HANDLERS: Handlers = {
  ready: (lab) => {
    lab.refreshRuns(false);
    lab.post({ type: 'state', state: lab.view() });
    lab.inside.onReady();
  },
  command: (lab, m) => {
    if (m.command === 'evaluate') void evaluateShown(lab);
    else void vscode.commands.executeCommand(m.command === 'start' ? 'lenet.startTraining' : 'lenet.stopTraining');
  },
  predict: (lab, m) => void predict(lab, m.id, m.pixels),
  inspect: (lab, m) => lab.inside.onWebviewMessage(m),
  inspectTraining: (lab, m) => lab.inside.onWebviewMessage(m),
  openLayerSource: (lab, m) => lab.inside.onWebviewMessage(m),
  openRun: (lab, m) => {
    lab.kerasModel = undefined;
    lab.dispatch({ type: 'select', runDir: m.runDir });
  },
  showLive: (lab) => {
    lab.kerasModel = undefined;
    lab.dispatch({ type: 'select', runDir: undefined });
  },
  exportCsv: (lab, m) => void exportCsv(m.runDir),
  exportKeras: (lab, m) => void exportKeras(lab, m.runDir),
  refreshRuns: (lab) => lab.refreshRuns(),
  misclassifiedPage: (lab, m) => void showMisclassifiedPage(lab, m),
  compareRuns: (lab, m) => lab.post(compareAnswer(m.id, m.runDirs)),
  runAction: (lab, m) => {
    switch (m.action) {
      case 'evaluate': void evaluate(lab, m.runDir); return;
      case 'resume': void resumeRun(lab, m.runDir); return;
      case 'reveal': void revealRun(m.runDir); return;
      case 'rename': void renameRun(lab, m.runDir); return;
      case 'delete': void deleteRun(lab, m.runDir); return;
    }
  },
};

export function handleWebviewMessage(lab: Lab, m: WebviewMessage): void {
  (HANDLERS[m.type] as (lab: Lab, m: WebviewMessage) => void)(lab, m);
}

/** The try-it pad: the answering model's 10 probabilities, or why not, for the pad's request id. */
async function predict(lab: Lab, id: number, pixels: number[]): Promise<void> {
  const modelDir = lab.answeringModel();
  try {
    if (!modelDir) throw new Error('No trained model yet: train one first (LeNet: Start Training).');
    const e = await lab.session.broker.request('predict', { pixels, modelDir });
    lab.post({ type: 'prediction', id, probabilities: e.probabilities });
  } catch (err) {
    lab.log(`[predict ${id}] ${errorMessage(err)}`);
    lab.post({ type: 'predictionError', id, message: errorMessage(err) });
  }
}

/**
 * The model's 10 probabilities for 784 pixels (0..1), the same path as the try-it pad (the
 * selected run's model, predicted in the worker); for the API and the electron suite.
 */
export async function predictOnce(lab: Lab, pixels: number[], timeoutMs: number): Promise<number[]> {
  const modelDir = lab.answeringModel();
  if (!modelDir) throw new Error('No trained model yet: train one first (LeNet: Start Training).');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no prediction within ${timeoutMs} ms`)), timeoutMs)));
  try {
    return (await Promise.race([lab.session.broker.request('predict', { pixels, modelDir }), late])).probabilities;
  } finally {
    clearTimeout(timer);
  }
}
