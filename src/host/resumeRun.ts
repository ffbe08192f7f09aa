// What "LeNet: Resume Run..." offers: the run folders of the output folder that can go on
// (stopped, interrupted or failed before their last epoch, with a checkpoint to go on from or no
// epoch done), newest first. No vscode import.
import { listRuns } from './runs';
import { readResumable, type Resumable } from '../shared/resumable';

export interface ResumeChoice {
  label: string;
  description: string;
  detail: string;
  runDir: string;
}

export function resumeChoices(outDir: string): ResumeChoice[] {
  const choices: ResumeChoice[] = [];
  for (const run of listRuns(outDir)) {
    let r: Resumable;
    try {
      r = readResumable(run.runDir);
    } catch {
      continue; // not resumable: the command says why when asked for that folder itself
    }
    if (r.status === 'completed' || r.done >= r.epochs) continue;
    choices.push({
      label: run.name,
      description: [r.status, `${r.done} of ${r.epochs} epochs`, run.dataset].filter(Boolean).join(' · '),
      detail: run.runDir,
      runDir: run.runDir,
    });
  }
  return choices;
}
