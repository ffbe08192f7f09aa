// Drives a real VS Code workbench for the end-to-end suite: code-server 4.96.4 (VS Code 1.96.4,
// real Node extension host) started isolated in temp dirs, and Debian chromium driven by
// playwright-core like a user (command palette, editors, hovers, the webview panel).
// Why code-server and not @vscode/test-electron: see ../shared/notes/real-vscode-e2e.md
// (VS Code desktop/Electron cannot be downloaded on these machines; code-server from npm can).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LENET_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** User settings that keep the trust modal, welcome page, tips and update checks out of the way. */
export const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'editor.hover.delay': 150,
  'window.commandCenter': false,
  // A restored panel must not wait for a confirmation dialog on reload.
  'window.confirmBeforeClose': 'never',
};

export interface Timings {
  [what: string]: number;
}

/** Milliseconds since `t0`, rounded. */
export function since(t0: number): number {
  return Math.round(performance.now() - t0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface SessionOptions {
  /** code-server's out/node/entry.js (printed by scripts/setup-code-server.sh). */
  entry: string;
  /** The .vsix to install; omitted = run without our extension. */
  vsix?: string;
  /** Folder whose files are copied into the temp workspace. */
  fixture: string;
  /** Written to <workspace>/.vscode/settings.json ($WORKSPACE is replaced by the workspace path). */
  workspaceSettings?: Record<string, unknown>;
  /** Screenshots and logs go here (outside the repo). */
  artifacts: string;
  viewport?: { width: number; height: number };
  /** Extra environment for code-server (and so its extension host and our worker). */
  env?: NodeJS.ProcessEnv;
}

/**
 * One isolated code-server + chromium. Every path it writes is under a fresh temp dir
 * (XDG dirs, user data, extensions, browser profile); `close()` kills the server's whole
 * process group (the extension host and our training worker included) and the browser.
 */
export class VSCodeSession {
  readonly timings: Timings = {};
  readonly root: string;
  readonly workspace: string;
  page!: Page;
  private browser?: Browser;
  private server?: ChildProcess;
  private port = 0;
  private shot = 0;
  private closed = false;
  private readonly onExit = () => this.killServer();
  // The server is in its own session (setsid), so Ctrl+C in the terminal does not reach it:
  // kill its group ourselves, then exit as the signal would have.
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.killServer();
    if (!process.env.LENET_E2E_KEEP) rmSync(this.root, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };

  private constructor(readonly opts: SessionOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'lenet-e2e-'));
    this.workspace = join(this.root, 'workspace');
  }

  static async start(opts: SessionOptions): Promise<VSCodeSession> {
    const s = new VSCodeSession(opts);
    try {
      await s.boot();
      return s;
    } catch (err) {
      await s.close();
      throw err;
    }
  }

  private dir(name: string): string {
    const d = join(this.root, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  private env(): NodeJS.ProcessEnv {
    // code-server writes ~/.config and ~/.local/share even for --version: keep it in the temp dir.
    return { ...process.env, ...this.opts.env, XDG_CONFIG_HOME: this.dir('xdg-config'), XDG_DATA_HOME: this.dir('xdg-data') };
  }

  private baseArgs(): string[] {
    return [
      '--config', join(this.root, 'config.yaml'),
      '--user-data-dir', this.dir('user-data'),
      '--extensions-dir', this.dir('extensions'),
    ];
  }

  private async boot(): Promise<void> {
    const { opts } = this;
    mkdirSync(opts.artifacts, { recursive: true });
    cpSync(opts.fixture, this.workspace, { recursive: true });
    if (opts.workspaceSettings) this.writeWorkspaceSettings(opts.workspaceSettings);
    writeFileSync(join(this.root, 'config.yaml'), 'auth: none\ncert: false\n');
    mkdirSync(join(this.root, 'user-data', 'User'), { recursive: true });
    writeFileSync(join(this.root, 'user-data', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

    if (opts.vsix) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [opts.entry, ...this.baseArgs(), '--install-extension', opts.vsix, '--force'], {
        env: this.env(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
        throw new Error(`installing ${opts.vsix} into code-server failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      }
      this.timings.installExtensionMs = since(t);
    }

    this.port = await freePort();
    const log = createWriteStream(join(opts.artifacts, 'code-server.log'));
    const t0 = performance.now();
    // detached = setsid: the server, its extension host and our worker share one process
    // group, so close() can kill them all (killing only the main pid leaves the host running).
    this.server = spawn(
      process.execPath,
      [
        opts.entry, ...this.baseArgs(),
        '--bind-addr', `127.0.0.1:${this.port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        this.workspace,
      ],
      { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.server.stdout!.pipe(log);
    this.server.stderr!.pipe(log);
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    await this.waitHealthy(30_000);
    this.timings.serverHealthyMs = since(t0);

    const tb = performance.now();
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    const context = await this.browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    this.page = await context.newPage();
    const consoleLog = createWriteStream(join(opts.artifacts, 'browser-console.log'));
    this.page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    this.page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
    this.timings.browserLaunchMs = since(tb);
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.waitWorkbench();
    this.timings.workbenchReadyMs = since(t0);
  }

  writeWorkspaceSettings(settings: Record<string, unknown>): void {
    const text = JSON.stringify(settings, null, 2).replaceAll('$WORKSPACE', this.workspace);
    mkdirSync(join(this.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(this.workspace, '.vscode', 'settings.json'), text);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.server?.exitCode !== null) {
        throw new Error(`code-server exited with ${this.server?.exitCode}; see ${join(this.opts.artifacts, 'code-server.log')}`);
      }
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms`);
  }

  /** Workbench loaded and the explorer lists the workspace's files. */
  async waitWorkbench(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
  }

  /** The quick input's list row whose label is exactly `title` (fuzzy matches list others too). */
  private paletteRow(title: string): Locator {
    return this.page.locator('.quick-input-widget .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }),
    });
  }

  /** Does the command palette list `title`? (Escape-and-reopen until it does or time runs out.) */
  async paletteHas(title: string, timeoutMs = 20_000): Promise<boolean> {
    const found = await this.openPaletteRow(title, timeoutMs);
    await this.page.keyboard.press('Escape');
    return found;
  }

  /**
   * The titles the command palette lists for `query` once it lists `anchor` (a command that must
   * be there), so "X is not offered" is only concluded from a palette that really opened and
   * filled. Throws when `anchor` never appears.
   */
  async paletteTitles(query: string, anchor: string, timeoutMs = 20_000): Promise<string[]> {
    if (!(await this.openPaletteRow(anchor, timeoutMs))) {
      await this.page.keyboard.press('Escape');
      throw new Error(`command palette never listed "${anchor}" within ${timeoutMs} ms`);
    }
    await this.page.locator('.quick-input-widget input.input').fill(`>${query}`);
    await this.paletteRow(anchor).first().waitFor({ timeout: 5_000 });
    const titles = await this.page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return titles.map((t) => t.trim());
  }

  /**
   * Runs a command by its palette title, as a user does: F1, type, pick the row. Right after
   * load the palette may not list an extension's commands yet and an open palette does not
   * refresh, so it closes and reopens until the row appears. Returns when (performance.now())
   * the row was clicked, so callers can time the command's effect.
   */
  async runCommand(title: string, timeoutMs = 20_000): Promise<number> {
    if (!(await this.openPaletteRow(title, timeoutMs))) {
      await this.page.keyboard.press('Escape');
      throw new Error(`command palette never listed "${title}" within ${timeoutMs} ms`);
    }
    return this.acceptRow(title);
  }

  /**
   * Moves the quick-input focus to the row labelled exactly `label` with the arrow keys and
   * presses Enter; returns when (performance.now()) Enter was pressed. Keyboard, not a click:
   * a click on a row sometimes closed the widget without running anything (seen with a
   * notebook editor active).
   */
  private async acceptRow(label: string): Promise<number> {
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    const target = Number(await this.paletteRow(label).first().getAttribute('data-index'));
    for (let i = 0; i < 30; i++) {
      const focused = Number(await rows.and(this.page.locator('.focused')).first().getAttribute('data-index', { timeout: 1_000 }).catch(() => NaN));
      if (focused === target) break;
      await this.page.keyboard.press(Number.isNaN(focused) || focused < target ? 'ArrowDown' : 'ArrowUp');
    }
    const invokedAt = performance.now();
    await this.page.keyboard.press('Enter');
    return invokedAt;
  }

  private async openPaletteRow(title: string, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    const input = this.page.locator('.quick-input-widget input.input');
    while (performance.now() < deadline) {
      await this.page.keyboard.press('Escape');
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 3_000 });
      } catch {
        continue;
      }
      await input.fill(`>${title}`);
      try {
        await this.paletteRow(title).first().waitFor({ timeout: 1_500 });
        return true;
      } catch {
        // not registered yet: close and reopen
      }
    }
    return false;
  }

  /**
   * Puts keyboard focus back on the workbench (not inside a webview iframe, where F1 and
   * Ctrl+P would go to the webview's document).
   */
  private async focusWorkbench(): Promise<void> {
    await this.page.evaluate(() => {
      const a = document.activeElement;
      if (a && a.tagName === 'IFRAME') (a as HTMLElement).blur();
    });
    // The status bar is always there and focusing it runs no command.
    const statusbar = this.page.locator('.part.statusbar');
    if (await this.page.evaluate(() => document.activeElement === document.body || document.activeElement?.tagName === 'IFRAME')) {
      await statusbar.focus().catch(() => undefined);
    }
  }

  /**
   * The content document (iframe.webview -> iframe#active-frame) of the webview that the
   * extension `extensionId` ("publisher.name") shows. Other webviews live in the same DOM (a
   * notebook's output renderer is one), so the outer frame is picked by its extensionId.
   */
  webviewFrame(extensionId: string): FrameLocator {
    return this.page
      .locator(`iframe.webview.ready[src*="extensionId=${encodeURIComponent(extensionId)}&"]`)
      .last()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }

  /** Opens a workspace file with Quick Open (Ctrl+P), as a user does. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.focusWorkbench();
    const input = this.page.locator('.quick-input-widget input.input');
    await this.page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(name);
    // Pick the row named exactly `name` with the arrow keys, then Enter: Enter alone takes the
    // first fuzzy match ("lenet_seed.py" also matches a recently opened "lenet_seed.ipynb"),
    // and a mouse click on the row closed Quick Open without opening anything when a
    // notebook editor was active.
    await this.paletteRow(name).first().waitFor({ timeout: 10_000 });
    await sleep(200); // let late results (file search after recently opened) settle
    await this.acceptRow(name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
    // Text editors and notebook cells both render Monaco lines once the content is there
    // (the notebook editor lives in an overlay outside the editor group's DOM).
    await this.page
      .locator('.editor-group-container.active .monaco-editor .view-line, .notebookOverlay:not([style*="display: none"]) .monaco-editor .view-line')
      .first()
      .waitFor({ timeout: 15_000 });
  }

  /** Ctrl+G, line number, Enter: scrolls the active text editor so the line is in view. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /**
   * Is `text` on a rendered line inside `scope` that is on screen? (Monaco renders only the
   * lines in view; a notebook also renders cells just outside the viewport.)
   */
  async lineVisible(text: string, scope = '.monaco-editor'): Promise<boolean> {
    return this.page.evaluate(
      ({ text, scope }) =>
        Array.from(document.querySelectorAll(`${scope} .view-line`)).some((l) => {
          const r = l.getBoundingClientRect();
          const onScreen = r.height > 0 && r.top >= 60 && r.bottom <= window.innerHeight - 30;
          return onScreen && (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(text);
        }),
      { text, scope },
    );
  }

  /**
   * Puts the mouse on the first occurrence of `text` in the visible editor lines (its first
   * character's box, found with a DOM Range since Monaco splits lines into token spans) and
   * waits for a visible hover containing `expect`. Returns the hover's text.
   * `scope` limits the search (e.g. a notebook cell's editor).
   */
  async hoverWord(text: string, expect: string | RegExp, scope = '.monaco-editor', timeoutMs = 15_000): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden)', { hasText: expect });
    const deadline = performance.now() + timeoutMs;
    let box: { x: number; y: number } | null = null;
    while (performance.now() < deadline) {
      // Measured on every try, and only once it holds still: code lenses and inlay hints
      // arrive after the text and shift the lines under a box measured too early.
      const first = await this.wordBox(text, scope);
      await sleep(250);
      box = await this.wordBox(text, scope);
      if (!box || !first || Math.abs(first.y - box.y) > 1 || Math.abs(first.x - box.x) > 1) continue;
      // Monaco shows a hover only after a real mouse move onto the word: move near, then onto it.
      await this.page.mouse.move(box.x + 40, box.y + 60);
      await this.page.mouse.move(box.x - 2, box.y, { steps: 3 });
      await this.page.mouse.move(box.x, box.y, { steps: 2 });
      try {
        await hover.first().waitFor({ timeout: 3_000 });
        await sleep(300); // fade-in, for the screenshot
        return (await hover.first().innerText()).trim();
      } catch {
        // hover not shown (or shown without `expect` yet): move away and try again
      }
    }
    if (!box) throw new Error(`"${text}" is not on a visible editor line (${scope})`);
    const seen = await this.page.locator('.monaco-hover:not(.hidden)').allInnerTexts();
    throw new Error(`no hover with ${String(expect)} over "${text}" within ${timeoutMs} ms; visible hovers: ${JSON.stringify(seen)}`);
  }

  /** Centre of the first two characters of `text` on an on-screen Monaco line, or null. */
  private wordBox(text: string, scope: string): Promise<{ x: number; y: number } | null> {
    return this.page.evaluate(
      ({ text, scope }) => {
        for (const line of Array.from(document.querySelectorAll(`${scope} .view-line`))) {
          const lr = line.getBoundingClientRect();
          if (lr.height === 0 || lr.top < 0 || lr.bottom > window.innerHeight) continue;
          const nodes: Text[] = [];
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
          const joined = nodes.map((n) => n.data).join('');
          // Monaco renders spaces as non-breaking spaces.
          const at = joined.replace(/\u00a0/g, ' ').indexOf(text);
          if (at < 0) continue;
          let offset = at;
          for (const n of nodes) {
            if (offset < n.data.length) {
              const r = document.createRange();
              r.setStart(n, offset);
              r.setEnd(n, Math.min(n.data.length, offset + 2));
              const b = r.getBoundingClientRect();
              if (b.width === 0) break;
              return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
            }
            offset -= n.data.length;
          }
        }
        return null;
      },
      { text, scope },
    );
  }

  /** The notification toast whose message matches `message` (VS Code's bottom-right toasts). */
  notification(message: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', {
      has: this.page.locator('.notification-list-item-message', { hasText: message }),
    });
  }

  /** Clicks `button` (e.g. "Stop and Start New", "Cancel") on the toast whose message matches. */
  async clickNotificationButton(message: string | RegExp, button: string, timeoutMs = 15_000): Promise<void> {
    const toast = this.notification(message).first();
    await toast.waitFor({ timeout: timeoutMs });
    await toast.hover(); // progress toasts show their buttons on hover too
    await toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRe(button)}$`) }).first().click();
  }

  /** Closes the editor tab titled `title` with its close button, as a user does. */
  async closeTab(title: string): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab', { hasText: title }).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** Picks the quick pick row labelled exactly `label` (a list opened by a command). */
  async pickQuickInput(label: string, timeoutMs = 15_000): Promise<string[]> {
    await this.paletteRow(label).first().waitFor({ timeout: timeoutMs });
    const labels = (await this.page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    await this.acceptRow(label);
    return labels;
  }

  /** Saves <artifacts>/NN-step.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    const file = join(this.opts.artifacts, `${String(++this.shot).padStart(2, '0')}-${step.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file }).catch((e: Error) => console.error(`screenshot ${step}: ${e.message}`));
    return file;
  }

  /** Reloads the window with the palette command and waits for the workbench. */
  async reloadWindow(): Promise<void> {
    const nav = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame(), timeout: 30_000 });
    await this.runCommand('Developer: Reload Window');
    await nav;
    await this.waitWorkbench();
  }

  private killServer(): void {
    const pid = this.server?.pid;
    if (!pid || this.server?.exitCode !== null) return;
    try {
      process.kill(-pid, 'SIGTERM'); // the whole group: server, extension host, worker
    } catch {
      // already gone
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser?.close().catch(() => undefined);
    const server = this.server;
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise<void>((r) => server.once('exit', () => r()));
      this.killServer();
      await Promise.race([exited, sleep(5_000)]);
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    }
    process.removeListener('exit', this.onExit);
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    if (!process.env.LENET_E2E_KEEP) rmSync(this.root, { recursive: true, force: true });
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Polls `probe` until it returns a truthy value (returned) or time runs out; the error says
 * what was awaited and the last value seen, so a failure reads as a finding, not a timeout.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as T;
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] : e;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}

/** Where this run's screenshots go: outside the repo, one folder per run. */
export function artifactsDir(): string {
  const base = process.env.LENET_E2E_ARTIFACTS ?? join(tmpdir(), 'lenet-e2e-artifacts');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const d = join(base, stamp);
  mkdirSync(d, { recursive: true });
  return d;
}

export function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}`);
  return path;
}
