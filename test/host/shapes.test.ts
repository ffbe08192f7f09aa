// The editor glue of the layer-shape features (src/editor/): what the registered providers
// answer for notebook cells (offsets in the cell, not in the joined notebook), the per-version
// analysis cache, debounced diagnostics, and the lenet.inlayHints setting. The analysis itself is
// tested in test/lang; here it runs for real behind the fake VS Code's documents and notebooks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type FakeInlayHint, type FakeRange, type Registration } from './fakeVscode';
import { startHost } from './hostHarness';

const h = startHost('lenet-shapes-');
const { fake } = h;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ShapeDocuments } = require('../../src/editor/documents') as typeof import('../../src/editor/documents');

after(async () => {
  await h.close();
});

const CELLS = [
  { kind: 'code' as const, text: 'from tensorflow import keras\nmodel = keras.Sequential()\nmodel.add(keras.layers.Input(shape=(28, 28, 1)))\n' },
  { kind: 'markdown' as const, text: '# C1: six 5x5 filters' },
  { kind: 'code' as const, text: "# C1\nmodel.add(keras.layers.Conv2D(6, 5, padding='same', activation='tanh'))\n" },
  { kind: 'code' as const, text: 'model.add(keras.layers.Conv2D(16, 40))\n' },
];
const PY = "from tensorflow import keras\nmodel = keras.Sequential([\n    keras.layers.Input(shape=(28, 28, 1)),\n    keras.layers.Conv2D(6, 5, padding='same', activation='tanh'),\n])\n";
const BAD_PY = PY.replace("Conv2D(6, 5, padding='same'", 'Conv2D(6, 50');

const settle = () => new Promise((r) => setTimeout(r, 700)); // over the 300 ms debounce
const provider = (kind: Registration['kind']) => {
  const r = fake.registrations.filter((x) => x.kind === kind);
  assert.equal(r.length, 1, `one ${kind} provider registered`);
  return r[0].provider;
};
const pos = (text: string, needle: string, at = 0) => {
  const o = text.indexOf(needle) + at;
  assert.ok(o >= at, `"${needle}" in the text`);
  const before = text.slice(0, o);
  return { line: before.split('\n').length - 1, character: o - (before.lastIndexOf('\n') + 1) };
};
const lc = (p: { line: number; character: number }) => ({ line: p.line, character: p.character });
const sets = (uri: string) => fake.diagnostics.filter((d) => d.uri === uri);

test('shape features in the editor', async (t) => {
  h.activate();
  for (const kind of ['hover', 'inlayHints', 'codeLens'] as const) {
    const sel = fake.registrations.find((r) => r.kind === kind)!.selector as { language?: string; pattern?: string }[];
    assert.ok(sel.some((f) => f.language === 'python') && sel.some((f) => f.pattern === '**/*.ipynb'), `${kind} for Python and notebooks`);
  }

  const nb = fake.openNotebook(fake.notebook(join(h.ws, 'lenet.ipynb'), CELLS));
  const [cell0, , cellC1, cellC3] = nb.getCells().map((c) => c.document);

  await t.test('notebook cells: hover, inlay hints and diagnostics are placed in the cell, not in the joined notebook', async () => {
    const hover = provider('hover').provideHover(cellC1, new fake.vscode.Position(1, 30)) as { contents: { value: string }; range: FakeRange };
    assert.ok(hover, 'a hover over Conv2D(6 in the C1 cell');
    assert.match(hover.contents.value, /\(None, 28, 28, 6\)/, 'the model built over three cells');
    assert.deepEqual(lc(hover.range.start), pos(cellC1.getText(), 'keras.layers.Conv2D'));
    assert.deepEqual(lc(hover.range.end), pos(cellC1.getText(), '))\n', 1), 'the end of the Conv2D call in this cell');
    const all = new fake.vscode.Range(new fake.vscode.Position(0, 0), new fake.vscode.Position(99, 0));
    const hints = provider('inlayHints').provideInlayHints(cellC1, all) as FakeInlayHint[];
    assert.deepEqual(hints.map((x) => [x.label, x.position.line, x.position.character]), [['-> (None, 28, 28, 6)', 1, pos(cellC1.getText(), '))\n', 1).character]]);
    assert.deepEqual((provider('inlayHints').provideInlayHints(cellC3, all) as FakeInlayHint[]).map((x) => x.position.line), [0], 'the C3 cell\'s hint in its own first line');
    await settle();
    const c3 = sets(cellC3.uri.toString()).at(-1);
    assert.ok(c3, 'diagnostics were set for the C3 cell');
    assert.equal(c3.diagnostics.length, 1, 'the 40x40 kernel error');
    assert.match(c3.diagnostics[0].message, /40x40 kernel is larger than its 28x28 input/);
    assert.deepEqual([lc(c3.diagnostics[0].range.start), lc(c3.diagnostics[0].range.end)], [pos(cellC3.getText(), 'keras.layers'), pos(cellC3.getText(), '))\n', 1)]);
    assert.equal(c3.diagnostics[0].source, 'LeNet Lab');
    assert.deepEqual(sets(cellC1.uri.toString()).at(-1)?.diagnostics, [], 'the C1 cell was checked, and is fine');
    assert.equal(fake.diagnostics.filter((d) => d.uri.startsWith('vscode-notebook-cell')).length, 3, 'one debounced pass for the notebook: each code cell once');
  });

  await t.test('the analysis is cached per document version (per cell versions for a notebook)', () => {
    const docs = new ShapeDocuments();
    const py = fake.file(join(h.ws, 'model.py'), 'python', PY);
    const a = docs.view(py as never)!.analysis;
    assert.equal(docs.view(py as never)!.analysis, a, 'same version: the same analysis, not a new parse');
    py.setText(BAD_PY);
    const b = docs.view(py as never)!.analysis;
    assert.notEqual(b, a, 'a new version is analysed again');
    assert.equal(b.diagnostics.length, 1, 'from the new text');
    const n1 = docs.view(cellC1 as never)!.analysis;
    assert.equal(docs.view(cellC3 as never)!.analysis, n1, 'one analysis for all the cells of a notebook version');
    cell0.setText(cell0.getText().replace('(28, 28, 1)', '(32, 32, 1)'));
    const n2 = docs.view(cellC3 as never)!.analysis;
    assert.notEqual(n2, n1, 'an edit in another cell is a new notebook version');
    assert.match(n2.diagnostics[0].message, /40x40 kernel is larger than its 32x32 input/, 'from the edited cell');
  });

  await t.test('diagnostics are debounced while typing: one update, for the last text', async () => {
    const py = fake.openDocument(fake.file(join(h.ws, 'typing.py'), 'python', PY));
    const uri = py.uri.toString();
    assert.equal(sets(uri).length, 1, 'checked at once when opened');
    assert.deepEqual(sets(uri)[0].diagnostics, []);
    for (let k = 1; k <= 8; k++) fake.editDocument(py, k % 2 ? BAD_PY : PY + `# ${k}\n`.repeat(k));
    fake.editDocument(py, BAD_PY);
    assert.equal(sets(uri).length, 1, 'nothing while typing');
    await h.until('the debounced diagnostics', 5_000, () => sets(uri).length > 1);
    await settle();
    assert.equal(sets(uri).length, 2, 'nine edits, one update');
    assert.match(sets(uri)[1].diagnostics[0].message, /50x50 kernel is larger than its 28x28 input/);
    // An edit in one cell re-checks every code cell of the notebook (later cells depend on it), once.
    const before = fake.diagnostics.length;
    let inlayRefreshes = 0;
    const sub = provider('inlayHints').onDidChangeInlayHints!(() => inlayRefreshes++);
    fake.editDocument(cell0, CELLS[0].text);
    fake.editDocument(cell0, CELLS[0].text + '\n');
    await settle();
    sub.dispose();
    const after = fake.diagnostics.slice(before);
    assert.deepEqual(after.map((d) => d.uri).sort(), [cell0, cellC1, cellC3].map((d) => d.uri.toString()).sort());
    assert.equal(after.find((d) => d.uri === cellC3.uri.toString())?.diagnostics.length, 1, 'the error is back with the 28x28 input');
    assert.equal(inlayRefreshes, 1, 'the other cells\' inlay hints are asked for again');
    // Closing a document clears its diagnostics.
    fake.events.closeText.fire(py);
    assert.deepEqual(sets(uri).at(-1)!.diagnostics, []);
  });

  await t.test('the lenet.inlayHints setting turns the hints off and on, and VS Code is told to ask again', () => {
    const py = fake.file(join(h.ws, 'hints.py'), 'python', PY);
    const all = new fake.vscode.Range(new fake.vscode.Position(0, 0), new fake.vscode.Position(99, 0));
    const inlay = provider('inlayHints');
    let refreshes = 0;
    const sub = inlay.onDidChangeInlayHints!(() => refreshes++);
    assert.deepEqual((inlay.provideInlayHints(py, all) as FakeInlayHint[]).map((x) => x.label), ['-> (None, 28, 28, 6)'], 'on by default');
    fake.changeSettings({ 'lenet.inlayHints': false });
    assert.equal(refreshes, 1);
    assert.deepEqual(inlay.provideInlayHints(py, all), []);
    fake.changeSettings({ 'lenet.epochs': 3 });
    assert.equal(refreshes, 1, 'other settings do not refresh the hints');
    fake.changeSettings({ 'lenet.inlayHints': true });
    assert.equal(refreshes, 2);
    assert.ok((inlay.provideInlayHints(py, all) as FakeInlayHint[]).length > 0);
    // The hover does not depend on the setting.
    fake.changeSettings({ 'lenet.inlayHints': false });
    assert.ok(provider('hover').provideHover(py, new fake.vscode.Position(3, 20)));
    sub.dispose();
  });

  await t.test('the fake VS Code was only asked for what it models', () => {
    assert.deepEqual(fake.violations, []);
  });
});
