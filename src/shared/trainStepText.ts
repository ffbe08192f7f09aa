// How the panel, the CLI and the extension's log name a run's training step (the trainStep event).

/** e.g. "fused wasm (2 threads)", or "tfjs (wasm, 2 threads) (not fused: optimizer Adagrad is not fused)". */
export function trainStepText(step: { label: string; reason?: string }): string {
  return `${step.label}${step.reason ? ` (not fused: ${step.reason})` : ''}`;
}
