// Keras-style training output. On a terminal: `Epoch 1/50`, then a progress bar refreshed in place
//   125/938 [===>..........................] - ETA: 32s - loss: 0.4321 - accuracy: 0.8765
// and the finished line with val_loss / val_accuracy. Elsewhere (pipes, CI logs): one line per epoch.
import type { EpochMetrics } from '../shared/protocol';
import { formatEpochLine, kerasNumber as metric } from '../shared/kerasLog';

const WIDTH = 30;

/** Keras's bar: '=' done, '>' head, '.' to go. */
export function bar(current: number, target: number): string {
  const done = target > 0 ? Math.floor((WIDTH * current) / target) : WIDTH;
  let s = '';
  if (done > 0) s = '='.repeat(done - 1) + (current < target ? '>' : '=');
  return `[${s}${'.'.repeat(WIDTH - s.length)}]`;
}

/** Keras's ETA format: 45s, 3:05, 1:02:03. */
export function eta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

export function progressLine(batch: number, batches: number, elapsedSec: number, loss: number, acc: number): string {
  const digits = String(batches).length;
  const left = batch > 0 ? (elapsedSec / batch) * (batches - batch) : 0;
  return `${String(batch).padStart(digits)}/${batches} ${bar(batch, batches)} - ETA: ${eta(left)} - loss: ${metric(loss)} - accuracy: ${metric(acc)}`;
}

/** The one-line-per-epoch form for logs. */
export function plainEpochLine(m: EpochMetrics, epochs: number, batches: number): string {
  const ms = batches ? Math.round((m.seconds * 1000) / batches) : 0;
  return `Epoch ${m.epoch}/${epochs} - ${Math.round(m.seconds)}s ${ms}ms/step - loss: ${metric(m.loss)} - accuracy: ${metric(m.acc)} - val_loss: ${metric(m.val_loss)} - val_accuracy: ${metric(m.val_acc)}`;
}

/** Renders training events to a stream, Keras-like. */
export class KerasProgress {
  private batches = 0;
  private epochStart = 0;
  private lineOpen = false;

  constructor(private readonly out: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean }) {}

  private get tty(): boolean {
    return !!this.out.isTTY;
  }

  epochBegin(epoch: number, epochs: number, batches: number): void {
    this.batches = batches;
    this.epochStart = performance.now();
    if (this.tty) this.out.write(`Epoch ${epoch}/${epochs}\n`);
  }

  batchEnd(batch: number, batches: number, loss: number, acc: number): void {
    if (!this.tty) return;
    const line = progressLine(batch, batches, (performance.now() - this.epochStart) / 1000, loss, acc);
    this.out.write(`\r${line}\x1b[K`);
    this.lineOpen = true;
  }

  epochEnd(m: EpochMetrics, epochs: number): void {
    if (this.tty) {
      this.out.write(`\r${formatEpochLine(m, this.batches)}\x1b[K\n`);
      this.lineOpen = false;
    } else {
      this.out.write(plainEpochLine(m, epochs, this.batches) + '\n');
    }
  }

  /** Ends a half-drawn bar line (before printing anything else). */
  breakLine(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }
}
