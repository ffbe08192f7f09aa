// The text the editor shows (hover markdown, inlay labels), as pure functions of the analysis so
// tests and the CLI see exactly what the hover shows.
import { formatCount, formatShape } from '../model/infer';
import { formatSummary } from '../model/summary';
import type { LayerAnalysis, ModelAnalysis } from './analyze';

function assumption(m: ModelAnalysis): string | undefined {
  if (!m.inputAssumed) return undefined;
  return `Input shape assumed to be ${formatShape(m.inputShape.slice(1))}, the dataset's images: ${m.inputAssumed}.`;
}

/** Markdown for a hover over one layer. */
export function hoverMarkdown(m: ModelAnalysis, l: LayerAnalysis): string {
  const out: string[] = [`**${escapeMd(l.name)}** (${escapeMd(l.type)})`];
  if (l.status === 'ok' && l.info) {
    const i = l.info;
    out.push(`\`${formatShape(i.inputShape)} -> ${formatShape(i.outputShape)}\``);
    let params = `Params: \`${i.formula}\``;
    if (i.params === 0) params = 'Params: 0';
    if (i.nonTrainableParams > 0 && !i.formula.includes('non-trainable')) params += ` (${formatCount(i.nonTrainableParams)} non-trainable)`;
    const total = m.complete ? ` of ${formatCount(m.result.totalParams)}` : '';
    out.push(`${params} · running total ${formatCount(l.runningParams ?? 0)}${total}`);
    if (i.note) out.push(`_${escapeMd(i.note)}_`);
  } else if (l.status === 'error') {
    out.push(`Shape error: ${escapeMd(l.message ?? '')}`);
  } else if (l.status === 'not-analyzed') {
    out.push(`Not analyzed: ${escapeMd(l.message ?? '')}. Shapes after it are unknown.`);
  } else {
    out.push(`Output shape unknown: ${escapeMd(l.message ?? '')}.`);
  }
  if (l.source.unresolved?.length) out.push(`Not read from the source: ${escapeMd(l.source.unresolved.join(', '))}.`);
  const a = assumption(m);
  if (a) out.push(`_${escapeMd(a)}_`);
  return out.join('\n\n');
}

/** Markdown for a hover over the model variable: the Keras-style summary. */
export function modelHoverMarkdown(m: ModelAnalysis): string {
  const count = `${m.layers.length} layer${m.layers.length === 1 ? '' : 's'}`;
  const params = m.complete ? `, ${formatCount(m.result.totalParams)} params` : '';
  const kind = m.source.functional ? 'Functional model (a linear chain)' : 'Sequential model';
  const title = `**${escapeMd(m.source.varName ?? m.name)}**: ${kind}, ${count}${params}`;
  const out = [title, '```text\n' + summaryText(m).trimEnd() + '\n```'];
  // Keras lists a functional model's Input as a first row (0 params); the rest is the same.
  if (m.source.functional) out.push('_Keras\'s own summary also lists the Input as a first row, `InputLayer` with 0 params._');
  const a = assumption(m);
  if (a) out.push(`_${escapeMd(a)}_`);
  if (!m.complete) {
    const first = m.layers.find((l) => l.status !== 'ok');
    if (first) out.push(`Summary stops before ${escapeMd(first.name)} (${escapeMd(first.type)}): ${escapeMd(first.message ?? '')}.`);
  }
  return out.join('\n\n');
}

/** The Keras summary of the analysed layers (all of them for a complete model). */
export function summaryText(m: ModelAnalysis): string {
  return formatSummary(m.result);
}

/** Inlay hint label at the end of a layer call; undefined for layers after an unknown one. */
export function inlayLabel(l: LayerAnalysis): string | undefined {
  if (l.status === 'ok' && l.info) return `-> ${formatShape(l.info.outputShape)}`;
  if (l.status === 'error') return '-> shape error';
  if (l.status === 'not-analyzed') return '-> ?';
  return undefined;
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
