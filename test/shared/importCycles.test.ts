// No import cycles in the product's code (src/ and webview/), type-only imports included: a
// cycle hides which module is the lower layer and makes load order matter. The graph is read from
// the sources' relative imports (import/export ... from, import(), require()).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = join(dirname(from), spec);
  for (const p of [base, `${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) if (existsSync(p) && statSync(p).isFile()) return p;
  return undefined;
}

export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(re)].map((m) => resolveImport(f, m[1])).filter((p): p is string => !!p);
    graph.set(f, [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

test('the cycle finder finds a cycle (negative control)', () => {
  const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', []]])), []);
});

test('no import cycles in src/ and webview/', () => {
  const files = [...sources(join(root, 'src')), ...sources(join(root, 'webview'))];
  const graph = importGraph(files);
  const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
  assert.ok(files.length > 100 && edges > 200, `read the graph (${files.length} files, ${edges} imports)`);
  const found = cycles(graph).map((c) => c.map((f) => relative(root, f)).join(' -> '));
  assert.deepEqual(found, [], `import cycles:\n${found.join('\n')}`);
});
