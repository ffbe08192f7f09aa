// The host side of the evaluation's misclassified images, a page at a time: checks the page the
// webview asks for against the evaluation it shows, asks the worker for those test images under a
// request id of its own, and answers the webview's request exactly once (images or an error).
// No vscode import: the controller gives it what it needs.
import { misclassifiedPage } from '../shared/misclassifiedPages';
import type { WorkerEvent } from '../shared/protocol';
import type { EvaluationResult, HostMessage, WebviewMessage } from '../shared/webviewProtocol';
import type { CommandBody } from './workerClient';

export interface MisclassifiedHost {
  post(m: HostMessage): void;
  /** Sends to the worker (started when needed); false when it cannot be reached. */
  send(cmd: CommandBody): boolean;
  /** The evaluation the panel shows, if any. */
  evaluation(): EvaluationResult | undefined;
  cacheDir(): string;
  log(line: string): void;
}

/**
 * Worker request ids of this module: from -2^30 down, apart from the webview's predict ids (>= 0)
 * and the inspect requests' (from -1 down).
 */
export const FIRST_REQUEST_ID = -(2 ** 30);

export class MisclassifiedRequests {
  /** Worker request id -> the webview's request id. */
  private readonly pending = new Map<number, number>();
  private nextId = FIRST_REQUEST_ID;

  constructor(private readonly host: MisclassifiedHost) {}

  onWebviewMessage(m: Extract<WebviewMessage, { type: 'misclassifiedPage' }>): void {
    const e = this.host.evaluation();
    const page = e ? misclassifiedPage(e.misclassified, m.label, m.predicted, m.page) : 'no evaluation is shown: evaluate a model first';
    if (typeof page === 'string') {
      this.host.log(`[misclassified] refused a page request: ${page}`);
      this.host.post({ type: 'misclassifiedPageError', id: m.id, message: `Cannot show these images: ${page}.` });
      return;
    }
    const id = this.nextId--;
    this.pending.set(id, m.id);
    if (!this.host.send({ type: 'testImages', id, dataset: e!.dataset, cacheDir: this.host.cacheDir(), indices: page.indices })) {
      this.pending.delete(id);
      this.host.post({ type: 'misclassifiedPageError', id: m.id, message: 'The worker is not running.' });
    }
  }

  /**
   * Handles the worker's answer to a page request (true); false for every other event. A worker
   * that exited or timed out fails every open request (and the event goes on to the caller).
   */
  onWorkerEvent(e: WorkerEvent): boolean {
    if (e.type === 'error' && e.id === undefined && (e.code === 'WORKER_EXITED' || e.code === 'TIMEOUT')) {
      for (const webviewId of this.pending.values()) this.host.post({ type: 'misclassifiedPageError', id: webviewId, message: e.message });
      this.pending.clear();
      return false;
    }
    if (e.type !== 'testImages' && !(e.type === 'error' && e.id !== undefined && this.pending.has(e.id))) return false;
    const webviewId = this.pending.get(e.id!);
    this.pending.delete(e.id!);
    if (webviewId === undefined) return true; // answered already
    if (e.type === 'error') {
      this.host.log(`[misclassified] ${e.code}: ${e.message}`);
      this.host.post({ type: 'misclassifiedPageError', id: webviewId, message: e.message });
    } else if (e.type === 'testImages') {
      this.host.post({ type: 'misclassifiedPage', id: webviewId, images: e.images });
    }
    return true;
  }
}
