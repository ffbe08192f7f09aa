// Character-level helpers shared by the Python and JavaScript tokenizers.

/** Multi-character operators grouped by their first character, in the given (longest-first) order. */
export function byFirstChar(ops: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const o of ops) m.set(o[0], [...(m.get(o[0]) ?? []), o]);
  return m;
}

/**
 * End of the identifier starting at i (i when there is none). An ASCII fast path (letters, digits,
 * '_', and '$' when `dollar`), then the language's Unicode rule `nameRe` (sticky) for the rest.
 */
export function scanIdentifier(src: string, i: number, nameRe: RegExp, dollar: boolean): number {
  const start = (k: number) => (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95 || (dollar && k === 36);
  let j = i;
  const k = src.charCodeAt(j);
  if (start(k)) {
    j++;
    for (let c = src.charCodeAt(j); j < src.length && (start(c) || (c >= 48 && c <= 57)); c = src.charCodeAt(++j));
    if (j >= src.length || src.charCodeAt(j) < 128) return j;
  } else if (k < 128) {
    return i;
  }
  nameRe.lastIndex = i;
  const m = nameRe.exec(src);
  return m ? i + m[0].length : i;
}

/**
 * A name or a number literal at i (the same rule in both languages, with the language's name
 * scanner and sticky number regex); undefined when neither starts there.
 */
export function scanWord(src: string, i: number, scanName: (src: string, i: number) => number, numberRe: RegExp): { kind: 'name' | 'num'; text: string; start: number; end: number } | undefined {
  const nameEnd = scanName(src, i);
  if (nameEnd > i) return { kind: 'name', text: src.slice(i, nameEnd), start: i, end: nameEnd };
  const c = src[i];
  if ((c >= '0' && c <= '9') || (c === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
    numberRe.lastIndex = i;
    const m = numberRe.exec(src);
    const end = i + (m ? Math.max(1, m[0].length) : 1);
    return { kind: 'num', text: src.slice(i, end), start: i, end };
  }
  return undefined;
}

/**
 * The operator or punctuation at i: the first (longest) multi-character one that matches, else
 * the character itself; an astral character (emoji) stays whole so ranges never split a surrogate pair.
 */
export function scanOperator(src: string, i: number, byFirst: Map<string, string[]>): string {
  const c = src[i];
  for (const o of byFirst.get(c) ?? []) {
    if (src.startsWith(o, i)) return o;
  }
  return c >= '\ud800' && c <= '\udbff' && i + 1 < src.length ? src.slice(i, i + 2) : c;
}
