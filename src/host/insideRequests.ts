// The host side of the panel's "Inside the network": asks the worker for activations through the
// request broker and posts each answer or error to the webview request it belongs to; reads and checks a run's inside.json.gz; opens a layer's
// source line; and brings a layer into view for the hover's "Show activations".
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { checkRecording, RECORDING_FILE } from '../shared/insideRecording';
import { errorMessage } from '../shared/errors';
import type { EventOf } from '../client/workerClient';
import type { RequestKinds } from './broker';
import type { HostMessage, WebviewMessage } from '../shared/webviewProtocol';
import { isKerasModelFile } from './exportKeras';
import { runSource } from './runSource';
import { ShapeDocuments } from '../editor/documents';
import { revealLayerSource, sourceLabel } from '../editor/layerSource';

export interface InsideHost {
  post(m: HostMessage): void;
  /** An activations request to the worker (through the broker). */
  request(command: RequestKinds['activations']['command']): Promise<EventOf<'activations'>>;
  /** The run the panel shows, if any (its recording and source lines). */
  shownRun(): string | undefined;
  /** The model activations come from: a run folder, or a Keras .h5 model evaluated last. */
  answeringModel(): string | undefined;
  cacheDir(): string;
  log(line: string): void;
}

export class InsideRequests {
  /** Source analyses for "go to the layer's code" (the hovers keep their own). */
  private docs: ShapeDocuments | undefined;
  private layerAfterReady: string | undefined;

  constructor(private readonly host: InsideHost) {}

  onWebviewMessage(m: Extract<WebviewMessage, { type: 'inspect' | 'inspectTraining' | 'openLayerSource' }>): void {
    switch (m.type) {
      case 'inspect': return this.inspect(m);
      case 'inspectTraining': void this.inspectTraining(m.id); return;
      case 'openLayerSource': void this.openLayerSource(m.layer); return;
    }
  }

  /** The hover's "Show activations". `live`: the panel's webview is listening; else it gets the layer after its 'ready'. */
  showLayer(layer: unknown, live: boolean): void {
    if (typeof layer !== 'string' || !layer) return;
    if (live) this.host.post({ type: 'showLayer', layer });
    else this.layerAfterReady = layer;
  }

  /** The panel said 'ready' (after its state was sent). */
  onReady(): void {
    if (this.layerAfterReady) this.host.post({ type: 'showLayer', layer: this.layerAfterReady });
    this.layerAfterReady = undefined;
  }

  /** The model file's name for the webview, when the run was trained from one. */
  private sourceOf(runDir: string): { source?: string } {
    const s = runSource(runDir);
    return s ? { source: sourceLabel(s.source) } : {};
  }

  private inspect(m: Extract<WebviewMessage, { type: 'inspect' }>): void {
    const runDir = this.host.answeringModel();
    // A Keras .h5 file is a model of its own (no best/); the worker reads it like a run folder.
    const keras = !!runDir && isKerasModelFile(runDir);
    const modelDir = runDir && (m.best && !keras ? join(runDir, 'best') : runDir);
    if (!runDir || !modelDir || !existsSync(keras ? modelDir : join(modelDir, 'model.json'))) {
      const message = !runDir ? 'No trained model yet: train one first (LeNet: Start Training).'
        : `${basename(runDir)} has no ${m.best ? 'best/ model (no epoch has finished)' : 'saved model'} yet.`;
      this.host.post({ type: 'activationsError', id: m.id, message });
      return;
    }
    const input = 'pixels' in m ? { pixels: m.pixels } : { testIndex: m.testIndex };
    void this.host.request({ modelDir, cacheDir: this.host.cacheDir(), ...input }).then(
      (e) => {
        const { v: _v, ...result } = e;
        this.host.post({ type: 'activations', id: m.id, result: { ...result, id: m.id }, ...this.sourceOf(runDir) });
      },
      (err) => {
        this.host.log(`[inspect] ${errorMessage(err)}`);
        this.host.post({ type: 'activationsError', id: m.id, message: errorMessage(err) });
      },
    );
  }

  /** Sends the shown run's recording of its probe images over training, checked, or why not. */
  private async inspectTraining(id: number): Promise<void> {
    const runDir = this.host.shownRun();
    if (!runDir) {
      this.host.post({ type: 'insideRecordingError', id, message: 'No run yet: train one first (LeNet: Start Training).' });
      return;
    }
    const file = join(runDir, RECORDING_FILE);
    let text: string;
    try {
      text = (await promisify(gunzip)(await readFile(file))).toString('utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.host.post({
        type: 'insideRecordingError', id,
        message: missing ? `${basename(runDir)} has no ${RECORDING_FILE} (runs trained before LeNet Lab recorded probe images have none).` : `${file} cannot be read: ${errorMessage(err)}`,
      });
      return;
    }
    let recording: ReturnType<typeof checkRecording>;
    try {
      recording = checkRecording(JSON.parse(text));
    } catch (err) {
      recording = `not JSON (${errorMessage(err)})`;
    }
    if (typeof recording === 'string') {
      this.host.log(`[inspect] ${file}: ${recording}`);
      this.host.post({ type: 'insideRecordingError', id, message: `${file}: ${recording}` });
      return;
    }
    this.host.post({ type: 'insideRecording', id, runDir, recording, ...this.sourceOf(runDir) });
  }

  private async openLayerSource(layer: string): Promise<void> {
    const runDir = this.host.shownRun();
    const problem = runDir ? await revealLayerSource((this.docs ??= new ShapeDocuments()), runDir, layer) : 'no run to show the code of yet.';
    if (problem) void vscode.window.showInformationMessage(`LeNet: ${problem}`);
  }
}
