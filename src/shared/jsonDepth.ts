// JSON from files is read only up to a nesting depth: the readers that walk the parsed value
// recurse, and 100,000 nested brackets would end in "Maximum call stack size exceeded" with no
// file name. Real model files nest fewer than 20 levels.

export const MAX_JSON_DEPTH = 512;

/** Deepest bracket nesting of a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The problem, in words, when jsonDepth(text) > MAX_JSON_DEPTH. */
export function tooDeep(depth: number): string {
  return `JSON nested ${depth.toLocaleString('en-US')} levels deep, more than the ${MAX_JSON_DEPTH} accepted; this is not a model file`;
}

export class JsonTooDeepError extends Error {
  constructor(where: string, depth: number) {
    super(`${where}: ${tooDeep(depth)}`);
    this.name = 'JsonTooDeepError';
  }
}

/** JSON.parse after the depth check; `where` (the file) names it in the error. */
export function parseJsonBounded(text: string, where: string): unknown {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(where, depth);
  return JSON.parse(text);
}
