// What the command handlers, the panel's message handlers and the notifications need from the
// extension's composition root (controller.ts implements it). They import this interface, never
// the controller, so the data flow stays one-way: controller -> handlers -> session / store.
import type * as vscode from 'vscode';
import type { EvaluationResult, HostMessage, PanelState } from '../shared/webviewProtocol';
import type { InsideRequests } from './insideRequests';
import type { Output } from './output';
import type { RunStoreAction, RunStoreState } from './runStore';
import type { TrainingSession } from './session';
import type { SettingsContext } from './settings';

export interface Lab {
  readonly ctx: vscode.ExtensionContext;
  readonly output: Output;
  readonly session: TrainingSession;
  readonly inside: InsideRequests;
  readonly runStore: RunStoreState;
  /** The last evaluation and the model it evaluated (a run folder, its best/, or a Keras .h5). */
  evaluation: { target: string; result: EvaluationResult } | undefined;
  /** An evaluation in progress: the name of what it evaluates. */
  evaluating: string | undefined;
  /** Why the last evaluation failed (shown as the panel's message until the next one). */
  evaluationFailed: string | undefined;
  /** A Keras .h5 evaluated last: try-it and Inside answer with it until a run is opened or trained. */
  kerasModel: string | undefined;
  /** Panel text about how the live run differs from its model file. */
  notice: string | undefined;
  dispatch(a: RunStoreAction): void;
  refreshRuns(broadcast?: boolean): void;
  isRunActive(): boolean;
  answeringModel(): string | undefined;
  view(): PanelState;
  broadcast(): void;
  post(m: HostMessage): void;
  log(line: string): void;
  showPanel(preserveFocus?: boolean): void;
  panelVisible(): boolean;
  startProgress(title: string, cancellable: boolean): void;
  finishProgress(): void;
  schedulePersist(now?: boolean): Promise<void>;
  settingsContext(): SettingsContext;
  outputDirectory(): string;
  cacheDir(): string;
  setting<T>(key: string, fallback: T): T;
}
