// Robustness: thousands of random and mutated sources (cut files, unbalanced brackets, odd
// unicode, huge numbers, broken JSON) through everything the editor providers call. Nothing may
// throw (the CLI hook may only throw its own clear SourceModelError) and nothing may hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource } from '../../src/lang/index';
import { hoverMarkdown, inlayLabel, modelHoverMarkdown } from '../../src/lang/hover';
import { findAt } from '../../src/lang/lookup';
import { ipynbPython } from '../../src/lang/notebook';
import { firstModelFromSource, SourceModelError } from '../../src/lang/modelFromSource';
import type { SourceLanguage } from '../../src/lang/types';
import { LENET5 } from '../../src/model/lenet';
import { randomSpec, rng } from '../model/randomSpec';
import { renderPython, renderTfjs } from './render';

const seedPy = readFileSync(join(__dirname, '..', 'e2e', 'fixtures', 'workspace', 'lenet_seed.py'), 'utf8');
const r = rng(4242);
const int = (n: number) => Math.floor(r() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

const PIECES = [
  '(', ')', '[', ']', '{', '}', "'", '"', '"""', "'''", '`', '${', '\\', '\n', '\r\n', '\t', '#', '//', '/*', '*/', '=', ',', ':', ';',
  '.', '..', '...', '*', '**', '-', '/', '@', '!', '%', '0x', '0b', '_', '1e999', '-0', '9'.repeat(400), '1_000_000', '3.', '.5j',
  'None', 'True', 'null', 'lambda', 'def f(', 'Sequential(', 'tf.sequential(', '.add(', 'Conv2D(', 'Dense(', 'layers.', 'input_shape=',
  'kernel_size=(', 'kernelSize: ', '😀', '\u200b', '\u202e', '\u0301', '\ud800', '\udc00', '\u0000', 'ñandú', '→', '\ufeff', 'ℌ',
];

function mutate(src: string): string {
  let s = src;
  const ops = 1 + int(4);
  for (let k = 0; k < ops; k++) {
    const at = int(s.length + 1);
    switch (int(6)) {
      case 0: s = s.slice(0, at); break; // cut file
      case 1: s = s.slice(0, at) + s.slice(at + int(40)); break; // delete a range
      case 2: s = s.slice(0, at) + pick(PIECES) + s.slice(at); break; // insert a token
      case 3: { // duplicate a range
        const len = int(80);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      case 4: s = s.slice(0, at) + Array.from({ length: 1 + int(6) }, () => pick(PIECES)).join('') + s.slice(at); break;
      default: { // swap two lines
        const lines = s.split('\n');
        const i = int(lines.length);
        const j = int(lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        s = lines.join('\n');
      }
    }
  }
  return s;
}

function garbage(): string {
  return Array.from({ length: int(300) }, () => (r() < 0.5 ? pick(PIECES) : String.fromCharCode(int(0x3000)))).join('');
}

let slowest = 0;
function exercise(src: string, lang: SourceLanguage): ReturnType<typeof analyzeSource> {
  const t0 = performance.now();
  const a = analyzeSource(src, lang);
  for (const m of a.models) {
    modelHoverMarkdown(m);
    for (const l of m.layers) {
      hoverMarkdown(m, l);
      inlayLabel(l);
    }
  }
  for (const d of a.diagnostics) {
    assert.ok(d.span.start >= 0 && d.span.end >= d.span.start && d.span.end <= src.length + 1, 'diagnostic span inside the text');
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
  }
  for (let k = 0; k < 8; k++) {
    const hit = findAt(a, int(src.length + 1));
    if (hit?.layer) hoverMarkdown(hit.model, hit.layer);
    else if (hit) modelHoverMarkdown(hit.model);
  }
  slowest = Math.max(slowest, performance.now() - t0);
  return a;
}

test('thousands of mutated and random Python, TF.js and JSON sources never throw', (t) => {
  const bases: [string, SourceLanguage][] = [[seedPy, 'python'], [JSON.stringify({ inputShape: [28, 28, 1], layers: LENET5.layers }, null, 2), 'lenet-json']];
  for (let i = 0; i < 10; i++) {
    const spec = randomSpec(r);
    bases.push([renderPython(spec, r), 'python'], [renderTfjs(spec, r), 'tfjs']);
  }
  let n = 0;
  for (let i = 0; i < 3000; i++) {
    const [base, lang] = pick(bases);
    const src = mutate(base);
    exercise(src, lang);
    // The same text through the other readers too: a user can open anything with any language id.
    exercise(src, lang === 'python' ? 'tfjs' : 'python');
    n += 2;
  }
  for (let i = 0; i < 1000; i++) {
    const g = garbage();
    exercise(g, 'python');
    exercise(g, 'tfjs');
    exercise(g, 'lenet-json');
    n += 3;
  }
  assert.ok(n >= 9000);
  // The slowest input's time is a benchmark (bench/latency.ts), not a limit here.
  t.diagnostic(`slowest input: ${slowest.toFixed(1)} ms`);
});

test('mutated .ipynb text and the CLI hook: no throw except the CLI hook\'s own clear error', () => {
  const nb = JSON.stringify({
    cells: seedPy.split(/^# In \[\d+\]:\n/m).slice(1).map((c) => ({ cell_type: 'code', source: c.split(/(?<=\n)/) })),
    metadata: { language_info: { name: 'python' } },
  }, null, 1);
  const base = firstModelFromSource('seed.ipynb', nb);
  assert.equal(base.analysis.result.totalParams, 61706);
  for (let i = 0; i < 1500; i++) {
    const text = mutate(nb);
    const py = ipynbPython(text);
    if (py) {
      assert.equal(py.toJson.length, py.text.length + 1);
      exercise(py.text, 'python');
    }
    for (const name of ['x.ipynb', 'x.py', 'x.ts']) {
      try {
        firstModelFromSource(name, text);
      } catch (e) {
        assert.ok(e instanceof SourceModelError, `unexpected ${String(e)}`);
        assert.ok(!/\n\s+at /.test((e as Error).message), 'no stack trace in the message');
      }
    }
  }
});

test('deep nesting and very long lines do not overflow the stack, and give the expected analysis', () => {
  const deep = exercise(`m = Sequential([${'('.repeat(5000)}Dense(3)${')'.repeat(5000)}])`, 'python');
  assert.equal(deep.models.length, 1, 'the model is still found');
  assert.match(deep.diagnostics[0]?.message ?? '', /not analyzed/, 'the nested layer is reported, not silently dropped');
  assert.equal(exercise(`const m = tf.sequential({layers: [${'['.repeat(5000)}]})`, 'tfjs').models.length, 1);
  assert.equal(exercise('['.repeat(100000), 'lenet-json').models.length, 0, 'no model from unbalanced JSON');
  const long = exercise(`model = Sequential()\n${'model.add(Dense(4))\n'.repeat(3000)}`, 'python');
  assert.equal(long.models.length, 1);
  assert.equal(long.models[0].layers.length, 3000, 'every one of 3,000 add() calls is a layer');
  assert.equal(exercise('x = ' + '1 + '.repeat(20000) + '1', 'python').models.length, 0);
});
