// Pieces the Python and the TF.js expression parsers share: the recursion limits, skipping a
// balanced bracket group in a token list, and reading dotted names off either AST.

export const OPEN_TO_CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** Deeper nesting than any model definition; bounds recursion on hostile or broken input. */
export const MAX_DEPTH = 120;
/** Longer chains (1 + 1 + ..., a.b.c...) are kept flat so walking them stays shallow. */
export const MAX_CHAIN = 256;

interface BracketTok {
  kind: string;
  text: string;
}

/**
 * Skips the balanced bracket group starting at toks[pos] (an opening bracket; tokens of another
 * kind than `bracketKind` are never brackets, e.g. strings). Returns where it stopped and whether
 * the group was closed before `to`.
 */
export function skipBalanced(toks: readonly BracketTok[], pos: number, to: number, bracketKind: string): { pos: number; closed: boolean } {
  let depth = 0;
  while (pos < to) {
    const t = toks[pos++];
    if (t.kind !== bracketKind) continue;
    if (t.text in OPEN_TO_CLOSE) depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      if (--depth <= 0) return { pos, closed: true };
    }
  }
  return { pos, closed: false };
}

/** Counts nesting for a recursive-descent parser: past MAX_DEPTH the inner parse is not run. */
export class DepthGuard {
  private depth = 0;
  run<T>(inner: () => T | undefined): T | undefined {
    if (this.depth >= MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }
}

/** One step of a name chain: a plain name, or `obj.name` (Python attribute, JS member). */
export type NameStep<E> = { id: string } | { obj: E; name: string } | undefined;

/** `self.model` / `this.model` -> "self.model" for chains of names; undefined otherwise. */
export function dottedName<E>(e: E, step: (e: E) => NameStep<E>): string | undefined {
  const s = step(e);
  if (s === undefined) return undefined;
  if ('id' in s) return s.id;
  const base = dottedName(s.obj, step);
  return base === undefined ? undefined : `${base}.${s.name}`;
}

/** The last name of a chain: `tf.keras.layers.Conv2D` -> "Conv2D". */
export function lastName<E>(e: E, step: (e: E) => NameStep<E>): string | undefined {
  const s = step(e);
  if (s === undefined) return undefined;
  return 'id' in s ? s.id : s.name;
}
