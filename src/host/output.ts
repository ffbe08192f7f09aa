// The "LeNet Lab" output channel (created on first use) and the Keras-style lines each worker
// event becomes there.
import { trainStepText } from '../shared/trainStepText';
import * as vscode from 'vscode';
import { formatSummary } from '../model/summary';
import type { InferResult } from '../model/infer';
import type { WorkerEvent } from '../shared/protocol';
import { datasetSizeText } from '../shared/datasetText';
import { formatEpochHeader, formatEpochLine } from '../shared/kerasLog';
import { countImages } from '../shared/panelState';
import { Disposable, toDisposable } from './dispose';

export class Output extends Disposable {
  private channel: vscode.OutputChannel | undefined;
  private batchesPerEpoch = 0;

  constructor() {
    super();
    this._register(toDisposable(() => this.channel?.dispose()));
  }

  private get ch(): vscode.OutputChannel {
    this.channel ??= vscode.window.createOutputChannel('LeNet Lab');
    return this.channel;
  }

  line(text: string): void {
    this.ch.appendLine(text);
  }

  /** The worker's own stdout/stderr, as it comes. */
  raw(text: string): void {
    this.ch.append(text);
  }

  show(): void {
    this.ch.show(true);
  }

  /** Keras-style log lines for a worker event. */
  event(e: WorkerEvent): void {
    const line = this.textOf(e);
    if (line !== undefined) this.line(line);
  }

  private textOf(e: WorkerEvent): string | undefined {
    switch (e.type) {
      case 'ready': return `Backend: ${e.backend} (${e.reason})`;
      case 'dataset': return `Dataset: ${e.name} from ${e.source}: ${datasetSizeText(e)} images`;
      case 'summary': {
        const { type: _t, v: _v, ...s } = e;
        // formatSummary reads only the name, rows and totals, which SummaryInfo has.
        return formatSummary({ name: 'sequential', inputShape: [null, 28, 28, 1], ...s } as unknown as InferResult).trimEnd();
      }
      case 'epochBegin':
        this.batchesPerEpoch = e.batches;
        return formatEpochHeader(e.epoch, e.epochs);
      case 'epochEnd': return formatEpochLine(e, this.batchesPerEpoch || 1);
      case 'stopped': return `Stopped during epoch ${e.epoch}, batch ${e.batch}.`;
      case 'done': return `${e.stopped ? 'Stopped' : 'Finished'} after ${e.history.length} epoch(s). Run folder: ${e.runDir || '(none)'}`;
      case 'evaluation': return `Evaluation of ${e.modelDir} on ${e.dataset}: test loss ${e.loss.toFixed(4)} - test accuracy ${e.acc.toFixed(4)} (${countImages(e.confusion)} images)`;
      case 'log': return `[${e.level}] ${e.message}`;
      case 'error': return `[error ${e.code}] ${e.message}`;
      case 'trainStep': return `Training step: ${trainStepText(e)}`;
      case 'downloadProgress': return e.bytes === e.total ? `Downloaded ${e.file} (${e.total} bytes)` : undefined;
      default: return undefined;
    }
  }
}
