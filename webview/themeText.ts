// Status colours used as text ("done", "stopped", a misclassified image's true class) come from
// the theme's icon colours, which are not meant for text: Light Modern's testing.iconPassed is
// 2.0:1 on white. Each is mixed towards the foreground until it reads at WCAG AA over the panel's
// backgrounds, and handed to the stylesheet as a variable (re-done on every theme change).
import { cssVar, withContrast } from './colour';

/** WCAG AA for normal text. */
export const TEXT_CONTRAST = 4.5;

/** The readable text colours for the current theme, by the CSS variable that carries each. */
export function readableStatusColours(read: (name: string, fallback: string) => string): Record<string, string> {
  const fg = read('--vscode-foreground', '#cccccc');
  const editor = read('--vscode-editor-background', '#1f1f1f');
  const backgrounds = [editor, read('--vscode-editorWidget-background', editor)];
  return {
    '--lenet-passed-fg': withContrast(read('--vscode-testing-iconPassed', fg), backgrounds, TEXT_CONTRAST, fg),
    '--lenet-warning-fg': withContrast(read('--vscode-editorWarning-foreground', fg), backgrounds, TEXT_CONTRAST, fg),
  };
}

// On <body>: main.ts watches <html>'s style for theme changes, and this must not look like one.
export function applyStatusColours(root: HTMLElement = document.body): void {
  for (const [name, value] of Object.entries(readableStatusColours((n, f) => cssVar(n, f)))) {
    root.style.setProperty(name, value); // CSSOM, allowed by the CSP
  }
}
