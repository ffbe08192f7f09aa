// Works around a known toolkit bug (microsoft/vscode-webview-ui-toolkit#545): while the toolkit
// loads, @microsoft/fast-web-utilities' canUseFocusVisible() probes for :focus-visible support by
// appending an empty <style> element to <head>. Under the panel's CSP (style-src <cspSource>, no
// 'unsafe-inline', and style nonces are not allowed) that element is blocked and reported as a CSP
// violation, and the probe then wrongly concludes :focus-visible is unsupported.
//
// This module must be imported right before the toolkit (see toolkit.ts). It answers the probe
// with a constructable stylesheet, which the CSP allows, instead of inserting the element; the
// rule parses iff the browser supports :focus-visible, so the answer is still real detection.
// toolkit.ts calls endFocusVisibleProbe() once the toolkit has loaded, restoring <head>.

const head = document.head;
const originalAppend = head.appendChild;
const originalRemove = head.removeChild;
const probes = new WeakSet<Node>();

head.appendChild = function <T extends Node>(this: HTMLHeadElement, node: T): T {
  if (node instanceof HTMLStyleElement && !node.textContent) {
    probes.add(node);
    Object.defineProperty(node, 'sheet', { value: new CSSStyleSheet(), configurable: true });
    return node;
  }
  return originalAppend.call(this, node) as T;
};

head.removeChild = function <T extends Node>(this: HTMLHeadElement, node: T): T {
  if (probes.has(node)) return node;
  return originalRemove.call(this, node) as T;
};

export function endFocusVisibleProbe(): void {
  head.appendChild = originalAppend;
  head.removeChild = originalRemove;
}
