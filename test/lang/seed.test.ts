// The seed notebook's own code (shared/seed/000_a31a23eb99ebd122.txt): every layer's output shape
// and parameter count read from the source must equal the summary the notebook printed, and the
// hover must say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCount, formatShape } from '../../src/model/infer';
import { analyzeSource } from '../../src/lang/index';
import { hoverMarkdown, inlayLabel, modelHoverMarkdown } from '../../src/lang/hover';
import { findAt } from '../../src/lang/lookup';
import { ipynbPython, joinCells } from '../../src/lang/notebook';
import { firstModelFromSource } from '../../src/lang/modelFromSource';

const root = join(__dirname, '..', '..');
// The seed's Python cells byte for byte (test/e2e/fixtures/make-seed-fixtures.mjs extracts them
// from the seed file; the real-VS-Code suite opens the same files).
const fixture = readFileSync(join(root, 'test/e2e/fixtures/workspace/lenet_seed.py'), 'utf8');
const notebook = readFileSync(join(root, 'test/e2e/fixtures/workspace/lenet_seed.ipynb'), 'utf8');
// A copy of the seed notebook is committed so this check runs on any clone.
const SEED = join(root, 'test', 'fixtures', 'seed', '000_a31a23eb99ebd122.txt');

/**
 * The seed's printed summary. Rows up to FC6 are parsed from the seed file itself when it is
 * there; the file's table is cut inside the FC6 row ("FC6 (Dense) (None, 84) 1"), so FC6's and
 * OUTPUT's counts are the ones its total of 61,706 implies (120x84+84, 84x10+10).
 */
const EXPECTED: [string, string, number][] = [
  ['C1 (Conv2D)', '(None, 28, 28, 6)', 156],
  ['S2 (AveragePooling2D)', '(None, 14, 14, 6)', 0],
  ['C3 (Conv2D)', '(None, 10, 10, 16)', 2416],
  ['S4 (AveragePooling2D)', '(None, 5, 5, 16)', 0],
  ['C5 (Conv2D)', '(None, 1, 1, 120)', 48120],
  ['flatten (Flatten)', '(None, 120)', 0],
  ['FC6 (Dense)', '(None, 84)', 10164],
  ['OUTPUT (Dense)', '(None, 10)', 850],
];

test('the expected table matches the rows the seed printed', () => {
  const seed = readFileSync(SEED, 'utf8');
  const rows = [...seed.matchAll(/^(\S+ \(\w+\))\s+(\(None[^)]*\))\s+(\d+)\s*$/gm)].map((m) => [m[1], m[2], Number(m[3])]);
  assert.ok(rows.length >= 6, 'seed summary rows found');
  for (const r of rows) {
    const e = EXPECTED.find((x) => x[0] === r[0]);
    assert.ok(e, `row ${r[0]}`);
    assert.equal(r[1], e[1]);
    if (r[0] !== 'FC6 (Dense)') assert.equal(r[2], e[2], `${r[0]} params`); // FC6 is cut in the file
  }
});

function checkSeedModel(text: string) {
  const a = analyzeSource(text, 'python');
  assert.equal(a.models.length, 1);
  const m = a.models[0];
  assert.equal(m.source.varName, 'lenet');
  assert.equal(m.complete, true);
  assert.deepEqual(
    m.layers.map((l) => [`${l.name} (${l.type})`, formatShape(l.info!.outputShape), l.info!.params]),
    EXPECTED,
  );
  assert.equal(m.result.totalParams, 61706);
  assert.deepEqual(a.diagnostics, []);
  return { a, m };
}

test("the seed's Python cells: every layer's shape and params equal the printed summary", () => {
  const { m } = checkSeedModel(fixture);
  // The seed computes input_shape from X_train.shape: the hover says (28, 28, 1) is assumed.
  assert.match(m.inputAssumed ?? '', /input_shape/);
  assert.equal(m.trainBlocker, undefined);
  assert.deepEqual(m.spec?.inputShape, [28, 28, 1]);
});

test('hover over Conv2D(16 shows (None, 10, 10, 16) and 2,416; over lenet the whole summary', () => {
  const { a, m } = checkSeedModel(fixture);
  const at = fixture.indexOf('Conv2D(16');
  const hit = findAt(a, at + 2);
  assert.ok(hit?.layer);
  const md = hoverMarkdown(hit.model, hit.layer);
  assert.match(md, /\*\*C3\*\* \(Conv2D\)/);
  assert.ok(md.includes('(None, 14, 14, 6) -> (None, 10, 10, 16)'), md);
  assert.ok(md.includes('5x5x6x16 + 16 = 2,416'), md);
  assert.ok(md.includes('running total 2,572 of 61,706'), md);
  assert.match(md, /assumed to be \(28, 28, 1\)/);
  // Anywhere in the call, including its continuation line with the trailing Spanish comment.
  const inArgs = fixture.indexOf("name='C1'");
  assert.equal(findAt(a, inArgs)?.layer?.name, 'C1');
  const varHit = findAt(a, fixture.indexOf('lenet.summary()') + 1);
  assert.ok(varHit && !varHit.layer);
  const summary = modelHoverMarkdown(varHit.model);
  assert.ok(summary.startsWith('**lenet**: Sequential model, 8 layers, 61,706 params'), summary);
  assert.ok(summary.includes('C3 (Conv2D)                  (None, 10, 10, 16)        2,416'), summary);
  assert.ok(summary.includes(`Total params: ${formatCount(61706)}`));
  assert.deepEqual(m.layers.map(inlayLabel).slice(0, 3), ['-> (None, 28, 28, 6)', '-> (None, 14, 14, 6)', '-> (None, 10, 10, 16)']);
  // The call ends at its ')': the trailing comment after it gets no layer hover.
  const comment = fixture.indexOf('#capa de convolucion');
  assert.equal(findAt(a, comment), undefined);
});

test('the seed as notebook cells: lenet in one cell, .add in later cells, ranges map to each cell', () => {
  const cells = fixture.split(/^# In \[\d+\]:\n/m).slice(1);
  assert.equal(cells.length, 8);
  // Split cell 6 (the model) in two so the model spans cells.
  const six = cells[5];
  const cut = six.indexOf('# Capa de Pooling S2');
  const nbCells = [...cells.slice(0, 5), six.slice(0, cut), six.slice(cut), ...cells.slice(6)];
  const j = joinCells(nbCells);
  const { a } = checkSeedModel(j.text);
  const c3 = a.models[0].layers[2];
  const cell = j.starts.filter((s) => s <= c3.source.classSpan.start).length - 1;
  assert.equal(cell, 6);
  const local = c3.source.classSpan.start - j.starts[cell];
  assert.equal(nbCells[cell].slice(local, local + 6), 'Conv2D');
});

test('the seed as an .ipynb file (opened as text, and through the CLI hook)', () => {
  const py = ipynbPython(notebook);
  assert.ok(py);
  const { a } = checkSeedModel(py.text);
  const c3 = a.models[0].layers[2].source.classSpan;
  assert.equal(notebook.slice(py.toJson[c3.start], py.toJson[c3.end]), 'Conv2D');
  const r = firstModelFromSource('lenet_seed.ipynb', notebook);
  assert.equal(r.analysis.result.totalParams, 61706);
  assert.match(r.notes[0], /input shape assumed to be \(28, 28, 1\): input_shape=input_shape is only known when the code runs/);
});
