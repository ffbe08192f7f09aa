import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartColours, RAW_ALPHA, themeKind } from '../../webview/chartColours';
import { withAlpha } from '../../webview/colour';

const classes = (s: string) => ({ contains: (c: string) => s.split(' ').includes(c) });

test('themeKind reads the classes VS Code puts on the webview body', () => {
  assert.equal(themeKind(classes('vscode-dark')), 'dark');
  assert.equal(themeKind(classes('vscode-light')), 'light');
  assert.equal(themeKind(classes('vscode-high-contrast')), 'hc-dark');
  assert.equal(themeKind(classes('vscode-high-contrast vscode-high-contrast-light')), 'hc-light');
  assert.equal(themeKind(classes('')), 'dark', 'no class: VS Code\'s default kind');
});

test('chart colours: faint raw curve in dark/light, solid raw and yellow validation in high contrast', () => {
  const vars: Record<string, string> = {
    '--vscode-foreground': '#ffffff', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#ab5a00',
    '--vscode-charts-yellow': '#ffd370', '--vscode-charts-lines': '#ffffff80',
  };
  const read = (n: string, f: string) => vars[n] ?? f;
  const dark = chartColours('dark', read, withAlpha);
  assert.equal(dark.train, '#3794ff');
  // #3794ff is rgb(55, 148, 255); the raw curve is drawn at 40% opacity.
  assert.equal(RAW_ALPHA, 0.4);
  assert.equal(dark.raw, 'rgba(55, 148, 255, 0.4)');
  assert.equal(dark.val, '#ab5a00');
  const hc = chartColours('hc-dark', read, withAlpha);
  assert.equal(hc.raw, '#ffffff80', 'charts.lines, not a faint blue');
  assert.equal(hc.val, '#ffd370');
  assert.equal(hc.fg, '#ffffff', 'descriptionForeground falls back to foreground');
  // A theme without charts.lines / charts.yellow still gets visible colours.
  const bare = chartColours('hc-light', (n, f) => (n === '--vscode-foreground' ? '#292929' : f), withAlpha);
  assert.equal(bare.raw, 'rgba(41, 41, 41, 0.5)');
  assert.equal(bare.val, '#895503');
});
