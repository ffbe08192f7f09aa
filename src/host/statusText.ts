// The status bar item's text and tooltip for a panel state. Pure, so the exact wording is tested.
import { epochProgress } from '../shared/panelState';
import type { PanelState } from '../shared/webviewProtocol';

/** 42 -> "42s", 150 -> "3m", 3900 -> "1h 05m"; under a second -> "<1s". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 1) return '<1s';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600 - 30) return `${Math.max(1, Math.round(seconds / 60))}m`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds - h * 3600) / 60);
  return m === 60 ? `${h + 1}h 00m` : `${h}h ${String(m).padStart(2, '0')}m`;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

/**
 * `$(pulse) LeNet 3/50 · val 0.912 · ETA 2m` while training; undefined when there is nothing to
 * show (no run yet), so the item can be hidden.
 */
export function statusBarText(s: PanelState): StatusText | undefined {
  const last = s.history[s.history.length - 1];
  const val = last && Number.isFinite(last.val_acc) ? `val ${last.val_acc.toFixed(3)}` : undefined;
  // Same i/N as the panel header (epochProgress: in progress while busy, completed afterwards).
  const p = epochProgress(s);
  const progress = p ? `${p.epoch}/${p.epochs}` : undefined;
  const join = (icon: string, ...parts: (string | undefined)[]) =>
    `${icon} LeNet ${parts.filter(Boolean).join(' · ')}`.trimEnd();
  const tip = (first: string) =>
    [first, s.message, s.backend ? `Backend: ${s.backend.name}` : undefined, 'Click to show the training panel']
      .filter(Boolean).join('\n');
  switch (s.status) {
    case 'idle':
      return undefined;
    case 'starting':
    case 'loading':
      return { text: join('$(sync~spin)', 'loading data'), tooltip: tip('LeNet: preparing the training run') };
    case 'training': {
      const eta = s.etaSeconds !== undefined ? `ETA ${formatEta(s.etaSeconds)}` : undefined;
      return { text: join('$(pulse)', progress, val, eta), tooltip: tip(`LeNet: training, epoch ${progress ?? '?'}`) };
    }
    case 'stopping':
      return { text: join('$(loading~spin)', 'stopping'), tooltip: tip('LeNet: stopping after the current batch') };
    case 'stopped':
      return { text: join('$(debug-pause)', 'stopped', progress, val), tooltip: tip('LeNet: training stopped') };
    case 'done':
      return { text: join('$(check)', progress, val), tooltip: tip('LeNet: training finished') };
    case 'interrupted':
      return { text: join('$(warning)', 'interrupted', progress, val), tooltip: tip('LeNet: the run was interrupted; it can resume from its last epoch') };
    case 'evaluating':
      return { text: join('$(loading~spin)', 'evaluating'), tooltip: tip('LeNet: evaluating on the test set') };
    case 'error':
      return { text: join('$(error)', 'error'), tooltip: tip('LeNet: the last run failed') };
    default:
      return undefined;
  }
}
