// The training panel's HTML. Pure (no vscode import) so its Content-Security-Policy is unit-tested.
// Nothing inline: scripts load only by nonce, styles only from the webview's own origin
// (cspSource), no eval. The webview script (webview/main.ts) renders into <div id="app">.
import { randomBytes } from 'node:crypto';

export interface PanelAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(dist/webview.js) */
  script: string;
  /** asWebviewUri of each stylesheet (dist/webview.css, media/panel.css) */
  styles: string[];
}

/** 128 random bits, base64: a fresh nonce per HTML render. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ') + ';';
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(assets: PanelAssets, nonce = makeNonce()): string {
  const links = assets.styles.map((href) => `  <link rel="stylesheet" href="${attr(href)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(assets.cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
  <title>LeNet Lab</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${attr(nonce)}" src="${attr(assets.script)}"></script>
</body>
</html>
`;
}
