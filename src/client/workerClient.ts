// The parent side of the training worker (no vscode imports: the CLI and the extension host share
// it). Forks dist/worker.js, validates every message it sends back, and turns the ways a request
// can go unanswered into `error` events: an invalid message fails the request it would have
// answered (BAD_MESSAGE), a worker that crashed or was killed is WORKER_EXITED, and a worker that
// stays silent past the idle timeout while a request is open is TIMEOUT (and is killed).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { BackendChoice, WorkerCommand, WorkerEvent } from '../shared/protocol';
import { parseWorkerEvent } from '../shared/protocolValidate';

type Body<T> = T extends unknown ? Omit<T, 'v'> : never;
export type CommandBody = Body<WorkerCommand>;
export type EventOf<K extends WorkerEvent['type']> = Extract<WorkerEvent, { type: K }>;

export interface WorkerClientOptions {
  /** Path of the built worker bundle (dist/worker.js). */
  workerPath: string;
  backend?: BackendChoice;
  env?: NodeJS.ProcessEnv;
  /** The worker's stdout/stderr and dropped messages; default: this process's stderr. */
  log?: (text: string) => void;
  /**
   * Longest silence from the worker while a train, evaluate or predict request is open (default
   * 20 minutes: one batch on the pure-JS backend can take minutes; 0 = no limit). A stuck worker
   * then fails its request with TIMEOUT instead of leaving the caller waiting for ever.
   */
  idleTimeoutMs?: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 20 * 60_000;

/**
 * Events: 'event' (WorkerEvent), 'exit' (code, signal). After an unexpected exit an `error` event
 * with code WORKER_EXITED is emitted before 'exit'.
 */
export class WorkerClient extends EventEmitter {
  readonly child: ChildProcess;
  /** shutdown sent: a clean exit (code 0) is expected. */
  private ending = false;
  /** kill() called: the exit is ours, not an error. */
  private killed = false;
  private exited = false;
  private readonly log: (text: string) => void;
  private readonly idleTimeoutMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Open requests: 'train', 'evaluate', or a predict or testImages request's id. */
  private readonly open = new Set<string | number>();

  constructor(opts: WorkerClientOptions) {
    super();
    this.log = opts.log ?? ((t) => process.stderr.write(t));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.child = fork(opts.workerPath, ['--backend', opts.backend ?? 'auto'], {
      // stdout is piped too: anything tfjs prints must not end up in a CLI's --json output.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone keeps NaN/Infinity losses intact (JSON would turn them into null).
      serialization: 'advanced',
      env: opts.env ?? process.env,
    });
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => this.log(t));
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => this.log(t));
    this.child.on('message', (m) => {
      const e = parseWorkerEvent(m);
      if (typeof e === 'string') {
        this.log(`lenet-lab: dropped a message from the worker: ${e}\n`);
        this.deliver(droppedError(m, e));
      } else {
        this.deliver(e);
      }
    });
    this.child.on('error', (err) => {
      // A message sent to a worker that has just died fails with EPIPE (or a closed channel)
      // before its 'exit' arrives; that exit is the one thing to report (WORKER_EXITED).
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_IPC_CHANNEL_CLOSED') return;
      if (!this.exited) this.log(`lenet-lab: worker process error: ${err.message}\n`);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.open.clear();
      this.armIdleTimer();
      if (!this.killed && !(this.ending && code === 0)) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.emit('event', {
          v: PROTOCOL_VERSION, type: 'error', code: 'WORKER_EXITED',
          message: `the training worker ${how}${this.ending ? ' while shutting down' : ''}`,
        } satisfies WorkerEvent);
      }
      this.emit('exit', code, signal);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Sends a command; false when the worker is gone. */
  send(cmd: CommandBody): boolean {
    if (this.exited || !this.child.connected) return false;
    if (cmd.type === 'shutdown') this.ending = true;
    if (cmd.type === 'train' || cmd.type === 'evaluate') this.open.add(cmd.type);
    if (cmd.type === 'predict' || cmd.type === 'testImages') this.open.add(cmd.id);
    this.armIdleTimer();
    this.child.send({ v: PROTOCOL_VERSION, ...cmd });
    return true;
  }

  /** Every event closes the request it answers and restarts the silence clock. */
  private deliver(e: WorkerEvent): void {
    if (e.type === 'done') this.open.delete('train');
    else if (e.type === 'evaluation') this.open.delete('evaluate');
    else if (e.type === 'prediction' || e.type === 'testImages') this.open.delete(e.id);
    else if (e.type === 'error') {
      if (e.id !== undefined) this.open.delete(e.id);
      else if (e.code !== 'BUSY') this.open.clear();
    }
    this.armIdleTimer();
    this.emit('event', e);
  }

  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.exited || this.open.size === 0 || !(this.idleTimeoutMs > 0)) return;
    this.idleTimer = setTimeout(() => {
      const waiting = [...new Set([...this.open].map((r) => (typeof r === 'number' ? 'a request' : r)))].join(', ');
      const secs = Math.round(this.idleTimeoutMs / 1000);
      this.kill();
      this.deliver({
        v: PROTOCOL_VERSION, type: 'error', code: 'TIMEOUT',
        message: `the worker sent nothing for ${secs} s while ${waiting} was running; it was stopped (run again; if it keeps happening, report it with the output above)`,
      });
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  onEvent(listener: (e: WorkerEvent) => void): () => void {
    this.on('event', listener);
    return () => this.off('event', listener);
  }

  /**
   * Resolves with the first event of one of these types. An `error` event rejects (unless listed),
   * except one with a request's id (predict, activations, testImages) while waiting for something else.
   */
  waitFor<K extends WorkerEvent['type']>(types: K | K[], timeoutMs = 0): Promise<EventOf<K>> {
    const want = new Set<string>(Array.isArray(types) ? types : [types]);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const off = this.onEvent((e) => {
        if (want.has(e.type)) {
          done();
          resolve(e as EventOf<K>);
        } else if (e.type === 'error' && (e.id === undefined || want.has('prediction') || want.has('activations') || want.has('testImages'))) {
          // An error with an id answers one request, not the command being waited for.
          done();
          reject(Object.assign(new Error(e.message), { code: e.code }));
        }
      });
      const done = () => {
        off();
        if (timer) clearTimeout(timer);
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${[...want].join('/')}`));
        }, timeoutMs);
      }
    });
  }

  /** Asks a running training to stop at the next batch boundary (harmless otherwise). */
  stop(): void {
    this.send({ type: 'stop' });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.killed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.exited) this.child.kill(signal);
  }

  /** Graceful shutdown (a running training saves its weights), then a kill after graceMs. */
  dispose(graceMs = 5000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs);
      this.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!this.send({ type: 'shutdown' })) this.kill();
    });
  }
}

/**
 * The error an invalid worker message turns into: it fails the request the message would have
 * answered (a predict's by its id), so nobody waits for an answer that was thrown away.
 */
function droppedError(raw: unknown, reason: string): WorkerEvent {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as { type?: unknown; id?: unknown };
  const id = (o.type === 'prediction' || o.type === 'testImages' || o.type === 'error') && Number.isInteger(o.id) ? (o.id as number) : undefined;
  return {
    v: PROTOCOL_VERSION, type: 'error', code: 'BAD_MESSAGE',
    message: `the worker sent a message that fails the protocol check (${reason}); the request was abandoned (a bug: please report it)`,
    ...(id !== undefined ? { id } : {}),
  };
}
