// A recording stand-in for the parts of the `vscode` API the controller and panel use, so the
// controller can be driven in plain Node against the REAL worker (dist/worker.js), real files and
// real child processes. Only VS Code's UI surface is replaced: messages, progress, status bar,
// output channel, webview panel, settings. (The real-VS-Code behaviour is covered by test:e2e.)
import Module from 'node:module';
import { join } from 'node:path';

type Listener<T> = (e: T) => unknown;
interface Disposable { dispose(): void }

function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  const event = (cb: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (e) => cb.call(thisArg, e);
    listeners.add(bound);
    const d = { dispose: () => void listeners.delete(bound) };
    disposables?.push(d);
    return d;
  };
  return { event, fire: (e: T) => [...listeners].forEach((l) => l(e)) };
}

class FakeUri {
  constructor(readonly fsPath: string, readonly scheme = 'file') {}
  static file(p: string) { return new FakeUri(p); }
  static joinPath(base: FakeUri, ...parts: string[]) { return new FakeUri(join(base.fsPath, ...parts)); }
  toString() { return `${this.scheme}://${this.fsPath}`; }
}

export interface Shown { kind: 'error' | 'warning' | 'info'; message: string; items: string[] }

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  private readonly received = emitter<unknown>();
  private readonly disposed = emitter<void>();
  visible = true;
  isDisposed = false;
  readonly webview = {
    html: '',
    options: {} as Record<string, unknown>,
    cspSource: 'https://fake.vscode-cdn.net',
    asWebviewUri: (u: FakeUri) => new FakeUri(u.fsPath, 'https'),
    postMessage: async (m: unknown) => {
      // Structured-clone like the real channel: the receiver never shares objects with the host.
      this.posted.push(structuredClone(m));
      return true;
    },
    onDidReceiveMessage: this.received.event,
  };
  onDidDispose = this.disposed.event;
  constructor(readonly viewType: string, readonly title: string, options: Record<string, unknown>) {
    this.webview.options = options;
  }
  reveal() { this.visible = true; }
  dispose() {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
  }
  /** As if the webview script called postMessage. */
  send(m: unknown) { this.received.fire(m); }
}

/**
 * Anything the fake does not model (languages.*, enums the hover features read at activation...)
 * is a universal no-op: callable, returns itself, every property is itself, dispose() works.
 */
function universal(): unknown {
  const fn = function () { return proxy; };
  const proxy: unknown = new Proxy(fn, {
    get: (_t, prop) => (prop === Symbol.toPrimitive ? () => 0 : prop === 'then' ? undefined : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

function lenient<T extends object>(obj: T): T {
  return new Proxy(obj, {
    get: (t, prop, r) => {
      if (prop in t) {
        const v = Reflect.get(t, prop, r);
        return v && typeof v === 'object' && !(v instanceof FakeUri) ? lenient(v as object) : v;
      }
      return typeof prop === 'symbol' || prop === 'then' ? undefined : universal();
    },
  });
}

export function createFakeVscode(extensionRoot: string, globalStorage: string) {
  const shown: Shown[] = [];
  const answers: Record<string, (string | undefined)[]> = { error: [], warning: [], info: [] };
  const contexts: Record<string, unknown> = {};
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  const output: string[] = [];
  const progress: { title: string; cancellable: boolean; reports: { message?: string; increment?: number }[]; cancel(): void; done: boolean }[] = [];
  const panels: FakeWebviewPanel[] = [];
  const statusItem = { text: '', tooltip: '', command: '', name: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
  const state = {
    settings: {} as Record<string, unknown>,
    workspaceFolder: undefined as string | undefined,
    quickPick: undefined as ((items: { runDir?: string }[]) => unknown) | undefined,
    saveDialog: undefined as string | undefined,
  };
  const message = (kind: Shown['kind']) => async (msg: string, ...items: string[]) => {
    shown.push({ kind, message: msg, items });
    return answers[kind].shift();
  };
  const vscode = {
    Uri: FakeUri,
    ViewColumn: { Active: -1 },
    ProgressLocation: { Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    window: {
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      createOutputChannel: (_name: string) => ({
        append: (t: string) => output.push(t),
        appendLine: (t: string) => output.push(`${t}\n`),
        show: () => undefined,
        dispose: () => undefined,
      }),
      createStatusBarItem: () => statusItem,
      withProgress: (opts: { title: string; cancellable: boolean }, task: (p: unknown, t: unknown) => Promise<unknown>) => {
        const cancel = emitter<void>();
        const rec = { title: opts.title, cancellable: opts.cancellable, reports: [] as { message?: string; increment?: number }[], cancel: () => cancel.fire(), done: false };
        progress.push(rec);
        return task({ report: (r: { message?: string; increment?: number }) => rec.reports.push(r) }, { onCancellationRequested: cancel.event })
          .finally(() => { rec.done = true; });
      },
      createWebviewPanel: (viewType: string, title: string, _show: unknown, options: Record<string, unknown>) => {
        const p = new FakeWebviewPanel(viewType, title, options);
        panels.push(p);
        return p;
      },
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
      showQuickPick: async (items: { runDir?: string }[]) => state.quickPick?.(items),
      showSaveDialog: async () => (state.saveDialog ? FakeUri.file(state.saveDialog) : undefined),
    },
    commands: {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        commands.set(id, fn);
        return { dispose: () => void commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          contexts[args[0] as string] = args[1];
          return undefined;
        }
        const fn = commands.get(id);
        if (!fn) throw new Error(`command ${id} not found`);
        return fn(...args);
      },
    },
    workspace: {
      getConfiguration: (section: string) => ({ get: (k: string) => state.settings[`${section}.${k}`] }),
      get workspaceFolders() {
        return state.workspaceFolder ? [{ uri: FakeUri.file(state.workspaceFolder), name: 'ws', index: 0 }] : undefined;
      },
    },
  };
  const memento = new Map<string, unknown>();
  const context = {
    subscriptions: [] as Disposable[],
    extensionUri: FakeUri.file(extensionRoot),
    globalStorageUri: FakeUri.file(globalStorage),
    asAbsolutePath: (p: string) => join(extensionRoot, p),
    workspaceState: {
      get: (k: string) => memento.get(k),
      update: async (k: string, v: unknown) => void memento.set(k, structuredClone(v)),
    },
  };
  // Bundlers' import helpers copy only own keys: name the API members the hover features use.
  const extra: Record<string, unknown> = {};
  for (const k of ['CodeLens', 'Diagnostic', 'DiagnosticSeverity', 'Disposable', 'EventEmitter', 'Hover', 'InlayHint',
    'InlayHintKind', 'MarkdownString', 'NotebookCellKind', 'Position', 'Range', 'languages', 'notebooks', 'env', 'extensions']) {
    extra[k] = universal();
  }
  Object.assign(vscode.workspace, { onDidChangeTextDocument: universal(), onDidOpenTextDocument: universal(), onDidCloseTextDocument: universal(), onDidChangeConfiguration: universal(), textDocuments: [], notebookDocuments: [] });
  Object.assign(vscode.window, { onDidChangeActiveTextEditor: universal(), visibleTextEditors: [] });
  return { vscode: lenient(Object.assign(vscode, extra)), context, shown, answers, contexts, commands, output, progress, panels, statusItem, state, memento };
}

/** Makes require('vscode') return `stub` for modules loaded after this call. */
export function installVscodeStub(stub: unknown): void {
  const M = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return 'vscode';
    return original.call(this, request, ...rest);
  };
  M._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
}
