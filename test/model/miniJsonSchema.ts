// A small draft-07 JSON Schema checker, just the keywords our model schema uses, so the tests can
// check the schema against the validator without a new npm package. Unknown keywords are an error
// (see KNOWN), so the schema cannot silently rely on something this checker ignores.
type Schema = boolean | { [k: string]: unknown };

export const VALIDATION_KEYWORDS = [
  '$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items',
  'additionalItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'uniqueItems', 'pattern', 'anyOf', 'allOf', 'oneOf', 'not', 'if', 'then', 'else',
];
export const ANNOTATION_KEYWORDS = ['$schema', 'title', 'description', 'default', 'enumDescriptions', 'defaultSnippets', 'definitions'];
const KNOWN = new Set([...VALIDATION_KEYWORDS, ...ANNOTATION_KEYWORDS]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return typeof v === 'number' && Number.isInteger(v);
  return typeOf(v) === t;
}

/** Returns the errors ("path: keyword") of `value` against `schema`; empty means valid. */
export function validateAgainst(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const check = (s: Schema, v: unknown, path: string): boolean => {
    if (s === true) return true;
    if (s === false) return add(path, 'false');
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`unsupported keyword ${k} at ${path}`);
    let ok = true;
    const sub = (ss: unknown, vv: unknown, p: string) => check(ss as Schema, vv, p);
    const quiet = (ss: unknown, vv: unknown) => validateAgainstRoot(root, ss as Schema, vv).length === 0;
    if (s.$ref !== undefined) {
      const name = String(s.$ref).replace('#/definitions/', '');
      ok = sub((root as { definitions: Record<string, Schema> }).definitions[name], v, path) && ok;
    }
    if (s.type !== undefined && !(Array.isArray(s.type) ? s.type : [s.type]).some((t) => hasType(v, t as string))) return add(path, 'type');
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) ok = add(path, 'enum');
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) ok = add(path, 'const');
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < (s.minimum as number)) ok = add(path, 'minimum');
      if (s.maximum !== undefined && v > (s.maximum as number)) ok = add(path, 'maximum');
      if (s.exclusiveMinimum !== undefined && v <= (s.exclusiveMinimum as number)) ok = add(path, 'exclusiveMinimum');
      if (s.exclusiveMaximum !== undefined && v >= (s.exclusiveMaximum as number)) ok = add(path, 'exclusiveMaximum');
    }
    if (typeof v === 'string' && s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(v)) ok = add(path, 'pattern');
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < (s.minItems as number)) ok = add(path, 'minItems');
      if (s.maxItems !== undefined && v.length > (s.maxItems as number)) ok = add(path, 'maxItems');
      if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) ok = add(path, 'uniqueItems');
      if (Array.isArray(s.items)) {
        v.forEach((x, i) => {
          const tuple = s.items as unknown[];
          if (i < tuple.length) ok = sub(tuple[i], x, `${path}[${i}]`) && ok;
          else if (s.additionalItems !== undefined) ok = sub(s.additionalItems, x, `${path}[${i}]`) && ok;
        });
      } else if (s.items !== undefined) {
        v.forEach((x, i) => (ok = sub(s.items, x, `${path}[${i}]`) && ok));
      }
    }
    if (typeOf(v) === 'object') {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in o)) ok = add(`${path}.${r}`, 'required');
      for (const [k, x] of Object.entries(o)) {
        if (k in props) ok = sub(props[k], x, `${path}.${k}`) && ok;
        else if (s.additionalProperties !== undefined) ok = sub(s.additionalProperties, x, `${path}.${k}`) && ok;
      }
    }
    if (s.allOf) for (const a of s.allOf as Schema[]) ok = sub(a, v, path) && ok;
    if (s.anyOf && !(s.anyOf as Schema[]).some((a) => quiet(a, v))) ok = add(path, 'anyOf');
    if (s.oneOf && (s.oneOf as Schema[]).filter((a) => quiet(a, v)).length !== 1) ok = add(path, 'oneOf');
    if (s.not !== undefined && quiet(s.not, v)) ok = add(path, 'not');
    if (s.if !== undefined) {
      if (quiet(s.if, v)) {
        if (s.then !== undefined) ok = sub(s.then, v, path) && ok;
      } else if (s.else !== undefined) ok = sub(s.else, v, path) && ok;
    }
    return ok;
  };
  const add = (path: string, kw: string) => {
    errors.push(`${path || '$'}: ${kw}`);
    return false;
  };
  check(root, value, '');
  return errors;
}

function validateAgainstRoot(root: Schema, s: Schema, v: unknown): string[] {
  // Sub-schemas resolve $ref against the root's definitions.
  const withDefs = typeof s === 'object' && typeof root === 'object' ? { ...s, definitions: root.definitions } : s;
  return validateAgainst(withDefs, v);
}

/** Every keyword used anywhere in the schema (for the "no unknown keywords" check). */
export function keywordsOf(s: unknown, acc = new Set<string>(), inProps = false): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => keywordsOf(x, acc));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (inProps) keywordsOf(v, acc);
      else if (k === 'defaultSnippets' || k === 'enum' || k === 'const' || k === 'default' || k === 'enumDescriptions') acc.add(k);
      else {
        acc.add(k);
        keywordsOf(v, acc, k === 'properties' || k === 'definitions');
      }
    }
  }
  return acc;
}
