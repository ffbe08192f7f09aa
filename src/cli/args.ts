// A small strict argv parser: each command lists its options; anything else is a usage error
// (exit code 2) with a one-line message naming the option and what it expects.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptKind = 'flag' | 'string' | 'int' | 'number';
export interface OptSpec {
  kind: OptKind;
  /** For help text. */
  help: string;
  /** Smallest allowed value for int/number. */
  min?: number;
  /** Largest allowed value for int/number. */
  max?: number;
  /** number: require > 0 strictly. */
  positive?: boolean;
  choices?: readonly string[];
}

export interface Parsed {
  opts: Record<string, string | number | boolean>;
  positionals: string[];
}

/** Parses `--name value`, `--name=value` and flags; `--` ends options. */
export function parseArgs(command: string, argv: string[], specs: Record<string, OptSpec>, maxPositionals = 0): Parsed {
  const opts: Parsed['opts'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${a.split('=')[0]} for '${command}' (see lenet-lab ${command} --help)`);
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      opts[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (${spec.help})`);
    opts[name] = convert(name, value, spec);
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${positionals[maxPositionals]}' for '${command}' (see lenet-lab ${command} --help)`);
  }
  return { opts, positionals };
}

function convert(name: string, value: string, spec: OptSpec): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got '${value}'`);
    }
    return value;
  }
  // Decimal only: Number() would also take 0x10, 0b1, 1_000 (no) and ' 5 ' for numbers.
  const n = Number(value);
  if (spec.kind === 'int') {
    const min = spec.min ?? 0;
    const range = spec.max !== undefined ? `from ${min} to ${spec.max}` : `>= ${min}`;
    if (!/^\+?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || (spec.max !== undefined && n > spec.max)) {
      throw new UsageError(`--${name} must be a whole decimal number ${range}, got '${value}'`);
    }
    return n;
  }
  const max = spec.max !== undefined ? ` and at most ${spec.max}` : '';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || !Number.isFinite(n) || (spec.positive && n <= 0)
    || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    throw new UsageError(`--${name} must be a decimal number${spec.positive ? ' > 0' : ''}${max}, got '${value}'`);
  }
  return n;
}

/** "  --epochs N   number of epochs (default 50)" lines for --help. */
export function optionsHelp(specs: Record<string, OptSpec>): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const arg = s.kind === 'flag' ? '' : s.kind === 'string' ? ' VALUE' : ' N';
    return [`  --${name}${arg}`, s.help];
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([a, h]) => a.padEnd(w) + h).join('\n');
}
