// A recording stand-in for the `vscode` API, so the extension can be driven in plain Node against
// the REAL worker (dist/worker.js), real files and real child processes. Only VS Code's UI and
// editor surface is replaced: messages, quick pick, progress, status bar, output channel, webview
// panels and their serializer, settings, documents and notebooks, language registrations.
//
// It models exactly the members the extension uses (src/host/**). Reading any other member of the
// module, a namespace or an object it hands out THROWS, naming the member, and is also recorded in
// `violations` (the shape providers catch and log every error, so a throw alone could go unseen):
// a misspelled or nonexistent API call fails the tests instead of passing as a no-op.
// (The real-VS-Code behaviour is covered by test:e2e.)
import Module from 'node:module';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

type Listener<T> = (e: T) => unknown;
interface Disposable { dispose(): void }

/** Members every JS object answers (toString, valueOf...) and probes that runtimes and libraries make. */
const HARMLESS = new Set<PropertyKey>(['then', 'toJSON', '__esModule', 'asymmetricMatch', 'nodeType', '$$typeof', 'inspect', 'href']);

/** Where unmodelled-member errors are recorded (one list per createFakeVscode). */
let record: (message: string) => void = () => undefined;

/**
 * A prototype that throws on any member it is asked for: put at the end of an object's
 * prototype chain, it turns "not modelled" into an error that names `owner.member`.
 */
function unmodelled(owner: string): object {
  return new Proxy(Object.create(null), {
    get: (_t, prop) => {
      if (typeof prop === 'symbol' || HARMLESS.has(prop)) return undefined;
      if (prop in Object.prototype) return Reflect.get(Object.prototype, prop);
      const message = `the fake vscode does not model ${owner}.${prop}: model it in test/host/fakeVscode.ts if the extension really uses it`;
      record(message);
      throw new Error(message);
    },
  });
}

/** `members` as an object whose unknown members throw (named `owner.member`). */
function strict<T extends object>(owner: string, members: T): T {
  // Descriptors, not values: getters (workspaceFolders, activeTextEditor...) stay live.
  return Object.create(unmodelled(owner), Object.getOwnPropertyDescriptors(members)) as T;
}

/** Makes instances of `cls` throw on members the class does not define. */
function strictClass(owner: string, cls: { prototype: object }): void {
  Object.setPrototypeOf(cls.prototype, unmodelled(owner));
}

export function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  const event = (cb: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (e) => cb.call(thisArg, e);
    listeners.add(bound);
    const d = { dispose: () => void listeners.delete(bound) };
    disposables?.push(d);
    return d;
  };
  return { event, fire: (e: T) => [...listeners].forEach((l) => l(e)), get count() { return listeners.size; } };
}

export class FakeUri {
  constructor(readonly fsPath: string, readonly scheme = 'file', readonly fragment = '') {}
  get path() { return this.fsPath; }
  static file(p: string) { return new FakeUri(p); }
  /** "file:///a/b" and other "scheme://path#fragment" strings, as the real Uri.parse reads them. */
  static parse(value: string) {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/)?([^#]*)(?:#(.*))?$/i.exec(value);
    if (!m) throw new Error(`the fake Uri.parse cannot read ${JSON.stringify(value)}`);
    return new FakeUri(decodeURIComponent(m[2]), m[1], m[3] ?? '');
  }
  static joinPath(base: FakeUri, ...parts: string[]) { return new FakeUri(join(base.fsPath, ...parts), base.scheme); }
  toString() { return `${this.scheme}://${this.fsPath}${this.fragment ? `#${this.fragment}` : ''}`; }
}
strictClass('Uri', FakeUri);

export class FakePosition {
  constructor(readonly line: number, readonly character: number) {}
  compareTo(o: FakePosition) { return this.line - o.line || this.character - o.character; }
  isEqual(o: FakePosition) { return this.compareTo(o) === 0; }
}
strictClass('Position', FakePosition);

export class FakeRange {
  constructor(readonly start: FakePosition, readonly end: FakePosition) {}
  get isEmpty() { return this.start.isEqual(this.end); }
  contains(p: FakePosition | FakeRange): boolean {
    if (p instanceof FakeRange) return this.contains(p.start) && this.contains(p.end);
    return this.start.compareTo(p) <= 0 && p.compareTo(this.end) <= 0;
  }
}
strictClass('Range', FakeRange);

class FakeMarkdownString {
  /** As in VS Code: which command links the hover may run (false: none). */
  isTrusted: boolean | { enabledCommands: string[] } = false;
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}
strictClass('MarkdownString', FakeMarkdownString);
class FakeHover { constructor(readonly contents: FakeMarkdownString, readonly range?: FakeRange) {} }
strictClass('Hover', FakeHover);
export class FakeInlayHint {
  paddingLeft?: boolean;
  tooltip?: string;
  constructor(readonly position: FakePosition, readonly label: string, readonly kind?: number) {}
}
strictClass('InlayHint', FakeInlayHint);
class FakeCodeLens { constructor(readonly range: FakeRange, readonly command?: { title: string; command: string; arguments?: unknown[] }) {} }
strictClass('CodeLens', FakeCodeLens);
export class FakeDiagnostic {
  source?: string;
  constructor(readonly range: FakeRange, readonly message: string, readonly severity: number) {}
}
strictClass('Diagnostic', FakeDiagnostic);

class FakeEventEmitter<T> {
  private readonly e = emitter<T>();
  readonly event = this.e.event;
  fire(v: T) { this.e.fire(v); }
  dispose() {}
}
strictClass('EventEmitter', FakeEventEmitter);

/** A text document (a file or a notebook cell) whose text a test can edit. */
export class FakeTextDocument {
  version = 1;
  constructor(readonly uri: FakeUri, readonly languageId: string, private text: string) {}
  get fileName() { return this.uri.fsPath; }
  getText() { return this.text; }
  /** As if the user typed: new text, next version. */
  setText(text: string) {
    this.text = text;
    this.version++;
  }
  positionAt(offset: number): FakePosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const before = this.text.slice(0, o);
    const line = before.split('\n').length - 1;
    return new FakePosition(line, o - (before.lastIndexOf('\n') + 1));
  }
  offsetAt(p: FakePosition): number {
    const lines = this.text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += lines[i].length + 1;
    return Math.min(o + Math.min(p.character, (lines[p.line] ?? '').length), this.text.length);
  }
  getWordRangeAtPosition(p: FakePosition): FakeRange | undefined {
    const at = this.offsetAt(p);
    const re = /\w+/g;
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      if (m.index <= at && at <= m.index + m[0].length) return new FakeRange(this.positionAt(m.index), this.positionAt(m.index + m[0].length));
    }
    return undefined;
  }
}
strictClass('TextDocument', FakeTextDocument);

export const NotebookCellKind = { Markup: 1, Code: 2 } as const;

/** A notebook as the notebook editor shows it: cells with their own documents (vscode-notebook-cell). */
export class FakeNotebook {
  readonly cells: { kind: number; document: FakeTextDocument; index: number }[];
  constructor(readonly uri: FakeUri, cells: { kind: 'code' | 'markdown'; text: string }[]) {
    this.cells = cells.map((c, index) => ({
      kind: c.kind === 'code' ? NotebookCellKind.Code : NotebookCellKind.Markup,
      document: new FakeTextDocument(new FakeUri(uri.fsPath, 'vscode-notebook-cell', `W${index}sZmlsZQ`), c.kind === 'code' ? 'python' : 'markdown', c.text),
      index,
    }));
  }
  getCells() { return this.cells; }
}
strictClass('NotebookDocument', FakeNotebook);

/** vscode.languages.match for the selectors the extension uses ({ language } and { pattern: '**\/*.ext' }). */
function matchSelector(selector: unknown, doc: FakeTextDocument): number {
  const filters = Array.isArray(selector) ? selector : [selector];
  let score = 0;
  for (const f of filters as { language?: string; pattern?: string; scheme?: string }[]) {
    if (typeof f === 'string') throw new Error('the fake vscode models only filter objects in a DocumentSelector');
    for (const k of Object.keys(f)) if (k !== 'language' && k !== 'pattern') throw new Error(`the fake vscode does not model DocumentFilter.${k}`);
    if (f.language && f.language === doc.languageId) score = Math.max(score, 10);
    if (f.pattern) {
      const m = /^\*\*\/\*(\.[\w.]+)$/.exec(f.pattern);
      if (!m) throw new Error(`the fake vscode models only "**/*.ext" patterns, not ${f.pattern}`);
      if (doc.uri.fsPath.endsWith(m[1])) score = Math.max(score, 5);
    }
  }
  return score;
}

export interface Shown { kind: 'error' | 'warning' | 'info'; message: string; items: string[]; modal?: boolean }

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  private readonly received = emitter<unknown>();
  private readonly disposed = emitter<void>();
  visible = true;
  isDisposed = false;
  readonly webview: { html: string; options: Record<string, unknown>; cspSource: string; asWebviewUri(u: FakeUri): FakeUri; postMessage(m: unknown): Promise<boolean>; onDidReceiveMessage: ReturnType<typeof emitter<unknown>>['event'] };
  onDidDispose = this.disposed.event;
  constructor(readonly viewType: string, readonly title: string, options: Record<string, unknown>) {
    this.webview = strict('Webview', {
      html: '',
      options,
      cspSource: 'https://fake.vscode-cdn.net',
      asWebviewUri: (u: FakeUri) => new FakeUri(u.fsPath, 'https'),
      postMessage: async (m: unknown) => {
        // Structured-clone like the real channel: the receiver never shares objects with the host.
        if (!this.isDisposed) this.posted.push(structuredClone(m));
        return !this.isDisposed;
      },
      onDidReceiveMessage: this.received.event,
    });
  }
  reveal() { this.visible = true; }
  /** As if the user closed the panel's tab (VS Code disposes it). */
  dispose() {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.visible = false;
    this.disposed.fire();
  }
  /** As if the webview script called postMessage. */
  send(m: unknown) { this.received.fire(m); }
}
strictClass('WebviewPanel', FakeWebviewPanel);

type QuickPickItem = { label: string; description?: string; detail?: string; runDir?: string };
export interface ProgressRecord {
  title: string; cancellable: boolean; reports: { message?: string; increment?: number }[];
  /** As if the user pressed the notification's Cancel button. */
  cancel(): void;
  done: boolean;
}
export interface Registration { kind: 'hover' | 'inlayHints' | 'codeLens'; selector: unknown; provider: Record<string, (...a: unknown[]) => unknown> & { onDidChangeInlayHints?: (cb: () => void) => Disposable; onDidChangeCodeLenses?: (cb: () => void) => Disposable } }
export interface DiagnosticSet { at: number; uri: string; diagnostics: FakeDiagnostic[] }

export function createFakeVscode(extensionRoot: string, globalStorage: string) {
  const violations: string[] = [];
  record = (m) => violations.push(m);
  const shown: Shown[] = [];
  const answers: Record<string, (string | undefined)[]> = { error: [], warning: [], info: [] };
  /** Pending answers to showWarningMessage etc. that the test resolves itself (e.g. "the user clicks later"). */
  const heldAnswers: Record<string, ((resolve: (v: string | undefined) => void) => void)[]> = { error: [], warning: [], info: [] };
  /** Answers for showQuickPick, in order: each picks an item (or undefined = the user pressed Escape). */
  const quickPicks: ((items: QuickPickItem[], options: { title?: string }) => QuickPickItem | undefined)[] = [];
  /** Answers for showInputBox, in order: a string typed, or undefined = Escape. */
  const inputBoxes: (string | undefined)[] = [];
  /** Built-in commands the extension ran that the fake does not implement (revealFileInOS). */
  const builtins: { id: string; args: unknown[] }[] = [];
  /** Folders moved to the trash (workspace.fs.delete with useTrash), moved under <globalStorage>/../trash. */
  const trashed: string[] = [];
  const contexts: Record<string, unknown> = {};
  /** Documents the extension showed in an editor (showTextDocument), with the selection. */
  const shownDocuments: { uri: string; selection?: FakeRange }[] = [];
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  const output: string[] = [];
  const progress: ProgressRecord[] = [];
  const panels: FakeWebviewPanel[] = [];
  const serializers = new Map<string, { deserializeWebviewPanel(panel: FakeWebviewPanel, state: unknown): Promise<void> }>();
  const registrations: Registration[] = [];
  const diagnostics: DiagnosticSet[] = [];
  const events = {
    openText: emitter<FakeTextDocument>(),
    changeText: emitter<{ document: FakeTextDocument; contentChanges: unknown[] }>(),
    closeText: emitter<FakeTextDocument>(),
    changeNotebook: emitter<{ notebook: FakeNotebook; contentChanges: unknown[] }>(),
    changeConfiguration: emitter<{ affectsConfiguration(section: string): boolean }>(),
  };
  const statusItem = strict('StatusBarItem', {
    text: '', tooltip: '' as unknown, command: '', name: '', visible: false,
    show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {},
  });
  const state = {
    settings: {} as Record<string, unknown>,
    workspaceFolder: undefined as string | undefined,
    saveDialog: undefined as string | undefined,
    /** What showOpenDialog answers (a path), or undefined = the user cancelled. */
    openDialog: undefined as string | undefined,
    /** Workspace trust (Restricted Mode when false). */
    trusted: true,
    textDocuments: [] as FakeTextDocument[],
    notebookDocuments: [] as FakeNotebook[],
    activeTextEditor: undefined as { document: FakeTextDocument; selection: { active: FakePosition } } | undefined,
  };
  const message = (kind: Shown['kind']) => (msg: string, ...rest: unknown[]): Promise<string | undefined> => {
    // An options object ({ modal: true }) may come first, as in VS Code's API.
    const options = typeof rest[0] === 'object' && rest[0] !== null ? rest.shift() as { modal?: boolean } : undefined;
    if (options && Object.keys(options).some((k) => k !== 'modal')) throw new Error(`the fake models only the "modal" message option, not ${JSON.stringify(options)}`);
    const items = rest as string[];
    shown.push({ kind, message: msg, items, ...(options?.modal ? { modal: true } : {}) });
    const held = heldAnswers[kind].shift();
    if (held) return new Promise((resolve) => held(resolve));
    return Promise.resolve(answers[kind].shift());
  };
  const collection = (name: string) => strict('DiagnosticCollection', {
    name,
    set: (uri: FakeUri, d: FakeDiagnostic[]) => void diagnostics.push({ at: Date.now(), uri: uri.toString(), diagnostics: d }),
    delete: (uri: FakeUri) => void diagnostics.push({ at: Date.now(), uri: uri.toString(), diagnostics: [] }),
    dispose: () => undefined,
  });
  const register = (kind: Registration['kind']) => (selector: unknown, provider: Registration['provider']) => {
    registrations.push({ kind, selector, provider });
    return strict('Disposable', { dispose: () => undefined });
  };

  const window = strict('vscode.window', {
    showErrorMessage: message('error'),
    showWarningMessage: message('warning'),
    showInformationMessage: message('info'),
    createOutputChannel: (name: string) => strict('OutputChannel', {
      name,
      append: (t: string) => void output.push(t),
      appendLine: (t: string) => void output.push(`${t}\n`),
      show: () => undefined,
      dispose: () => undefined,
    }),
    createStatusBarItem: (_id: string, _alignment: number, _priority: number) => statusItem,
    withProgress: (opts: { title: string; cancellable: boolean; location: number }, task: (p: unknown, t: unknown) => Promise<unknown>) => {
      if (opts.location !== ProgressLocation.Notification) throw new Error(`the fake vscode models only notification progress, not location ${opts.location}`);
      const cancel = emitter<void>();
      let cancelled = false;
      const rec: ProgressRecord = {
        title: opts.title, cancellable: opts.cancellable, reports: [], done: false,
        cancel: () => {
          if (!opts.cancellable) throw new Error(`the progress "${opts.title}" has no Cancel button`);
          cancelled = true;
          cancel.fire();
        },
      };
      progress.push(rec);
      const token = strict('CancellationToken', { get isCancellationRequested() { return cancelled; }, onCancellationRequested: cancel.event });
      return task(strict('Progress', { report: (r: { message?: string; increment?: number }) => void rec.reports.push(r) }), token)
        .finally(() => { rec.done = true; });
    },
    createWebviewPanel: (viewType: string, title: string, _show: unknown, options: Record<string, unknown>) => {
      const p = new FakeWebviewPanel(viewType, title, options);
      panels.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (viewType: string, serializer: { deserializeWebviewPanel(panel: FakeWebviewPanel, state: unknown): Promise<void> }) => {
      if (serializers.has(viewType)) throw new Error(`a serializer for ${viewType} is already registered`);
      serializers.set(viewType, serializer);
      return strict('Disposable', { dispose: () => void serializers.delete(viewType) });
    },
    showQuickPick: async (items: QuickPickItem[], options: { title?: string; placeHolder?: string }) => {
      const answer = quickPicks.shift();
      if (!answer) {
        const m = `showQuickPick "${options?.title ?? ''}" was called but the test queued no answer (fake.quickPicks)`;
        violations.push(m);
        throw new Error(m);
      }
      return answer(items, options);
    },
    showInputBox: async (options: { title?: string; value?: string; validateInput?: (v: string) => string | undefined }) => {
      if (inputBoxes.length === 0) {
        const m = `showInputBox "${options?.title ?? ''}" was called but the test queued no answer (fake.inputBoxes)`;
        violations.push(m);
        throw new Error(m);
      }
      const v = inputBoxes.shift();
      if (v !== undefined && options?.validateInput?.(v)) throw new Error(`the fake's input "${v}" fails the box's validation`);
      return v;
    },
    showSaveDialog: async () => (state.saveDialog ? FakeUri.file(state.saveDialog) : undefined),
    showOpenDialog: async () => (state.openDialog ? [FakeUri.file(state.openDialog)] : undefined),
    /** Records the document and where the editor put the cursor. */
    showTextDocument: async (doc: FakeTextDocument, options?: { selection?: FakeRange; preview?: boolean }) => {
      shownDocuments.push({ uri: doc.uri.toString(), selection: options?.selection });
      return strict('TextEditor', { document: doc });
    },
    get activeTextEditor() { return state.activeTextEditor; },
  });
  const ProgressLocation = strict('vscode.ProgressLocation', { Notification: 15 });
  const vscode = strict('vscode', {
    Uri: FakeUri,
    Position: FakePosition,
    Range: FakeRange,
    MarkdownString: FakeMarkdownString,
    Hover: FakeHover,
    InlayHint: FakeInlayHint,
    InlayHintKind: strict('vscode.InlayHintKind', { Type: 1, Parameter: 2 }),
    CodeLens: FakeCodeLens,
    Diagnostic: FakeDiagnostic,
    DiagnosticSeverity: strict('vscode.DiagnosticSeverity', { Error: 0, Warning: 1, Information: 2, Hint: 3 }),
    EventEmitter: FakeEventEmitter,
    NotebookCellKind: strict('vscode.NotebookCellKind', NotebookCellKind),
    ViewColumn: strict('vscode.ViewColumn', { Active: -1 }),
    ProgressLocation,
    StatusBarAlignment: strict('vscode.StatusBarAlignment', { Left: 1, Right: 2 }),
    window,
    commands: strict('vscode.commands', {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, fn);
        return strict('Disposable', { dispose: () => void commands.delete(id) });
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        if (id === 'setContext') {
          contexts[args[0] as string] = args[1];
          return undefined;
        }
        if (id === 'revealFileInOS') {
          builtins.push({ id, args });
          return undefined;
        }
        const fn = commands.get(id);
        if (!fn) throw new Error(`command '${id}' not found`);
        return fn(...args);
      },
    }),
    languages: strict('vscode.languages', {
      createDiagnosticCollection: collection,
      match: (selector: unknown, doc: FakeTextDocument) => matchSelector(selector, doc),
      registerHoverProvider: register('hover'),
      registerInlayHintsProvider: register('inlayHints'),
      registerCodeLensProvider: register('codeLens'),
    }),
    workspace: strict('vscode.workspace', {
      getConfiguration: (section: string) => strict('WorkspaceConfiguration', {
        get: <T>(k: string, fallback?: T) => {
          const v = state.settings[`${section}.${k}`];
          return v === undefined ? fallback : v;
        },
      }),
      get isTrusted() { return state.trusted; },
      fs: strict('vscode.workspace.fs', {
        delete: async (uri: FakeUri, options: { recursive?: boolean; useTrash?: boolean }) => {
          if (!options?.useTrash || !options.recursive) throw new Error('the fake models only delete(uri, { recursive: true, useTrash: true })');
          const trash = join(globalStorage, '..', 'trash');
          mkdirSync(trash, { recursive: true });
          renameSync(uri.fsPath, join(trash, `${trashed.length}-${basename(uri.fsPath)}`));
          trashed.push(uri.fsPath);
        },
      }),
      get workspaceFolders() {
        return state.workspaceFolder ? [strict('WorkspaceFolder', { uri: FakeUri.file(state.workspaceFolder), name: 'ws', index: 0 })] : undefined;
      },
      get textDocuments() { return state.textDocuments; },
      get notebookDocuments() { return state.notebookDocuments; },
      asRelativePath: (uri: FakeUri) => (state.workspaceFolder ? relative(state.workspaceFolder, uri.fsPath) : uri.fsPath),
      openTextDocument: async (uri: FakeUri) => {
        const open = state.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (open) return open;
        const lang = uri.fsPath.endsWith('.py') ? 'python' : uri.fsPath.endsWith('.ts') ? 'typescript' : uri.fsPath.endsWith('.js') ? 'javascript' : 'plaintext';
        const doc = new FakeTextDocument(uri, lang, readFileSync(uri.fsPath, 'utf8'));
        state.textDocuments.push(doc);
        events.openText.fire(doc);
        return doc;
      },
      onDidOpenTextDocument: events.openText.event,
      onDidChangeTextDocument: events.changeText.event,
      onDidCloseTextDocument: events.closeText.event,
      onDidChangeNotebookDocument: events.changeNotebook.event,
      onDidChangeConfiguration: events.changeConfiguration.event,
    }),
  });
  const memento = new Map<string, unknown>();
  const context = strict('ExtensionContext', {
    subscriptions: [] as Disposable[],
    extensionUri: FakeUri.file(extensionRoot),
    globalStorageUri: FakeUri.file(globalStorage),
    asAbsolutePath: (p: string) => join(extensionRoot, p),
    workspaceState: strict('Memento', {
      get: (k: string) => memento.get(k),
      update: async (k: string, v: unknown) => void memento.set(k, structuredClone(v)),
    }),
  });

  /**
   * As VS Code does after a window reload for a panel that was open: a new panel of `viewType`
   * handed to the registered serializer with the webview's saved state.
   */
  async function restorePanel(viewType: string, savedState: unknown): Promise<FakeWebviewPanel> {
    const s = serializers.get(viewType);
    if (!s) throw new Error(`no WebviewPanelSerializer registered for ${viewType}`);
    const p = new FakeWebviewPanel(viewType, 'LeNet Lab', {});
    panels.push(p);
    await s.deserializeWebviewPanel(p, savedState);
    return p;
  }

  /** As if the user typed: the document gets `text` and VS Code fires onDidChangeTextDocument. */
  function editDocument(doc: FakeTextDocument, text: string): void {
    doc.setText(text);
    events.changeText.fire({ document: doc, contentChanges: [{ text }] });
  }

  /** Opens a file or notebook cells as VS Code would (textDocuments, then onDidOpenTextDocument). */
  function openDocument(doc: FakeTextDocument): FakeTextDocument {
    state.textDocuments.push(doc);
    events.openText.fire(doc);
    return doc;
  }

  function openNotebook(nb: FakeNotebook): FakeNotebook {
    state.notebookDocuments.push(nb);
    for (const c of nb.getCells()) openDocument(c.document);
    return nb;
  }

  /** A settings change as VS Code reports it (affectsConfiguration for the changed keys and their sections). */
  function changeSettings(changes: Record<string, unknown>): void {
    Object.assign(state.settings, changes);
    const keys = Object.keys(changes);
    events.changeConfiguration.fire(strict('ConfigurationChangeEvent', {
      affectsConfiguration: (section: string) => keys.some((k) => k === section || k.startsWith(`${section}.`)),
    }));
  }

  return {
    vscode, context, shown, answers, heldAnswers, quickPicks, inputBoxes, builtins, trashed, contexts, commands, output, progress, panels,
    statusItem, state, memento, violations, serializers, registrations, diagnostics, events, shownDocuments,
    restorePanel, editDocument, openDocument, openNotebook, changeSettings,
    file: (path: string, languageId: string, text: string) => new FakeTextDocument(FakeUri.file(path), languageId, text),
    notebook: (path: string, cells: { kind: 'code' | 'markdown'; text: string }[]) => new FakeNotebook(FakeUri.file(path), cells),
  };
}

export type FakeVscode = ReturnType<typeof createFakeVscode>;

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
