// The extension's own model file (*.lenet.json): validated by the model core's parseModelSpec,
// with the position of each layer object kept for hovers and inlay hints.
import { ModelSpecError, parseModelSpec } from '../model/validate';
import { jget, jvalue, parseJsonWithSpans, type JNode } from './json';
import type { ParseResult, SourceModel, Span } from './types';

export function parseLenetJson(text: string): ParseResult {
  const body = text.replace(/^\uFEFF/, ' '); // keep offsets: the BOM becomes a space
  let root: JNode;
  try {
    root = parseJsonWithSpans(body);
  } catch {
    // Syntax errors are reported by VS Code's JSON support (and the schema); nothing to show here.
    return { language: 'lenet-json', models: [], problems: [] };
  }
  let spec;
  try {
    spec = parseModelSpec(jvalue(root), 'model file');
  } catch (e) {
    if (e instanceof ModelSpecError) {
      return { language: 'lenet-json', models: [], problems: [{ span: spanOfPath(root, e.path), message: e.path ? `${e.path}: ${e.problem}` : e.problem }] };
    }
    throw e;
  }
  const layersNode = jget(root, 'layers');
  const items = layersNode?.k === 'arr' ? layersNode.items : [];
  const keySpan = root.k === 'obj' ? root.entries.find((x) => x.key === 'layers')?.keySpan : undefined;
  const model: SourceModel = {
    varSpans: keySpan ? [keySpan] : [],
    createSpan: { start: root.span.start, end: root.span.start + 1 },
    name: spec.name,
    inputShape: [null, ...spec.inputShape],
    layers: [],
  };
  spec.layers.forEach((l, i) => {
    if (i === 0 && l.type === 'InputLayer') return; // its shape is the model's input, not a row
    const node = items[i];
    const typeNode = jget(node, 'type');
    const callSpan = node?.span ?? root.span;
    model.layers.push({ className: l.type, classSpan: typeNode?.span ?? callSpan, callSpan, spec: l });
  });
  return { language: 'lenet-json', models: [model], problems: [] };
}

/** The node at a ModelSpecError path like "layers[3].kernelSize" (as deep as it exists). */
export function spanOfPath(root: JNode, path: string): Span {
  let node: JNode | undefined = root;
  let best: Span = { start: root.span.start, end: root.span.start + 1 };
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (!node) break;
    if (m[2] !== undefined) {
      node = node.k === 'arr' ? node.items[Number(m[2])] : undefined;
      if (node) best = node.span;
    } else if (node.k === 'obj') {
      const entry: { key: string; keySpan: Span; value: JNode } | undefined = node.entries.find((x) => x.key === m[1]);
      if (!entry) break;
      best = entry.keySpan;
      node = entry.value;
      best = node.span;
    } else {
      break;
    }
  }
  return best;
}
