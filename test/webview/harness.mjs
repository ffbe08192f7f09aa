// Browser harness for the panel's webview: serves the built dist/webview.js + css and
// media/panel.css from a local HTTP server with the host's exact CSP, stubs acquireVsCodeApi in a
// nonce'd script, sets VS Code theme variables, and drives Debian's chromium with playwright-core.
// Used by test/webview/browser.test.ts and bench/webview.mjs. It bundles webview/main.ts itself
// (same esbuild options as esbuild.mjs's webview target) into a temp folder, so it tests the
// current source even while other entries of the full build are broken.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const COMMON = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

// Values of VS Code's Dark Modern / Light Modern / High Contrast themes for the variables used.
export const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc',
      '--vscode-editorWidget-background': '#202020', '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131', '--vscode-focusBorder': '#0078d4',
      '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1', '--vscode-button-border': '#ffffff12',
      '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-progressBar-background': '#0078d4', '--vscode-input-background': '#313131',
      '--vscode-input-border': '#3c3c3c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-yellow': '#cca700', '--vscode-charts-lines': '#cccccc80',
      '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-errorForeground': '#f85149',
      '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-disabledForeground': '#cccccc80', '--vscode-editor-selectionBackground': '#264f78',
      '--vscode-testing-iconPassed': '#73c991', '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-textLink-foreground': '#4daafc', '--vscode-editorInfo-background': '#00000000',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-editorWidget-background': '#f8f8f8', '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8',
      '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8', '--vscode-button-border': '#0000001a',
      '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-progressBar-background': '#005fb8', '--vscode-input-background': '#ffffff',
      '--vscode-input-border': '#cecece', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-yellow': '#bf8803', '--vscode-charts-lines': '#3b3b3b80',
      '--vscode-charts-green': '#388a34', '--vscode-charts-red': '#e51400', '--vscode-errorForeground': '#f85149',
      '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-disabledForeground': '#61616180', '--vscode-editor-selectionBackground': '#add6ff',
      // testing.iconPassed: VS Code's registered light default (Light Modern keeps it): 2.0:1 on white.
      '--vscode-testing-iconPassed': '#73c991', '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-textLink-foreground': '#005fb8',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff',
      '--vscode-editorWidget-background': '#0c141f', '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df', '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-focusBorder': '#f38518', '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
      '--vscode-progressBar-background': '#6fc3df', '--vscode-input-background': '#000000',
      // charts.*: VS Code's registered hcDark values (charts.orange = minimap.findMatchHighlight).
      '--vscode-input-border': '#6fc3df', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#ab5a00',
      '--vscode-charts-yellow': '#ffd370', '--vscode-charts-lines': '#ffffff80',
      '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f48771', '--vscode-errorForeground': '#f48771',
      '--vscode-disabledForeground': '#a5a5a5', '--vscode-testing-iconPassed': '#73c991',
      '--vscode-editorWarning-foreground': '#ffd370', '--vscode-textLink-foreground': '#21a6ff',
    },
  },
  // High Contrast Light: VS Code adds vscode-high-contrast too. charts.orange is a navy here.
  hcLight: {
    bodyClass: 'vscode-high-contrast vscode-high-contrast-light',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#292929', '--vscode-descriptionForeground': '#292929b3',
      '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#292929',
      '--vscode-editorWidget-background': '#ffffff', '--vscode-panel-border': '#0f4a85',
      '--vscode-widget-border': '#0f4a85', '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd',
      '--vscode-focusBorder': '#006bbd', '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#0f4a85', '--vscode-button-secondaryBackground': '#ffffff',
      '--vscode-button-secondaryForeground': '#292929',
      '--vscode-badge-background': '#0f4a85', '--vscode-badge-foreground': '#ffffff',
      '--vscode-progressBar-background': '#0f4a85', '--vscode-input-background': '#ffffff',
      '--vscode-input-border': '#0f4a85', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#0f4a85',
      '--vscode-charts-yellow': '#895503', '--vscode-charts-lines': '#29292980',
      '--vscode-charts-green': '#374e06', '--vscode-charts-red': '#b5200d', '--vscode-errorForeground': '#b5200d',
      '--vscode-disabledForeground': '#7f7f7f', '--vscode-testing-iconPassed': '#007100',
      '--vscode-editorWarning-foreground': '#895503', '--vscode-textLink-foreground': '#0f4a85',
    },
  },
};

/** The seed's LeNet-5 summary (Keras: Total params 61,706). */
export const LENET_SUMMARY = JSON.parse(readFileSync(new URL('./lenet-summary.json', import.meta.url), 'utf8'));

function page(nonce, theme, persisted, origin, host) {
  const t = THEMES[theme];
  // The stub runs before the bundle, like VS Code's own preload: acquireVsCodeApi, the theme
  // variables (set through CSSOM as VS Code does), and CSP violation / long task recording.
  const stub = `
    window.__posted = [];
    window.__violations = [];
    window.__longTasks = [];
    let saved = ${JSON.stringify(persisted ?? null)} ?? undefined;
    window.__saves = 0;
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => saved,
        setState: (s) => { saved = JSON.parse(JSON.stringify(s)); window.__saves++; },
      };
    };
    window.__getSaved = () => saved;
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber, column: e.columnNumber });
    });
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
        .observe({ type: 'longtask', buffered: true });
    } catch {}
    window.__setTheme = (vars, bodyClass) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.className = bodyClass;
    };
    window.__setTheme(${JSON.stringify(t.vars)}, ${JSON.stringify(t.bodyClass)});
    ${REPLAY_SOURCE}
  `;
  const stubTag = `<script nonce="${nonce}">${stub}</script>`;
  // The extension host's own page (src/host/panelHtml.ts): its CSP, links and root element,
  // with the stub placed right before the webview script.
  const html = host.panelHtml({ cspSource: origin, script: '/dist/webview.js', styles: ['/dist/webview.css', '/media/panel.css'] }, nonce);
  const at = html.indexOf('<script nonce=');
  if (at < 0) throw new Error('src/host/panelHtml.ts produced no <script nonce=...>: the harness cannot insert its stub');
  return html.slice(0, at) + stubTag + '\n  ' + html.slice(at);
}

let built;
/**
 * Bundles the webview once per process into a temp folder, plus the host's page template
 * (src/host/panelHtml.ts), so the harness serves exactly the host's HTML and CSP.
 */
export function buildWebview() {
  built ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'lenet-webview-dist-'));
    process.on('exit', () => rmSync(out, { recursive: true, force: true }));
    await esbuild.build({
      entryPoints: [join(root, 'webview/main.ts')], outfile: join(out, 'webview.js'), bundle: true,
      sourcemap: true, minify: !process.env.LENET_NO_MINIFY, logLevel: 'warning', platform: 'browser', format: 'iife', target: 'es2022',
    });
    await esbuild.build({
      entryPoints: [join(root, 'src/host/panelHtml.ts')], outfile: join(out, 'panelHtml.mjs'), bundle: true,
      platform: 'node', format: 'esm', logLevel: 'warning',
    });
    const host = await import(pathToFileURL(join(out, 'panelHtml.mjs')).href);
    return { dir: out, host };
  })();
  return built;
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/**
 * Starts the server and a chromium page on the panel. Returns helpers; always call close().
 * opts: theme ('dark' | 'light' | 'hc'), persisted (what getState() returns), viewport.
 */
export async function openPanel(opts = {}) {
  const { dir: dist, host } = await buildWebview();
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  const theme = opts.theme ?? 'dark';
  const nonce = randomBytes(16).toString('base64');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      const csp = host.contentSecurityPolicy(origin, nonce);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      res.end(page(nonce, theme, opts.persisted, origin, host));
      return;
    }
    const allowed = /^\/(dist\/webview\.(js|css)(\.map)?|media\/[\w.-]+\.css)$/.test(url.pathname);
    const file = url.pathname.startsWith('/dist/') ? join(dist, url.pathname.slice(6)) : join(root, url.pathname);
    if (url.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (!allowed || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[url.pathname.slice(url.pathname.lastIndexOf('.'))] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const profile = mkdtempSync(join(tmpdir(), 'lenet-webview-chromium-'));
  // A fresh profile per run (playwright wants it as the persistent context's folder).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pg = await context.newPage();
  const consoleErrors = [];
  pg.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  pg.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await pg.goto(`http://127.0.0.1:${port}/`);
  await pg.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'), null, { timeout: 10_000 });
  return {
    page: pg,
    consoleErrors,
    url: `http://127.0.0.1:${port}/`,
    /** Sends one HostMessage the way VS Code delivers it (a message event on window). */
    send: (msg) => pg.evaluate((m) => window.postMessage(m, '*'), msg),
    violations: () => pg.evaluate(() => window.__violations),
    posted: () => pg.evaluate(() => window.__posted),
    setTheme: (name) => pg.evaluate(([vars, cls]) => window.__setTheme(vars, cls), [THEMES[name].vars, THEMES[name].bodyClass]),
    async close() {
      await context.close().catch(() => {});
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Replays a realistic training stream inside the page (so 47,000 messages do not each cost a
 * CDP round trip): ready, dataset, summary, then per epoch epochBegin, `batches` batchEnd and
 * epochEnd. Messages are dispatched in chunks of `chunk` per macrotask, like bursts arriving from
 * the extension host; rendering happens on animation frames in between. Returns wall time in ms.
 */
export function replayTraining(pg, { epochs, batches, chunk = 50, summary = LENET_SUMMARY, fromEpoch = 1, finish = false }) {
  return pg.evaluate((o) => window.__replay(o), { epochs, batches, chunk, summary, fromEpoch, finish });
}

// In-page source of the replay, kept as text: it is sent inside the nonce'd stub script, and a
// string is not rewritten by tsx (whose helpers, like __name, do not exist in the page).
const REPLAY_SOURCE = String.raw`window.__replay = async ({ epochs, batches, chunk, summary, fromEpoch, finish }) => {
    const v = 1;
    const msgs = [];
    const ev = (event) => msgs.push({ type: 'event', event: { v, ...event } });
    if (fromEpoch === 1) {
      ev({ type: 'ready', backend: 'wasm', reason: 'tfjs-node is not installed; wasm with SIMD (1 thread)', versions: { tfjs: '4.22.0' } });
      ev({ type: 'dataset', name: 'mnist', source: 'cached download', train: 60000, test: 10000, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
      ev({ type: 'summary', ...summary });
      ev({ type: 'trainStep', name: 'wasm-2-threads', label: 'tfjs (wasm, 2 threads)', reason: "optimizer Adagrad is not fused" });
    }
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let e = fromEpoch; e <= epochs; e++) {
      ev({ type: 'epochBegin', epoch: e, epochs, batches });
      for (let b = 1; b <= batches; b++) {
        const x = e - 1 + b / batches;
        const loss = 0.05 + 2.2 * Math.exp(-x * 1.6) + 0.25 * Math.exp(-x / 10) * (rnd() - 0.5);
        const acc = Math.min(1, Math.max(0, 1 - loss / 2.4 + 0.03 * (rnd() - 0.5)));
        ev({ type: 'batchEnd', epoch: e, batch: b, batches, loss, acc });
      }
      const val_loss = 0.07 + 1.6 * Math.exp(-e * 1.2) + 0.002 * e;
      ev({ type: 'epochEnd', epoch: e, epochs, loss: 0.06 + 2 * Math.exp(-e * 1.5), acc: 0.9 + 0.09 * (1 - Math.exp(-e / 4)),
        val_loss, val_acc: Math.min(0.995, 0.88 + 0.11 * (1 - Math.exp(-e / 5))), seconds: 38.2, samplesPerSecond: 1570 });
    }
    if (finish) {
      const history = msgs.filter((m) => m.event.type === 'epochEnd').map((m) => {
        const { epoch, loss, acc, val_loss, val_acc, seconds } = m.event;
        return { epoch, loss, acc, val_loss, val_acc, seconds };
      });
      ev({ type: 'done', history, runDir: '/workspace/.lenet/runs/2026-11-28T04-00-00', stopped: false });
    }
    const t0 = performance.now();
    for (let i = 0; i < msgs.length; i += chunk) {
      for (const data of msgs.slice(i, i + chunk)) window.dispatchEvent(new MessageEvent('message', { data }));
      await new Promise((r) => setTimeout(r, 0));
    }
    // Let the last frame render.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { ms: performance.now() - t0, messages: msgs.length };
};`;

/** The LCG of the in-page replay (which must stay page text), for the fixtures built here. */
function lcg(seed) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** A full PanelState with `points` per-batch points (no host decimation), for the 47k chart cost. */
export function bigState(points, epochs = 50) {
  const x = [], loss = [], acc = [];
  const rnd = lcg(7);
  for (let i = 1; i <= points; i++) {
    const xi = (i / points) * epochs;
    const l = 0.05 + 2.2 * Math.exp(-xi * 1.6) + 0.25 * Math.exp(-xi / 10) * (rnd() - 0.5);
    x.push(xi); loss.push(l); acc.push(Math.min(1, Math.max(0, 1 - l / 2.4)));
  }
  const history = [];
  for (let e = 1; e <= epochs; e++) {
    history.push({ epoch: e, loss: 0.1, acc: 0.95, val_loss: 0.07 + 1.6 * Math.exp(-e * 1.2), val_acc: Math.min(0.995, 0.88 + 0.11 * (1 - Math.exp(-e / 5))), seconds: 38 });
  }
  return {
    status: 'done', epoch: epochs, epochs, batch: 938, batches: 938, history,
    batchSeries: { x, loss, acc, stride: 1, lastCount: 1 }, runs: [], summary: LENET_SUMMARY,
    backend: { name: 'wasm', reason: 'test' },
  };
}

/** Evaluation result with a plausible confusion matrix over `total` images, every misclassified image listed by cell. */
export function evaluationEvent(total = 10000) {
  const k = 10;
  const per = total / k;
  const confusion = [];
  const rnd = lcg(99);
  for (let r = 0; r < k; r++) {
    const row = new Array(k).fill(0);
    let left = per;
    for (let c = 0; c < k; c++) {
      if (c === r) continue;
      const n = Math.floor(rnd() * rnd() * 8);
      row[c] = n; left -= n;
    }
    row[r] = left;
    confusion.push(row);
  }
  // A typical 4 -> 9 confusion, larger than one page of images (when there are enough images).
  const extra = Math.min(110, Math.floor(per / 2));
  confusion[4][9] += extra; confusion[4][4] -= extra;
  // Test image i has label i % 10: each cell takes the next unused images of its true class.
  const next = new Array(k).fill(0);
  const misclassified = [];
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const n = confusion[r][c];
      if (r === c || n === 0) continue;
      const indices = [], probability = [], trueProbability = [];
      for (let j = 0; j < n; j++) {
        indices.push(r + k * next[r]++);
        probability.push(Math.round((0.9 - (j % 40) * 0.01) * 1e4) / 1e4);
        trueProbability.push(Math.round((0.05 + (j % 40) * 0.005) * 1e4) / 1e4);
      }
      misclassified.push({ label: r, predicted: c, indices, probability, trueProbability });
    }
  }
  const correct = confusion.reduce((a, row, i) => a + row[i], 0);
  const perClass = confusion.map((row, i) => {
    const tp = row[i];
    const colSum = confusion.reduce((a, r) => a + r[i], 0);
    const rowSum = row.reduce((a, b) => a + b, 0);
    const precision = tp / colSum, recall = tp / rowSum;
    return { precision, recall, f1: (2 * precision * recall) / (precision + recall), support: rowSum };
  });
  const mean = (key, weighted) => perClass.reduce((a, m) => a + m[key] * (weighted ? m.support : 1), 0) / (weighted ? total : k);
  const avg = (weighted) => ({ precision: mean('precision', weighted), recall: mean('recall', weighted), f1: mean('f1', weighted), support: total });
  return {
    type: 'event',
    event: {
      v: 1, type: 'evaluation', modelDir: '.lenet/runs/2026-11-28T04-00-00/model', dataset: 'mnist',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], loss: 0.0412, acc: correct / total,
      confusion, perClass, averages: { macro: avg(false), weighted: avg(true) }, misclassified,
    },
  };
}

/** A crude "4"-ish stroke (varying with the index) so the canvases show something. */
export function digitPixels(index) {
  const pixels = new Array(784).fill(0);
  for (let y = 6; y < 22; y++) { pixels[y * 28 + 9 + (index % 3)] = 255; pixels[y * 28 + 18] = 220; }
  for (let x = 9; x < 20; x++) pixels[14 * 28 + x] = 255;
  return pixels;
}

/** The host's answer to the panel's misclassifiedPage request `req`: the images of the cards it shows. */
export async function answerMisclassifiedPage(p, req) {
  const indices = await p.page.$$eval('[data-testid=misclassified] figure', (els) => els.map((e) => Number(e.getAttribute('data-index'))));
  await p.send({ type: 'misclassifiedPage', id: req.id, images: indices.map((index) => ({ index, label: req.label, pixels: digitPixels(index) })) });
  return indices;
}

export function stats(values) {
  if (!values.length) return { n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    n: s.length,
    mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2),
    p50: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2),
  };
}
