// What every real-VS-Code suite starts from: the code-server entry and the .vsix that
// test/e2e/run.mjs passes in, and the workspace settings of a quick training run.
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { requireFile, sleep, waitUntil, type VSCodeSession } from './harness';
import { QUICK_SAMPLE_RUN } from '../shared/learningFloors';

export const entry = requireFile(process.env.LENET_E2E_ENTRY ?? '', 'code-server entry (LENET_E2E_ENTRY; run `npm run test:e2e`)');
export const vsix = requireFile(process.env.LENET_E2E_VSIX ?? '', 'extension package (LENET_E2E_VSIX; run `npm run test:e2e`)');

/** A quick run: the bundled sample (2,000 test images), 2,000 training images, 2 epochs, wasm. */
export const QUICK = {
  'lenet.epochs': QUICK_SAMPLE_RUN.epochs,
  'lenet.dataLimit': QUICK_SAMPLE_RUN.limit,
  'lenet.dataset': QUICK_SAMPLE_RUN.dataset,
  'lenet.backend': 'wasm',
  'lenet.outputDirectory': '$WORKSPACE/.lenet/runs',
};

/**
 * A flow of a suite: a node test that, when it fails, leaves a screenshot of the screen it
 * failed on (named with `prefix` and the flow's name). `session` gives the suite's VS Code.
 */
export function flowTest(session: () => VSCodeSession | undefined, prefix = '') {
  return (name: string, opts: { timeout: number }, fn: () => Promise<void>): void => {
    test(name, opts, async () => {
      try {
        await fn();
      } catch (err) {
        const vs = session();
        if (vs) console.log(`# failure screenshot: ${await vs.screenshot(`FAIL-${prefix}${name.slice(0, 40)}`)}`);
        throw err;
      }
    });
  };
}

/**
 * WCAG contrast ratio of an element's text against the first opaque background behind it.
 * Kept as source text: tsx would wrap named inner functions in a helper that does not exist
 * inside the page.
 */
export const CONTRAST_RATIO = new Function('el', `
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let bg = [0, 0, 0, 0];
  for (let e = el; e && (bg[3] ?? 1) === 0; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    bg = c.length === 3 ? [...c, 1] : c;
  }
  const fg = rgb(getComputedStyle(el).color);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
`) as (el: Element) => number;

/** VS Code's default themes and the class each puts on a webview's <body>. */
export const DEFAULT_THEMES = [
  { theme: 'Default Dark Modern', bodyClass: 'vscode-dark' },
  { theme: 'Default High Contrast', bodyClass: 'vscode-high-contrast' },
  { theme: 'Default Light Modern', bodyClass: 'vscode-light' },
] as const;

/**
 * Switches the workspace through VS Code's default themes (then back to `settings`' own) and runs
 * `each` once the panel has followed each one.
 */
export async function inEachTheme(
  vs: VSCodeSession, panel: () => FrameLocator, settings: Record<string, unknown>,
  each: (t: (typeof DEFAULT_THEMES)[number]) => Promise<void>,
): Promise<void> {
  try {
    for (const t of DEFAULT_THEMES) {
      vs.writeWorkspaceSettings({ ...settings, 'workbench.colorTheme': t.theme });
      // VS Code tells the webview by a class on its <body> and new --vscode-* values.
      await waitUntil(`the panel in "${t.theme}"`, async () => (await panel().locator('body').getAttribute('class'))?.split(/\s+/).includes(t.bodyClass), 20_000);
      await sleep(300);
      await each(t);
    }
  } finally {
    vs.writeWorkspaceSettings(settings);
  }
}
