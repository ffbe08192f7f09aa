// The charts' colours per theme kind, from --vscode-* variables only (pure: the variable reader is
// passed in). In dark and light themes the raw per-batch training curve is the training colour made
// faint, under the smoothed one. High-contrast themes have no faint colours to spare: a faint blue
// on black all but vanishes, so there the raw curve uses charts.lines (the theme's foreground at
// half strength), and validation uses charts.yellow, because charts.orange is a dark navy in
// High Contrast Light (#0F4A85), too close to the training blue.
export type ThemeKind = 'dark' | 'light' | 'hc-dark' | 'hc-light';

export interface ChartColours { fg: string; grid: string; train: string; raw: string; val: string }

/** VS Code marks the webview's <body>: vscode-light | vscode-dark | vscode-high-contrast (+ -light). */
export function themeKind(bodyClasses: { contains(c: string): boolean }): ThemeKind {
  if (bodyClasses.contains('vscode-high-contrast-light')) return 'hc-light';
  if (bodyClasses.contains('vscode-high-contrast')) return 'hc-dark';
  return bodyClasses.contains('vscode-light') ? 'light' : 'dark';
}

type Read = (name: string, fallback: string) => string;
type Fade = (colour: string, alpha: number) => string;

/** Faint but visible on both the dark and the light default backgrounds (checked in browser.test.ts). */
export const RAW_ALPHA = 0.4;

export function chartColours(kind: ThemeKind, read: Read, fade: Fade): ChartColours {
  const fg = read('--vscode-foreground', kind === 'light' || kind === 'hc-light' ? '#3b3b3b' : '#cccccc');
  const train = read('--vscode-charts-blue', kind === 'light' || kind === 'hc-light' ? '#1a85ff' : '#3794ff');
  const base = {
    fg: read('--vscode-descriptionForeground', fg),
    grid: fade(fg, kind === 'hc-dark' || kind === 'hc-light' ? 0.2 : 0.12),
    train,
  };
  if (kind === 'hc-dark' || kind === 'hc-light') {
    return {
      ...base,
      raw: read('--vscode-charts-lines', fade(fg, 0.5)),
      val: read('--vscode-charts-yellow', read('--vscode-charts-orange', kind === 'hc-dark' ? '#ffd370' : '#895503')),
    };
  }
  return { ...base, raw: fade(train, RAW_ALPHA), val: read('--vscode-charts-orange', '#d18616') };
}
