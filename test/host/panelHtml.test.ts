import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../src/host/panelHtml';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const assets = {
  cspSource,
  script: `${cspSource}/ext/dist/webview.js`,
  styles: [`${cspSource}/ext/dist/webview.css`, `${cspSource}/ext/media/panel.css`],
};

test('the CSP is exactly the strict policy: nothing inline, no eval, scripts by nonce only', () => {
  const csp = contentSecurityPolicy(cspSource, 'abc123');
  assert.equal(csp, `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; script-src 'nonce-abc123'; font-src ${cspSource};`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the HTML loads the script by nonce, the styles by link, renders into #app, and has no inline code', () => {
  const html = panelHtml(assets, 'N0nce+/=');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'nonce-N0nce\+\/='/);
  assert.match(html, /<script nonce="N0nce\+\/=" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"><\/script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script');
  assert.equal((html.match(/<link rel="stylesheet"/g) ?? []).length, 2);
  assert.match(html, /<div id="app"><\/div>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son\w+=/i, 'no inline styles or handlers');
  assert.doesNotMatch(html, /<script(?![^>]*nonce=)/, 'every script has the nonce');
});

test('nonces are fresh and long enough; attribute values are escaped', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.ok(Buffer.from(a, 'base64').length >= 16);
  const html = panelHtml({ ...assets, script: 'x"><script>alert(1)</script>' }, 'n');
  assert.doesNotMatch(html, /<script>alert/);
});
