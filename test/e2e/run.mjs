// `npm run test:e2e`: the real-VS-Code end-to-end suite.
// 1. packages the extension (.vsix) with `npm run package`, 2. installs code-server 4.96.4 offline into a cache outside the repo
//    (scripts/setup-code-server.sh; instant when cached), 3. runs test/e2e/*.e2e.ts with node's
//    test runner, which drive code-server with Debian chromium through playwright-core.
// Screenshots and logs: $LENET_E2E_ARTIFACTS/<timestamp>/ (default /tmp/lenet-e2e-artifacts).
// Usage: node test/e2e/run.mjs [name-filter]   (filter = node --test-name-pattern)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { report, reporterArgs, resultsFile } from '../../scripts/testing/summary.mjs';

const root = new URL('../..', import.meta.url).pathname;
const t0 = performance.now();
const ms = () => Math.round(performance.now() - t0);

function fail(msg) {
  console.error(`test:e2e: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stdout ?? ''}`);
  return r.stdout ?? '';
}

if (!existsSync(process.env.LENET_E2E_CHROMIUM ?? '/usr/bin/chromium')) {
  fail('chromium not found at /usr/bin/chromium: apt-get install chromium (or set LENET_E2E_CHROMIUM)');
}

// --- 1. the .vsix ---------------------------------------------------------------------------
function newestVsix(since) {
  const found = [];
  for (const dir of [root, join(root, 'dist')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.vsix')) continue;
      const p = join(dir, f);
      const m = statSync(p).mtimeMs;
      if (m >= since) found.push([m, p]);
    }
  }
  found.sort((a, b) => b[0] - a[0]);
  return found[0]?.[1];
}

let vsix = process.env.LENET_E2E_VSIX;
if (!vsix) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const before = Date.now() - 1000;
  if (!pkg.scripts?.package) fail('package.json has no "package" script to build the .vsix');
  run('npm', ['run', '--silent', 'package']);
  vsix = newestVsix(before);
  if (!vsix) fail('`npm run package` succeeded but wrote no new .vsix in the repo root or dist/');
}
if (!existsSync(vsix)) fail(`no .vsix at ${vsix}`);
console.log(`# vsix: ${relative(root, vsix).startsWith('..') ? vsix : relative(root, vsix)} (${ms()} ms)`);

// --- 2. code-server ---------------------------------------------------------------------------
const tSetup = performance.now();
const out = run('bash', [join(root, 'scripts/setup-code-server.sh')]).trim().split('\n');
const entry = out[out.length - 1];
if (!existsSync(entry)) fail(`setup-code-server.sh printed ${entry}, which does not exist`);
console.log(`# code-server: ${entry} (setup ${Math.round(performance.now() - tSetup)} ms; ${ms()} ms since test:e2e started)`);

// --- 3. the suites ----------------------------------------------------------------------------
const files = readdirSync(join(root, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.ts'))
  .sort()
  .map((f) => join('test/e2e', f));
const filter = process.argv[2];
rmSync(resultsFile('e2e'), { force: true });
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporterArgs('e2e'), ...(filter ? [`--test-name-pattern=${filter}`] : []), ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LENET_E2E_VSIX: vsix, LENET_E2E_ENTRY: entry },
  },
);
// Any skip fails the suite unless .ci/allowed-skips.json allows it (none is allowed here). A
// name-filtered run skips the other flows on purpose: it prints the counts without that check.
const skipsOk = report('e2e', { filter });
process.exit(r.status || (skipsOk ? 0 : 1));
