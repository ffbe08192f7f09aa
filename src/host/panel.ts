// The training panel (one at a time), in the style of the VS Code webview sample: the class owns
// its disposables (Disposable base), `createOrShow` reveals or creates it, `revive` adopts a panel VS Code restores
// after a window reload (WebviewPanelSerializer). Closing the panel does not stop training: the
// host keeps the state and re-sends it when the webview says 'ready'.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { HostMessage, WebviewMessage } from '../shared/webviewProtocol';
import { panelHtml } from './panelHtml';
import { checkWebviewMessage } from './webviewMessages';
import { Disposable } from './dispose';

export const PANEL_VIEW_TYPE = 'lenetLab.training';

/** What the panel needs from the rest of the extension. */
export interface PanelHost {
  /** A validated message from the webview. */
  onWebviewMessage(message: WebviewMessage): void;
  /** Run folders the host has listed (the only runDir values the webview may send). */
  knownRuns(): ReadonlySet<string>;
  /** The output channel. */
  log(line: string): void;
  /** The panel was closed by the user. */
  onPanelDisposed(): void;
}

export class TrainingPanel extends Disposable {
  static current: TrainingPanel | undefined;

  /** Reveals the panel, creating it if needed. */
  static createOrShow(extensionUri: vscode.Uri, host: PanelHost, preserveFocus = false): TrainingPanel {
    if (TrainingPanel.current) {
      TrainingPanel.current.panel.reveal(undefined, preserveFocus);
      return TrainingPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'LeNet Lab',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      TrainingPanel.webviewOptions(extensionUri),
    );
    TrainingPanel.current = new TrainingPanel(panel, extensionUri, host);
    return TrainingPanel.current;
  }

  /** Adopts a panel restored by VS Code after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: PanelHost): TrainingPanel {
    TrainingPanel.current?.dispose();
    // The restored panel keeps its old options; set them again (asset roots may have moved).
    panel.webview.options = TrainingPanel.webviewOptions(extensionUri);
    TrainingPanel.current = new TrainingPanel(panel, extensionUri, host);
    return TrainingPanel.current;
  }

  /** Scripts on, and only the built assets readable (no workspace files, no home folder). */
  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
      // Not needed: the webview re-asks for the whole state with 'ready' whenever it is rebuilt.
      retainContextWhenHidden: false,
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    super();
    panel.webview.html = this.html();
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  get visible(): boolean {
    return !this.isDisposed && this.panel.visible;
  }

  /** Sends a message; silently does nothing once the panel is gone. */
  post(message: HostMessage): void {
    if (this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(raw: unknown): void {
    const check = checkWebviewMessage(raw, this.host.knownRuns());
    if (!check.ok) {
      // Never acted on; logged with a bounded excerpt so a huge message cannot flood the log.
      let excerpt: string;
      try {
        excerpt = JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
      } catch {
        excerpt = '(not serialisable)';
      }
      this.host.log(`[panel] dropped a message from the webview: ${check.reason}: ${excerpt}`);
      return;
    }
    this.host.onWebviewMessage(check.message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    const styles: string[] = [];
    // dist/webview.css exists only when the webview bundle imports CSS; skip what is not there.
    for (const p of [['dist', 'webview.css'], ['media', 'panel.css']]) {
      if (existsSync(vscode.Uri.joinPath(this.extensionUri, ...p).fsPath)) styles.push(asset(...p));
    }
    return panelHtml({ cspSource: webview.cspSource, script: asset('dist', 'webview.js'), styles });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose(); // the listeners first: the panel's own onDidDispose must not come back here
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    this.panel.dispose();
    this.host.onPanelDisposed();
  }
}
