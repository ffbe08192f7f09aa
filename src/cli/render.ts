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

/** Loss/accuracy, a per-class report (scikit-learn's classification_report) and the confusion matrix. */
export function evaluationText(e: Ev<'evaluation'>): string {
  const out: string[] = [];
  out.push(`Model: ${e.modelDir}`, `Dataset: ${e.dataset}`, `Test loss: ${f4(e.loss)} - test accuracy: ${f4(e.acc)}`, '');
  const w = Math.max(12, ...e.classes.map((c) => c.length)) + 2;
  const row = (name: string, p: number | undefined, r: number | undefined, f: number, support: number) =>
    `${name.padEnd(w)}${(p === undefined ? '' : f4(p)).padStart(10)}${(r === undefined ? '' : f4(r)).padStart(8)}${f4(f).padStart(10)}${String(support).padStart(9)}`;
  out.push(`${'class'.padEnd(w)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'f1-score'.padStart(10)}${'support'.padStart(9)}`);
  e.perClass.forEach((p, i) => out.push(row(e.classes[i] ?? String(i), p.precision, p.recall, p.f1, p.support)));
  const total = e.confusion.flat().reduce((a, b) => a + b, 0);
  const { macro, weighted } = e.averages;
  out.push('', row('accuracy', undefined, undefined, e.acc, total),
    row('macro avg', macro.precision, macro.recall, macro.f1, macro.support),
    row('weighted avg', weighted.precision, weighted.recall, weighted.f1, weighted.support));
  out.push('', 'Confusion matrix (rows: true class, columns: predicted class):');
  const cw = Math.max(5, ...e.confusion.flat().map((n) => String(n).length + 1));
  out.push(' '.repeat(4) + e.confusion.map((_, j) => String(j).padStart(cw)).join(''));
  e.confusion.forEach((r, i) => out.push(String(i).padStart(3) + ' ' + r.map((n) => String(n).padStart(cw)).join('')));
  const wrong = e.misclassified.reduce((a, c) => a + c.indices.length, 0);
  out.push('', `${int(wrong)} of ${int(total)} test images misclassified (--json lists every one by cell: test index, predicted and true class probability).`);
  return out.join('\n');
}
