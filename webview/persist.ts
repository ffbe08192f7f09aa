// What the webview keeps with vscode.setState. The host re-sends the full state when the panel
// says ready, so this copy only bridges the moment between a reload and that message: keep it
// small (setState serialises synchronously on the UI thread, at most once a second here).
import type { PanelState } from '../src/shared/webviewProtocol';

/** The state minus the evaluation's lists of misclassified images (up to 10,000 entries), which the host re-sends. */
export function persistableState(s: PanelState): PanelState {
  if (!s.evaluation || s.evaluation.misclassified.length === 0) return s;
  return { ...s, evaluation: { ...s.evaluation, misclassified: [] } };
}
