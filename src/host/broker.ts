// Requests to the worker that get one answer each (predictions, activations, evaluations, test images), in the
// style of vscode-hexeditor's shared/protocol.ts: every request gets an id of the broker's own,
// the answer (or an error carrying that id) settles exactly that request's promise, and when the
// worker goes away every open request fails with the reason. Callers never match ids by hand.
// No vscode import: unit-tested against a fake worker.
import type { WorkerEvent } from '../shared/protocol';
import type { CommandBody, EventOf } from '../client/workerClient';

/** Each request kind: the command it sends and the event that answers it. */
export interface RequestKinds {
  predict: { command: Omit<Extract<CommandBody, { type: 'predict' }>, 'id' | 'type'>; answer: EventOf<'prediction'> };
  activations: { command: Omit<Extract<CommandBody, { type: 'activations' }>, 'id' | 'type'>; answer: EventOf<'activations'> };
  evaluate: { command: Omit<Extract<CommandBody, { type: 'evaluate' }>, 'type'>; answer: EventOf<'evaluation'> };
  testImages: { command: Omit<Extract<CommandBody, { type: 'testImages' }>, 'id' | 'type'>; answer: EventOf<'testImages'> };
}
export type RequestKind = keyof RequestKinds;

/** Which answer event settles which request kind. */
const ANSWERED_BY: { [K in RequestKind]: RequestKinds[K]['answer']['type'] } = {
  predict: 'prediction', activations: 'activations', evaluate: 'evaluation', testImages: 'testImages',
};

/** Rejections carry the worker's error code (NO_MODEL, WORKER_EXITED, ...). */
export class RequestError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'RequestError';
  }
}

interface Open { kind: RequestKind; resolve(e: WorkerEvent): void; reject(e: RequestError): void }

/** Evaluations carry no id (one runs at a time): this key holds the open one. */
const EVALUATION = 0;

export class RequestBroker {
  private readonly open = new Map<number, Open>();
  private nextId = 1;

  /** `send` returns false when the worker is gone (the request then fails at once). */
  constructor(private readonly send: (cmd: CommandBody) => boolean) {}

  request<K extends RequestKind>(kind: K, command: RequestKinds[K]['command']): Promise<RequestKinds[K]['answer']> {
    if (kind === 'evaluate' && this.open.has(EVALUATION)) {
      return Promise.reject(new RequestError('an evaluation is already running', 'BUSY'));
    }
    const id = kind === 'evaluate' ? EVALUATION : this.nextId++;
    if (this.nextId > 2 ** 31 - 1) this.nextId = 1;
    return new Promise((resolve, reject) => {
      this.open.set(id, { kind, resolve: resolve as (e: WorkerEvent) => void, reject });
      const body = (kind === 'evaluate' ? { type: 'evaluate', ...command } : { type: kind, id, ...command }) as CommandBody;
      if (!this.send(body)) this.settle(id, new RequestError('the worker is not running', 'WORKER_EXITED'));
    });
  }

  /** An evaluation is waiting for its answer. */
  get evaluating(): boolean {
    return this.open.has(EVALUATION);
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Settles the request an event answers; true when the event was such an answer (the caller
   * then ignores it). An error without an id answers the open evaluation, if there is one.
   */
  handle(e: WorkerEvent): boolean {
    if (e.type === 'error') {
      if (e.id === undefined && (e.code === 'WORKER_EXITED' || e.code === 'TIMEOUT')) {
        // Everyone waiting learns why; the session still hears of it (its run may have ended too).
        this.failAll(e.message, e.code);
        return false;
      }
      if (e.code === 'BUSY' && e.id === undefined) return false;
      const id = e.id ?? (this.open.has(EVALUATION) ? EVALUATION : undefined);
      if (id === undefined) return false;
      this.settle(id, new RequestError(e.message, e.code));
      return true;
    }
    const id = e.type === 'evaluation' ? EVALUATION : e.type === 'prediction' || e.type === 'activations' || e.type === 'testImages' ? e.id : undefined;
    if (id === undefined) return false;
    const open = this.open.get(id);
    if (open && ANSWERED_BY[open.kind] === e.type) this.settle(id, e);
    return true; // an answer nobody waits for any more is still an answer: not the session's
  }

  /** The worker went away: every open request fails with this message. */
  failAll(message: string, code = 'WORKER_EXITED'): void {
    for (const id of [...this.open.keys()]) this.settle(id, new RequestError(message, code));
  }

  private settle(id: number, outcome: WorkerEvent | RequestError): void {
    const open = this.open.get(id);
    if (!open) return;
    this.open.delete(id);
    if (outcome instanceof RequestError) open.reject(outcome);
    else open.resolve(outcome);
  }
}
