// The status bar item (created when there is something to show) and the progress notification.
// Both render a PanelState; per-batch updates are coalesced to a few per second.
import * as vscode from 'vscode';
import type { PanelState } from '../shared/webviewProtocol';
import { Disposable, toDisposable } from './dispose';
import { statusBarText } from './statusText';

const UI_THROTTLE_MS = 250;

export class StatusBar extends Disposable {
  private item: vscode.StatusBarItem | undefined;
  private timer: NodeJS.Timeout | undefined;
  private progress: Progress | undefined;

  constructor(private readonly state: () => PanelState) {
    super();
    this._register(toDisposable(() => {
      if (this.timer) clearTimeout(this.timer);
      this.progress?.finish();
      this.item?.dispose();
    }));
  }

  /** Renders now, or within UI_THROTTLE_MS when `now` is false (per-batch updates). */
  update(now: boolean): void {
    if (this.isDisposed) return;
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.render();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.render();
      }, UI_THROTTLE_MS);
    }
  }

  /** A progress notification; `onCancel` when the user presses its Cancel. */
  startProgress(title: string, onCancel?: () => void): void {
    this.progress?.finish();
    this.progress = new Progress(title, onCancel);
  }

  finishProgress(): void {
    this.progress?.finish();
    this.progress = undefined;
  }

  private render(): void {
    const s = this.state();
    const text = statusBarText(s);
    if (text) {
      if (!this.item) {
        this.item = vscode.window.createStatusBarItem('lenetLab.status', vscode.StatusBarAlignment.Left, 10);
        this.item.name = 'LeNet Lab';
        this.item.command = 'lenet.showPanel';
      }
      this.item.text = text.text;
      this.item.tooltip = text.tooltip;
      this.item.show();
    } else {
      this.item?.hide();
    }
    if (!this.progress) return;
    if (s.status === 'training' && s.epoch && s.epochs) {
      const within = s.batches ? (s.batch ?? 0) / s.batches : 0;
      this.progress.update((s.epoch - 1 + within) / s.epochs, `Epoch ${s.epoch}/${s.epochs}${s.batches ? ` · batch ${s.batch ?? 0}/${s.batches}` : ''}`);
    } else if (s.message) {
      this.progress.update(undefined, s.message);
    }
  }
}

/** One progress notification, open until finish(). */
class Progress {
  private reporter: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private reported = 0;
  finish!: () => void;

  constructor(title: string, onCancel?: () => void) {
    const finished = new Promise<void>((r) => (this.finish = r));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: !!onCancel },
      (progress, token) => {
        this.reporter = progress;
        if (onCancel) token.onCancellationRequested(onCancel);
        return finished;
      },
    );
  }

  update(fraction: number | undefined, message: string): void {
    if (!this.reporter) return;
    const pct = fraction === undefined ? this.reported : Math.max(this.reported, Math.min(100, fraction * 100));
    this.reporter.report({ message, increment: pct - this.reported });
    this.reported = pct;
  }
}
