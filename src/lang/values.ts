// Values a static reader can know without running the program: numbers, strings, booleans, None,
// tuples/lists of those. Anything else is `unknown` with the reason, so hovers can say why.
export type Val =
  | { t: 'num'; v: number; int: boolean }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'seq'; items: Val[] }
  | { t: 'ref'; path: string[] } // a dotted name that is not a constant (tf.nn.relu), kept for activations
  | { t: 'unknown'; why: string };

export const unknown = (why: string): Val => ({ t: 'unknown', why });

export function showVal(v: Val): string {
  switch (v.t) {
    case 'num': return String(v.v);
    case 'str': return `'${v.v}'`;
    case 'bool': return v.v ? 'True' : 'False';
    case 'none': return 'None';
    case 'seq': return `(${v.items.map(showVal).join(', ')})`;
    case 'ref': return v.path.join('.');
    case 'unknown': return '?';
  }
}

/** Unary + and - on a known number; anything else (not, ~, !) is unknown. */
export function unaryOp(op: string, v: Val): Val {
  if (v.t === 'num' && op === '-') return { t: 'num', v: -v.v, int: v.int };
  if (v.t === 'num' && op === '+') return v;
  return unknown(`${op} expression`);
}

/** Arithmetic on known numbers; anything else is unknown. Keeps results finite and exact-ish. */
export function binary(op: string, a: Val, b: Val): Val {
  if (a.t === 'num' && b.t === 'num') {
    const x = a.v;
    const y = b.v;
    const int = a.int && b.int;
    let r: number;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/': if (y === 0) return unknown('division by zero'); return { t: 'num', v: x / y, int: false };
      case '//': if (y === 0) return unknown('division by zero'); r = Math.floor(x / y); break;
      case '%': if (y === 0) return unknown('division by zero'); r = ((x % y) + y) % y; break;
      case '**': r = x ** y; return Number.isFinite(r) ? { t: 'num', v: r, int: int && y >= 0 } : unknown('number too large');
      default: return unknown(`operator ${op}`);
    }
    return Number.isFinite(r) ? { t: 'num', v: r, int } : unknown('number too large');
  }
  if (op === '+' && a.t === 'seq' && b.t === 'seq') return { t: 'seq', items: [...a.items, ...b.items] };
  if (op === '*' && a.t === 'seq' && b.t === 'num' && b.int && b.v >= 0 && b.v * a.items.length <= 64) {
    const items: Val[] = [];
    for (let i = 0; i < b.v; i++) items.push(...a.items);
    return { t: 'seq', items };
  }
  if (op === '+' && a.t === 'str' && b.t === 'str') return { t: 'str', v: a.v + b.v };
  return a.t === 'unknown' ? a : b.t === 'unknown' ? b : unknown(`${showVal(a)} ${op} ${showVal(b)}`);
}
