// npm run test:electron: the extension's flows through the VS Code API in a real VS Code desktop
// (Electron) downloaded by @vscode/test-electron. It needs update.code.visualstudio.com. Only
// when that host cannot be reached at all (no DNS answer, no connection) does it record a skip,
// with that reason, in .test-results/electron.json (allowed by .ci/allowed-skips.json); an HTTP
// error, a failed download or a failed flow fails the run.
// Where VS Code cannot be downloaded, `npm run test:e2e` drives code-server instead.
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { resultsFile } from '../../scripts/testing/summary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOST = 'update.code.visualstudio.com';
const PROBE_MS = 8000;
const SUITE_NAME = 'test:electron (VS Code desktop via @vscode/test-electron)';
const results = resultsFile('electron');
rmSync(results, { force: true });

function fail(why) {
  console.error(`test:electron FAILED: ${why}`);
  process.exit(1);
}

/** The one allowed skip: VS Code's download host is out of reach from this machine. */
function unreachable(why) {
  const reason = `cannot reach ${HOST}: ${why}`;
  console.log(`test:electron SKIPPED: ${reason}`);
  console.log('  This suite downloads VS Code desktop; run it on a machine with access to https://update.code.visualstudio.com.');
  console.log('  The same flows run against a real VS Code (code-server) with: npm run test:e2e');
  writeFileSync(results, JSON.stringify({ passed: 0, failed: 0, skipped: 1, todo: 0, skips: [{ name: SUITE_NAME, reason }], failures: [] }, null, 2));
  process.exit(0);
}

const withTimeout = (p, ms, what) => Promise.race([
  p, new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms)),
]);
// Errors that mean "no route to the host", as opposed to a host that answered badly.
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const networkCode = (err) => [err?.code, err?.cause?.code, err?.name === 'TimeoutError' ? 'ETIMEDOUT' : undefined].find((c) => NETWORK_CODES.has(c));

// 1. Can VS Code be downloaded from here at all? DNS first, then one small HTTPS request.
try {
  await withTimeout(lookup(HOST), PROBE_MS, `DNS lookup of ${HOST}`);
} catch (err) {
  if (networkCode(err)) unreachable(`DNS lookup failed (${networkCode(err)})`);
  fail(`DNS lookup of ${HOST}: ${err.message}`);
}
try {
  const res = await fetch(`https://${HOST}/api/releases/stable`, { signal: AbortSignal.timeout(PROBE_MS) });
  if (!res.ok) fail(`https://${HOST}/api/releases/stable answered HTTP ${res.status}`);
} catch (err) {
  if (networkCode(err)) unreachable(`HTTPS request failed (${networkCode(err)}: ${err.message})`);
  fail(`https://${HOST}: ${err.cause?.message ?? err.message}`);
}

const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: 'stable', timeout: 30000 });
} catch (err) {
  fail(`downloading VS Code failed: ${err.message}`);
}

// 2. Build the extension and the suite (the suite runs inside VS Code's extension host).
const build = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
build(['esbuild.mjs']);
const esbuild = await import('esbuild');
const suiteOut = join(root, 'out', 'electron', 'suite.js');
await esbuild.build({
  entryPoints: [join(root, 'test', 'electron', 'suite', 'index.ts')],
  outfile: suiteOut, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning',
});

// 3. A throwaway workspace with settings for a quick run on the bundled sample.
const tmp = mkdtempSync(join(tmpdir(), 'lenet-electron-'));
const workspace = join(tmp, 'workspace');
mkdirSync(join(workspace, '.vscode'), { recursive: true });
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
  'lenet.epochs': 2, 'lenet.dataLimit': 2000, 'lenet.dataset': 'mnist-sample', 'lenet.backend': 'auto',
}, null, 2));
let code = 0;
try {
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteOut,
    extensionTestsEnv: { LENET_ELECTRON_RESULTS: results },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--skip-welcome', '--skip-release-notes'],
  });
} catch (err) {
  console.error(`test:electron FAILED: ${err.message}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
