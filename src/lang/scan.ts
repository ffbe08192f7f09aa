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
