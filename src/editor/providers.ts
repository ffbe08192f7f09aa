// The editor features over the shape analysis: hover, inlay hints, code lens, diagnostics. Every
// provider catches and logs: a bug in a reader must never break the editor.
import * as vscode from 'vscode';
import { hoverMarkdown, inlayLabel, modelHoverMarkdown } from '../lang/hover';
import { findAt } from '../lang/lookup';
import type { Severity } from '../lang/analyze';
import { spanRange, type ShapeDocuments } from './documents';
import { errorMessage } from '../shared/errors';

export const TRAIN_THIS_MODEL = 'lenet.trainThisModel';
export const SHOW_ACTIVATIONS = 'lenet.showActivations';

export function logError(where: string, e: unknown): void {
  // The stack when there is one: these are bugs, logged for whoever reports them.
  console.error(`[LeNet Lab shapes] ${where}: ${errorMessage(e)}`, (e as { stack?: unknown } | null)?.stack ?? '');
}

export class ShapeHoverProvider implements vscode.HoverProvider {
  constructor(private docs: ShapeDocuments) {}
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      const view = this.docs.view(doc);
      if (!view) return undefined;
      const hit = findAt(view.analysis, view.fromDoc(doc.offsetAt(pos)));
      if (!hit) return undefined;
      const md = new vscode.MarkdownString(hit.layer ? hoverMarkdown(hit.model, hit.layer) : modelHoverMarkdown(hit.model));
      if (hit.layer) {
        // This layer's outputs and kernels for the panel's run (trusted for this one command only).
        md.appendMarkdown(`\n\n[Show activations](command:${SHOW_ACTIVATIONS}?${encodeURIComponent(JSON.stringify([hit.layer.name]))} "Show this layer in LeNet Lab's Inside the network")`);
        md.isTrusted = { enabledCommands: [SHOW_ACTIVATIONS] };
      }
      const span = hit.layer ? hit.layer.source.callSpan : undefined;
      const range = span ? spanRange(doc, view, span) : doc.getWordRangeAtPosition(pos);
      return new vscode.Hover(md, range);
    } catch (e) {
      logError('hover', e);
      return undefined;
    }
  }
}

export class ShapeInlayHintsProvider implements vscode.InlayHintsProvider {
  private changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  constructor(private docs: ShapeDocuments) {}
  refresh(): void {
    this.changed.fire();
  }
  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    try {
      if (!vscode.workspace.getConfiguration('lenet').get<boolean>('inlayHints', true)) return [];
      const view = this.docs.view(doc);
      if (!view) return [];
      const hints: vscode.InlayHint[] = [];
      for (const m of view.analysis.models) {
        for (const l of m.layers) {
          const label = inlayLabel(l);
          if (!label) continue;
          const end = view.toDoc(l.source.callSpan.end);
          if (end === undefined) continue;
          const p = doc.positionAt(end);
          if (!range.contains(p)) continue;
          const h = new vscode.InlayHint(p, label, vscode.InlayHintKind.Type);
          h.paddingLeft = true;
          if (l.status !== 'ok' && l.message) h.tooltip = l.message;
          hints.push(h);
        }
      }
      return hints;
    } catch (e) {
      logError('inlay hints', e);
      return [];
    }
  }
}

export class TrainCodeLensProvider implements vscode.CodeLensProvider {
  private changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private docs: ShapeDocuments) {}
  refresh(): void {
    this.changed.fire();
  }
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    try {
      const view = this.docs.view(doc);
      if (!view) return [];
      const lenses: vscode.CodeLens[] = [];
      view.analysis.models.forEach((m, i) => {
        const r = spanRange(doc, view, m.source.createSpan);
        if (!r || m.layers.length === 0) return;
        lenses.push(
          new vscode.CodeLens(new vscode.Range(r.start, r.start), {
            title: '$(play) Train This Model',
            tooltip: m.trainBlocker ? `Cannot train yet: ${m.trainBlocker}` : `Train ${m.source.varName ?? m.name} with LeNet Lab (${m.result.totalParams.toLocaleString('en-US')} params)`,
            command: TRAIN_THIS_MODEL,
            arguments: [doc.uri, i],
          }),
        );
      });
      return lenses;
    } catch (e) {
      logError('code lens', e);
      return [];
    }
  }
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export function diagnosticsFor(docs: ShapeDocuments, doc: vscode.TextDocument): vscode.Diagnostic[] {
  const view = docs.view(doc);
  if (!view) return [];
  const out: vscode.Diagnostic[] = [];
  for (const d of view.analysis.diagnostics) {
    const r = spanRange(doc, view, d.span);
    if (!r) continue;
    const diag = new vscode.Diagnostic(r, d.message, SEVERITY[d.severity]);
    diag.source = 'LeNet Lab';
    out.push(diag);
  }
  return out;
}
