import { stripMargin, tokenize, type Token } from './scalaLexer';

/**
 * Evaluates the constant expressions Spark's config registries use for keys, docs and defaults:
 * string concatenation and interpolation, integer arithmetic, booleans, `X.key` references to
 * other configs, enum values, `Seq(...)`, and a few unit helpers. Anything else is "unknown"
 * rather than guessed.
 */

export type Value = string | bigint | number | boolean | Value[];

export interface Resolver {
  /** The key of the config defined as `val <name>` (qualifier: the object it was referenced through, if any). */
  confKey(name: string, qualifier: string | undefined): string | undefined;
  /** The value of a constant `val <name> = <expr>`. */
  constant(name: string, qualifier: string | undefined): Value | undefined;
}

export class Unknown extends Error {}

const TIME_MS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};
const BYTES: Record<string, bigint> = {
  BYTE: 1n,
  KiB: 1n << 10n,
  MiB: 1n << 20n,
  GiB: 1n << 30n,
  TiB: 1n << 40n,
  PiB: 1n << 50n,
};
const NUMERIC_LIMITS: Record<string, Value> = {
  'Int.MaxValue': 2147483647n,
  'Int.MinValue': -2147483648n,
  'Long.MaxValue': 9223372036854775807n,
  'Long.MinValue': -9223372036854775808n,
  'Integer.MAX_VALUE': 2147483647n,
  'Double.MaxValue': Number.MAX_VALUE,
};

const LONG_MAX = 9223372036854775807n;

/**
 * Milliseconds in `n` of a `TimeUnit` name (undefined for an unknown unit), computed like Java's
 * `TimeUnit.convert`: exact for whole numbers, truncated below a millisecond, saturating at Long.MaxValue.
 */
export function toMillis(n: bigint | number, unit: string): bigint | number | undefined {
  const f = TIME_MS[unit];
  if (f === undefined) return undefined;
  if (typeof n === 'number') return n * f;
  if (f >= 1) {
    const ms = n * BigInt(f);
    return ms > LONG_MAX ? LONG_MAX : ms < -LONG_MAX ? -LONG_MAX : ms;
  }
  return n / BigInt(Math.round(1 / f));
}

/** Bytes in `n` of a `ByteUnit` name. */
export function toBytes(n: bigint, unit: string): bigint | undefined {
  const f = BYTES[unit];
  return f === undefined ? undefined : n * f;
}

export function render(v: Value): string {
  if (Array.isArray(v)) return v.map(render).join(',');
  return String(v);
}

function isNum(v: Value): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

function arith(op: string, a: Value, b: Value): Value {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return render(a) + render(b);
  if (!isNum(a) || !isNum(b)) throw new Unknown(`${op} on non-numbers`);
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0n) throw new Unknown('division by zero');
        return a / b;
      case '<<':
        return a << b;
    }
  }
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
  }
  throw new Unknown(op);
}

function parseNumber(text: string): bigint | number {
  const t = text.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return BigInt(t.replace(/[lL]$/, ''));
  if (/[.eEdDfF]/.test(t.replace(/^0[xX].*/, ''))) return Number(t.replace(/[dDfF]$/, ''));
  return BigInt(t.replace(/[lL]$/, ''));
}

/**
 * Evaluates `tokens[start, end)` as one expression. With `lenient`, parts of interpolated strings
 * that cannot be evaluated are kept as `<expr>` so a doc string still reads; without it they throw.
 */
export class Evaluator {
  private pos = 0;
  private end = 0;
  private tokens: Token[] = [];

  constructor(
    private readonly resolver: Resolver,
    private readonly lenient = false,
  ) {}

  evaluate(tokens: Token[], start = 0, end = tokens.length): Value {
    const saved = [this.tokens, this.pos, this.end] as const;
    this.tokens = tokens;
    this.pos = start;
    this.end = end;
    try {
      const v = this.expr();
      if (this.pos !== this.end) throw new Unknown(`unexpected ${this.describe(this.peek())}`);
      return v;
    } finally {
      [this.tokens, this.pos, this.end] = saved;
    }
  }

  /** Evaluates or returns undefined. */
  tryEvaluate(tokens: Token[], start = 0, end = tokens.length): Value | undefined {
    try {
      return this.evaluate(tokens, start, end);
    } catch (e) {
      if (e instanceof Unknown || e instanceof RangeError || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  private peek(offset = 0): Token | undefined {
    return this.pos + offset < this.end ? this.tokens[this.pos + offset] : undefined;
  }

  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'punct' && t.text === text;
  }

  private describe(t: Token | undefined): string {
    if (!t) return 'end';
    return t.kind === 'string' ? 'string' : t.text;
  }

  private expect(text: string): void {
    if (!this.isPunct(text)) throw new Unknown(`expected ${text}, got ${this.describe(this.peek())}`);
    this.pos++;
  }

  private expr(): Value {
    let v = this.term();
    for (;;) {
      if (this.isPunct('+') || this.isPunct('-')) {
        const op = (this.tokens[this.pos++] as { text: string }).text;
        v = arith(op, v, this.term());
      } else if (this.isPunct('<') && this.isPunct('<', 1)) {
        this.pos += 2;
        v = arith('<<', v, this.term());
      } else {
        return v;
      }
    }
  }

  private term(): Value {
    let v = this.unary();
    while (this.isPunct('*') || this.isPunct('/')) {
      const op = (this.tokens[this.pos++] as { text: string }).text;
      v = arith(op, v, this.unary());
    }
    return v;
  }

  private unary(): Value {
    if (this.isPunct('-')) {
      this.pos++;
      const v = this.unary();
      if (!isNum(v)) throw new Unknown('negating a non-number');
      return typeof v === 'bigint' ? -v : -v;
    }
    if (this.isPunct('!')) {
      this.pos++;
      const v = this.unary();
      if (typeof v !== 'boolean') throw new Unknown('! on a non-boolean');
      return !v;
    }
    return this.postfix(this.primary());
  }

  /** Methods called on a literal or parenthesised value: `"""|...""".stripMargin`, `(5 * 60).toString`. */
  private postfix(value: Value): Value {
    let v = value;
    while (this.isPunct('.') && this.peek(1)?.kind === 'ident') {
      const name = (this.peek(1) as { text: string }).text;
      this.pos += 2;
      v = this.methods(v, [name]);
    }
    return v;
  }

  private primary(): Value {
    const t = this.peek();
    if (!t) throw new Unknown('missing expression');
    switch (t.kind) {
      case 'string':
        this.pos++;
        return this.interpolate(t.parts);
      case 'char':
        this.pos++;
        return t.text;
      case 'number':
        this.pos++;
        return parseNumber(t.text);
      case 'punct':
        if (t.text === '(') {
          this.pos++;
          const v = this.expr();
          this.expect(')');
          return v;
        }
        throw new Unknown(`unexpected ${t.text}`);
      case 'ident':
        return this.path();
    }
  }

  private interpolate(parts: { text: string }[] | ({ text: string } | { expr: string })[]): string {
    let out = '';
    for (const part of parts) {
      if ('text' in part) {
        out += part.text;
        continue;
      }
      const inner = tokenize(part.expr);
      const v = this.lenient ? new Evaluator(this.resolver, true).tryEvaluate(inner) : new Evaluator(this.resolver).evaluate(inner);
      out += v === undefined ? `<${part.expr}>` : render(v);
    }
    return out;
  }

  /** Call arguments `( a, b )` as separately evaluated values. */
  private args(): Value[] {
    this.expect('(');
    const values: Value[] = [];
    while (!this.isPunct(')')) {
      values.push(this.expr());
      if (this.isPunct(',')) this.pos++;
      else if (!this.isPunct(')')) throw new Unknown('bad argument list');
    }
    this.pos++;
    return values;
  }

  /** `a.b.C.key`, `Seq(...)`, `Enum.VALUE.toString`, `TimeUnit.MINUTES.toMillis(5)`, a constant. */
  private path(): Value {
    const segments: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'ident') break;
      segments.push(t.text);
      this.pos++;
      if (this.isPunct('.') && this.peek(1)?.kind === 'ident') this.pos++;
      else break;
    }
    const name = segments.join('.');
    if (name === 'true' || name === 'false') return name === 'true';
    if (name in NUMERIC_LIMITS) return NUMERIC_LIMITS[name];
    const last = segments[segments.length - 1];
    if ((last === 'Seq' || last === 'List' || last === 'Set' || last === 'Array') && this.isPunct('(')) return this.args();
    if (name === 'Nil' || name === 'Seq.empty' || name === 'Set.empty') return [];
    if (segments.length >= 3 && segments[0] === 'TimeUnit' && segments[2] === 'toMillis' && this.isPunct('(')) {
      const [n] = this.args();
      const ms = isNum(n) ? toMillis(n, segments[1]) : undefined;
      if (ms === undefined) throw new Unknown(name);
      return typeof ms === 'bigint' ? ms : BigInt(Math.round(ms));
    }
    if (segments.length >= 3 && segments[0] === 'ByteUnit' && segments[2] === 'toBytes' && this.isPunct('(')) {
      const [n] = this.args();
      const bytes = typeof n === 'bigint' ? toBytes(n, segments[1]) : undefined;
      if (bytes === undefined) throw new Unknown(name);
      return bytes;
    }
    return this.resolvePath(segments);
  }

  private resolvePath(segments: string[]): Value {
    // Work left to right: the longest prefix that names something, then methods on its value.
    for (let i = segments.length; i >= 1; i--) {
      const head = segments.slice(0, i);
      const name = head[head.length - 1];
      const qualifier = head.length > 1 ? head[head.length - 2] : undefined;
      const rest = segments.slice(i);
      if (rest[0] === 'key') {
        const key = this.resolver.confKey(name, qualifier);
        if (key !== undefined) return this.methods(key, rest.slice(1));
      }
      // `Mode.STATIC.toString` is how enum defaults are written; the value is the constant's name.
      if (rest[0] === 'toString' && /^[A-Z][A-Z0-9_]*$/.test(name) && head.length >= 2) {
        const c = this.resolver.constant(name, qualifier);
        return this.methods(c !== undefined ? render(c) : name, rest.slice(1));
      }
      if (rest[0] !== 'key') {
        const c = this.resolver.constant(name, qualifier);
        if (c !== undefined) return this.methods(c, rest);
      }
    }
    throw new Unknown(segments.join('.'));
  }

  private methods(value: Value, names: string[]): Value {
    let v = value;
    for (const name of names) {
      switch (name) {
        case 'toString':
        case 'r':
          v = render(v);
          break;
        case 'stripMargin':
          v = stripMargin(render(v));
          break;
        case 'trim':
          v = render(v).trim();
          break;
        case 'toInt':
        case 'toLong':
          v = BigInt(render(v));
          break;
        case 'toDouble':
          v = Number(render(v));
          break;
        case 'toLowerCase':
        case 'toUpperCase':
          if (this.isPunct('(')) this.skipParens();
          v = name === 'toLowerCase' ? render(v).toLowerCase() : render(v).toUpperCase();
          break;
        default:
          throw new Unknown(`.${name}`);
      }
    }
    return v;
  }

  private skipParens(): void {
    let depth = 0;
    while (this.pos < this.end) {
      const t = this.tokens[this.pos++];
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')' && --depth === 0) return;
    }
  }
}
