// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [filter-substring...]
// Prints the counts at the end and fails on any skip not in .ci/allowed-skips.json.
// Node 20's --test takes no globs, so the files are listed here. The e2e suites live under
// test/e2e and have their own commands (npm run test:e2e / test:electron).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { report, reporterArgs, resultsFile } from './testing/summary.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'e2e' && name !== 'fixtures') walk(p);
    } else if (name.endsWith('.test.ts')) {
      const rel = relative(root, p);
      if (filters.length === 0 || filters.some((f) => rel.includes(f))) files.push(rel);
    }
  }
})(join(root, 'test'));
files.sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
rmSync(resultsFile('unit'), { force: true });
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporterArgs('unit'), ...files], {
  cwd: root,
  stdio: 'inherit',
});
// A run with skips that are not allowed fails even when every test that ran passed.
const skipsOk = report('unit');
process.exit(r.status || (skipsOk ? 0 : 1));
