// The ONLY module that imports @vscode/webview-ui-toolkit. Microsoft deprecated the toolkit on
// 2025-01-01; switching to @vscode-elements/elements means rewriting just this file (same factory
// functions, other tag names). Only the components the panel uses are registered, which keeps the
// bundle small (esbuild drops the rest).
//
// CSP: the toolkit (FAST element 1.x) styles its shadow roots with constructable stylesheets
// (adoptedStyleSheets) and sets design tokens through CSSOM, so it runs under
// `style-src <cspSource>` without 'unsafe-inline' and without eval. One exception, a
// :focus-visible probe that inserts an empty <style> element, is answered by focusVisibleProbe
// (imported first on purpose). test/webview/browser.test.ts fails on any securitypolicyviolation.
import { endFocusVisibleProbe } from './focusVisibleProbe';
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

endFocusVisibleProbe();

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeProgressRing());
}

export type Appearance = 'primary' | 'secondary' | 'icon';

export interface ButtonOptions {
  appearance?: Appearance;
  testid?: string;
  title?: string;
  onClick: () => void;
}

/** A native-looking VS Code button. Toggle with setDisabled (the toolkit reflects the attribute). */
export function button(label: string, opts: ButtonOptions): HTMLElement {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', opts.appearance ?? 'secondary');
  if (opts.testid) el.setAttribute('data-testid', opts.testid);
  if (opts.title) el.setAttribute('title', opts.title);
  el.textContent = label;
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) opts.onClick();
  });
  return el;
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  if (el.hasAttribute('disabled') !== disabled) el.toggleAttribute('disabled', disabled);
}

/** Indeterminate busy spinner. */
export function progressRing(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}
