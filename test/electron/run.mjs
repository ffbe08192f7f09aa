// npm run test:electron: the extension's flows through the VS Code API in a real VS Code desktop
// (Electron) downloaded by @vscode/test-electron. It needs update.code.visualstudio.com; where
// that cannot be reached it prints why and exits 0 WITHOUT running anything (a skip, not a pass).
// Where VS Code cannot be downloaded, `npm run test:e2e` drives code-server instead.
import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOST = 'update.code.visualstudio.com';
const PROBE_MS = 8000;

function skip(why) {
  console.log(`test:electron SKIPPED: ${why}`);
  console.log('  This suite downloads VS Code desktop; run it on a machine with access to https://update.code.visualstudio.com.');
  console.log('  The same flows run against a real VS Code (code-server) with: npm run test:e2e');
  process.exit(0);
}

const withTimeout = (p, ms, what) => Promise.race([
  p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms)),
]);

// 1. Can VS Code be downloaded from here at all? DNS first, then one small HTTPS request.
try {
  await withTimeout(lookup(HOST), PROBE_MS, `DNS lookup of ${HOST}`);
} catch (err) {
  skip(`cannot resolve ${HOST} (${err.code ?? err.message}), so VS Code cannot be downloaded here.`);
}
try {
  const res = await fetch(`https://${HOST}/api/releases/stable`, { signal: AbortSignal.timeout(PROBE_MS) });
  if (!res.ok) skip(`https://${HOST}/api/releases/stable answered HTTP ${res.status}.`);
} catch (err) {
  skip(`https://${HOST} is not reachable (${err.cause?.code ?? err.name}: ${err.message}).`);
}

const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: 'stable', timeout: 30000 });
} catch (err) {
  skip(`downloading VS Code failed: ${err.message}`);
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
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--skip-welcome', '--skip-release-notes'],
  });
} catch (err) {
  console.error(`test:electron FAILED: ${err.message}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
