// Human-readable text for worker events other than the per-batch progress: backend, dataset,
// run results and the evaluation report.
import { datasetSizeText } from '../shared/datasetText';
import { kerasNumber as f4 } from '../shared/kerasLog';
import type { EpochMetrics, WorkerEvent } from '../shared/protocol';

type Ev<K extends WorkerEvent['type']> = Extract<WorkerEvent, { type: K }>;

const int = (n: number) => n.toLocaleString('en-US');

export function readyText(e: Ev<'ready'>): string {
  return `Backend: ${e.backend} (${e.reason})`;
}

export function datasetText(e: Ev<'dataset'>): string {
  return `Dataset: ${e.name}: ${datasetSizeText(e)} images (${e.source})`;
}

export function bestEpoch(history: EpochMetrics[]): EpochMetrics | undefined {
  let best: EpochMetrics | undefined;
  for (const h of history) if (!best || h.val_acc > best.val_acc) best = h;
  return best;
}

export function doneText(e: Ev<'done'>): string {
  const best = bestEpoch(e.history);
  const where = e.runDir ? `Run saved in ${e.runDir}` : 'Nothing saved';
  return best
    ? `${where} (best val_accuracy ${f4(best.val_acc)} at epoch ${best.epoch}, in best/)`
    : `${where} (no complete epoch${e.stopped ? '; the weights so far are in model.json' : ''})`;
}

export function stoppedText(e: Ev<'stopped'>): string {
  return `Stopped at epoch ${e.epoch}, after batch ${e.batch}; the weights so far are saved.`;
}

/** Loss/accuracy, a per-class report (like scikit-learn's) and the confusion matrix. */
export function evaluationText(e: Ev<'evaluation'>): string {
  const out: string[] = [];
  out.push(`Model: ${e.modelDir}`, `Dataset: ${e.dataset}`, `Test loss: ${f4(e.loss)} - test accuracy: ${f4(e.acc)}`, '');
  const w = Math.max(5, ...e.classes.map((c) => c.length)) + 2;
  out.push(`${'class'.padEnd(w)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'f1-score'.padStart(10)}${'support'.padStart(9)}`);
  e.perClass.forEach((p, i) => {
    out.push(`${(e.classes[i] ?? String(i)).padEnd(w)}${f4(p.precision).padStart(10)}${f4(p.recall).padStart(8)}${f4(p.f1).padStart(10)}${String(p.support).padStart(9)}`);
  });
  out.push('', 'Confusion matrix (rows: true class, columns: predicted class):');
  const cw = Math.max(5, ...e.confusion.flat().map((n) => String(n).length + 1));
  out.push(' '.repeat(4) + e.confusion.map((_, j) => String(j).padStart(cw)).join(''));
  e.confusion.forEach((row, i) => out.push(String(i).padStart(3) + ' ' + row.map((n) => String(n).padStart(cw)).join('')));
  const total = e.confusion.flat().reduce((a, b) => a + b, 0);
  const wrong = total - e.confusion.reduce((a, row, i) => a + row[i], 0);
  out.push('', `${int(wrong)} of ${int(total)} test images misclassified (--json lists the first ${e.misclassified.length} with pixels and probabilities).`);
  return out.join('\n');
}
