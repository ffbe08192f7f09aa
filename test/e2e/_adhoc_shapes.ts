// AD-HOC (not committed): checks code lens -> training, diagnostics, TS and JSON hovers in code-server.
import { VSCodeSession, sleep, waitUntil } from './harness';
const entry = process.env.LENET_E2E_ENTRY!;
(async () => {
  const vs = await VSCodeSession.start({
    entry, vsix: '/work/main/lenet-lab-0.1.0.vsix', fixture: '/tmp/lensfix', artifacts: '/tmp/lensart',
    workspaceSettings: { 'lenet.epochs': 1, 'lenet.dataLimit': 500, 'lenet.dataset': 'mnist-sample', 'lenet.backend': 'wasm', 'lenet.outputDirectory': '$WORKSPACE/.lenet/runs' },
  });
  try {
    await vs.openFile('bad.py');
    await sleep(2500);
    await vs.screenshot('bad-py');
    const status = await vs.page.locator('.statusbar-item', { hasText: /\d/ }).allInnerTexts();
    console.log('status bar:', JSON.stringify(status.slice(0, 8)));
    const h = await vs.hoverWord('Conv2D(120', /larger|C|conv/).catch((e) => String(e));
    console.log('bad.py hover:', h);
    await vs.screenshot('bad-hover');
    await vs.openFile('mnist.ts');
    console.log('ts hover:', await vs.hoverWord('filters: 32', /None/).catch((e) => String(e)));
    await vs.screenshot('ts-hover');
    await vs.openFile('lenet5.lenet.json');
    console.log('json hover:', await vs.hoverWord('"C3"', /None/).catch((e) => String(e)));
    await vs.screenshot('json-hover');
    await vs.openFile('lenet_seed.py');
    const lens = vs.page.locator('.codelens-decoration a', { hasText: 'Train This Model' }).first();
    await lens.waitFor({ timeout: 15000 });
    await lens.click();
    await waitUntil('the panel', async () => (await vs.page.locator('iframe.webview').count()) > 0, 30000);
    await sleep(25000);
    await vs.screenshot('after-train');
  } finally {
    await vs.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
