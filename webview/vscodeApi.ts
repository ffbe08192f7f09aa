// The webview side of VS Code's messaging API, typed with the shared protocol.
import type { PanelState, WebviewMessage } from '../src/shared/webviewProtocol';

/** What the panel keeps across reloads with setState: the last PanelState plus UI choices. */
export interface Persisted {
  state?: PanelState;
  smoothing?: number;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Bridge {
  post(message: WebviewMessage): void;
  load(): Persisted;
  save(p: Persisted): void;
}

/** acquireVsCodeApi may be called only once per webview; this wraps that single instance. */
export function createBridge(): Bridge {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    load: () => {
      const s = api.getState();
      return typeof s === 'object' && s !== null ? (s as Persisted) : {};
    },
    save: (p) => api.setState(p),
  };
}
