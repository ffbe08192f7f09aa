import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differenceRows, lastEpoch, overlaySeries, runColours, RUN_LINE_CONTRAST, secondsText, valuesAt } from '../../webview/compareData';
import { contrastRatio, parseColour, withContrast } from '../../webview/colour';
import { readableStatusColours, TEXT_CONTRAST } from '../../webview/themeText';
import type { ThemeKind } from '../../webview/chartColours';
import type { ComparedRun } from '../../src/shared/webviewProtocol';
import { MAX_COMPARED_RUNS } from '../../src/shared/webviewProtocol';
import { THEMES } from './harness.mjs';

const run = (over: Partial<ComparedRun>): ComparedRun => ({
  runDir: '/r/a', label: 'sequential · 2026-12-01 10:00:00', model: 'sequential · 61,706 params', dataset: 'mnist-sample', trainImages: 2000,
  optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 2, epochsDone: 2, bestEpoch: 2, bestValAcc: 0.8123, secondsPerEpoch: 3.456,
  history: [
    { epoch: 1, loss: 1.2, acc: 0.6, val_loss: 1.0, val_acc: 0.7, seconds: 0 },
    { epoch: 2, loss: 0.8, acc: 0.75, val_loss: 0.7, val_acc: 0.8123, seconds: 3.456 },
  ],
  ...over,
});

test('differences: every field of the table, the ones that differ marked', () => {
  const a = run({});
  const b = run({ runDir: '/r/b', label: 'sequential · 2026-12-01 11:00:00', learningRate: 0.05, epochs: 5, bestEpoch: 1, bestValAcc: 0.7, secondsPerEpoch: 12.34 });
  const rows = differenceRows([a, b]);
  assert.deepEqual(rows.map((r) => r.label), ['Model', 'Dataset', 'Optimizer', 'Learning rate', 'Batch size', 'Epochs', 'Best epoch', 'Best val_acc', 'Time / epoch']);
  const by = Object.fromEntries(rows.map((r) => [r.field, r]));
  assert.deepEqual(by.learningRate, { field: 'learningRate', label: 'Learning rate', values: ['0.01', '0.05'], differs: true });
  assert.deepEqual(by.epochs.values, ['2', '2 of 5'], 'a run that did not finish says so');
  assert.deepEqual(by.bestValAcc.values, ['0.8123', '0.7000'], 'Keras-style four decimals');
  assert.deepEqual(by.secondsPerEpoch.values, ['3.46 s', '12.3 s']);
  assert.deepEqual(by.dataset.values, ['mnist-sample (2,000 train)', 'mnist-sample (2,000 train)']);
  assert.deepEqual(rows.filter((r) => r.differs).map((r) => r.field), ['learningRate', 'epochs', 'bestEpoch', 'bestValAcc', 'secondsPerEpoch']);
  // Missing values show a dash and differ from known ones.
  const bare = run({ optimizer: undefined, learningRate: undefined, dataset: undefined, trainImages: undefined });
  const r2 = Object.fromEntries(differenceRows([a, bare]).map((r) => [r.field, r]));
  assert.deepEqual(r2.optimizer.values, ['sgd', '–']);
  assert.equal(r2.optimizer.differs, true);
  assert.deepEqual(r2.dataset.values[1], '–');
  assert.equal(r2.model.differs, false);
});

test('secondsText: about two significant digits', () => {
  assert.equal(secondsText(0.4234), '0.42 s');
  assert.equal(secondsText(42.25), '42.3 s');
  assert.equal(secondsText(431.6), '432 s');
  assert.equal(secondsText(undefined), '–');
  assert.equal(secondsText(NaN), '–');
});

test('overlay: one x of every run\'s epochs, train and validation per run, null where a run has none', () => {
  const a = run({});
  const b = run({ runDir: '/r/b', history: [
    { epoch: 1, loss: 2, acc: 0.1, val_loss: NaN, val_acc: 0.2, seconds: 0 },
    { epoch: 2, loss: 1.5, acc: 0.3, val_loss: 1.4, val_acc: 0.35, seconds: 0 },
    { epoch: 3, loss: 1.1, acc: 0.5, val_loss: 1.2, val_acc: 0.55, seconds: 0 },
  ] });
  const loss = overlaySeries([a, b], 'loss');
  assert.deepEqual(loss, [[1, 2, 3], [1.2, 0.8, null], [1.0, 0.7, null], [2, 1.5, 1.1], [null, 1.4, 1.2]]);
  const acc = overlaySeries([a, b], 'acc');
  assert.deepEqual(acc, [[1, 2, 3], [0.6, 0.75, null], [0.7, 0.8123, null], [0.1, 0.3, 0.5], [0.2, 0.35, 0.55]]);
  assert.deepEqual(overlaySeries([], 'acc'), [[]]);
});

test('contrastRatio and withContrast: WCAG ratios, mixed towards the foreground only as far as needed', () => {
  assert.equal(Math.round(contrastRatio('#000000', '#ffffff')), 21);
  assert.equal(contrastRatio('#777777', '#777777'), 1);
  // VS Code Light Modern's testing.iconPassed on white: the 2.0:1 seen in the panel.
  assert.equal(contrastRatio('#73c991', '#ffffff').toFixed(1), '2.0');
  // Alpha is composited over the background first.
  assert.equal(contrastRatio('#00000000', '#ffffff'), 1);
  const fixedGreen = withContrast('#73c991', ['#ffffff', '#f8f8f8'], 4.5, '#3b3b3b');
  assert.ok(contrastRatio(fixedGreen, '#f8f8f8') >= 4.5);
  assert.ok(contrastRatio(fixedGreen, '#ffffff') >= 4.5);
  const g = parseColour(fixedGreen)!;
  assert.ok(g.g > g.r && g.g > g.b, `${fixedGreen} is still green`);
  assert.equal(withContrast('#ffffff', ['#000000'], 4.5, '#cccccc'), '#ffffff', 'already readable: unchanged');
  assert.equal(withContrast('nonsense', ['#000000'], 4.5, '#cccccc'), 'nonsense');
});

const KINDS: Record<keyof typeof THEMES, ThemeKind> = { dark: 'dark', light: 'light', hc: 'hc-dark', hcLight: 'hc-light' };
const vars = (theme: keyof typeof THEMES) => (n: string, f: string) => (THEMES[theme].vars as Record<string, string>)[n] ?? f;

test('status text colours ("done", "stopped", the true class) reach 4.5:1 over both panel backgrounds in every theme', () => {
  for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) {
    const read = vars(theme);
    const bgs = [read('--vscode-editor-background', ''), read('--vscode-editorWidget-background', read('--vscode-editor-background', ''))];
    for (const [name, colour] of Object.entries(readableStatusColours(read))) {
      for (const bg of bgs) {
        const r = contrastRatio(colour, bg);
        assert.ok(r >= TEXT_CONTRAST, `${theme}: ${name} ${colour} on ${bg} is ${r.toFixed(2)}:1`);
      }
    }
  }
});

/** CIE76 colour difference (Lab), a plain measure of how apart two colours look. */
function deltaE(a: string, b: string): number {
  const lab = (c: string) => {
    const p = parseColour(c)!;
    const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const [r, g, bl] = [lin(p.r), lin(p.g), lin(p.b)];
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047), y = f(0.2126 * r + 0.7152 * g + 0.0722 * bl), z = f((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

test('run colours: six per theme, each 3:1 over the chart background, each pair clearly apart', () => {
  const seen: Record<string, string[]> = {};
  for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) {
    const read = vars(theme);
    const bg = read('--vscode-editorWidget-background', read('--vscode-editor-background', ''));
    const colours = runColours(KINDS[theme], read, bg, read('--vscode-foreground', ''));
    seen[theme] = colours;
    assert.equal(colours.length, MAX_COMPARED_RUNS);
    for (const c of colours) assert.ok(contrastRatio(c, bg) >= RUN_LINE_CONTRAST, `${theme}: ${c} on ${bg} is ${contrastRatio(c, bg).toFixed(2)}:1`);
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        const d = deltaE(colours[i], colours[j]);
        assert.ok(d >= 20, `${theme}: run ${i + 1} ${colours[i]} and run ${j + 1} ${colours[j]} are only ${d.toFixed(1)} apart (CIE76)`);
      }
    }
  }
  console.log(`# run colours ${JSON.stringify(seen)}`);
});

test('valuesAt: each run\'s training / validation loss and accuracy at one epoch; lastEpoch: the furthest any run got', () => {
  const a = run({});
  const b = run({ runDir: '/r/b', history: [...a.history, { epoch: 3, loss: 0.5, acc: 0.9, val_loss: NaN, val_acc: 0.88, seconds: 0 }] });
  assert.equal(lastEpoch([a, b]), 3);
  assert.equal(lastEpoch([]), undefined);
  assert.deepEqual(valuesAt([a, b], 2), { loss: ['0.8000 / 0.7000', '0.8000 / 0.7000'], acc: ['0.7500 / 0.8123', '0.7500 / 0.8123'] });
  assert.deepEqual(valuesAt([a, b], 3), { loss: ['– / –', '0.5000 / –'], acc: ['– / –', '0.9000 / 0.8800'] });
});
