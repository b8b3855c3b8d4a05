import { Evaluator, render, toBytes, toMillis, type Resolver, type Value } from './scalaEval';
import { tokenize, type Token } from './scalaLexer';

/**
 * Reads Spark's config registries (the Scala sources where every config is declared with
 * `buildConf` / `buildStaticConf` / `ConfigBuilder` chains, and the deprecated/renamed tables) and
 * turns them into the rows of our bundled conf table. This is the same information Spark's own
 * documentation is generated from (`sql-configs` is produced from SQLConf, core docs mirror
 * `internal/config`), read straight from the declarations.
 */

export type Scope = 'runtime-sql' | 'static-sql' | 'core';

export interface SourceFile {
  /** Path inside a Spark checkout, e.g. `core/src/main/scala/org/apache/spark/internal/config/package.scala`. */
  path: string;
  text: string;
}

export type ConfType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'bytes' | 'time' | 'regex' | 'list';

export interface ConfRow {
  key: string;
  scope: Scope;
  default?: string;
  since?: string;
  doc?: string;
  internal?: boolean;
  deprecated?: string;
  /** How Spark parses the value (`list`: a comma-separated sequence). */
  type?: ConfType;
  /** The only values Spark accepts (`checkValues`), when it says. */
  values?: string[];
  /** The value is upper- or lower-cased before the check, so any case is accepted. */
  valuesIgnoreCase?: boolean;
}

export interface RegistryResult {
  rows: ConfRow[];
  /** Declarations whose key could not be evaluated, as `path: expression`. */
  unresolved: string[];
}

interface Call {
  method: string;
  /** Token ranges of the arguments, `[start, end)` into the file's tokens. */
  args: [number, number][];
}

interface Declaration {
  file: ParsedFile;
  builder: string;
  name?: string;
  keyArg: [number, number];
  calls: Call[];
  key?: string;
}

interface ParsedFile {
  path: string;
  /** The file's base name without extension: used as the qualifier of its vals (`History.X.key`). */
  object: string;
  tokens: Token[];
  /** `val NAME = <expr>` constants: the expression's token range. */
  constants: Map<string, [number, number]>;
  declarations: Declaration[];
  /** `object NAME extends Enumeration { val A, B = Value }`: NAME -> [A, B]. */
  enums: Map<string, string[]>;
}

// `SQLConfigBuilder` is the Spark 2.0 name of `buildConf`, still found in old registries.
const BUILDERS = new Set(['buildConf', 'buildStaticConf', 'ConfigBuilder', 'SQLConfigBuilder']);

function isPunct(t: Token | undefined, text: string): boolean {
  return t?.kind === 'punct' && t.text === text;
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the token closing the bracket at `open` (or the last index when unbalanced). */
function matching(tokens: Token[], open: number): number {
  const stack: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (t.text in CLOSERS) stack.push(CLOSERS[t.text]);
    else if (t.text === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return tokens.length - 1;
}

/** Top-level comma-separated ranges inside the bracket pair `open..close`. */
function splitArgs(tokens: Token[], open: number, close: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text in CLOSERS) i = matching(tokens, i);
    else if (isPunct(t, ',')) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  if (start < close) ranges.push([start, close]);
  return ranges;
}

/** The `.method(args)` chain following a builder call whose arguments close at `close`. */
function readChain(tokens: Token[], close: number): Call[] {
  const calls: Call[] = [];
  let i = close + 1;
  while (isPunct(tokens[i], '.') && tokens[i + 1]?.kind === 'ident') {
    const method = (tokens[i + 1] as { text: string }).text;
    i += 2;
    if (isPunct(tokens[i], '[')) i = matching(tokens, i) + 1;
    let args: [number, number][] = [];
    while (isPunct(tokens[i], '(') || isPunct(tokens[i], '{')) {
      const end = matching(tokens, i);
      args = args.concat(isPunct(tokens[i], '(') ? splitArgs(tokens, i, end) : [[i + 1, end]]);
      i = end + 1;
    }
    calls.push({ method, args });
  }
  return calls;
}

/** The name of a `val NAME =` ending just before index `i` (modifiers and type ascriptions allowed). */
function valNameBefore(tokens: Token[], i: number): string | undefined {
  if (!isPunct(tokens[i - 1], '=')) return undefined;
  const name = tokens[i - 2];
  if (name?.kind === 'ident' && tokens[i - 3]?.kind === 'ident' && (tokens[i - 3] as { text: string }).text === 'val') return name.text;
  return undefined;
}

/** `object Mode extends Enumeration { val STATIC, DYNAMIC = Value }`: the values of each enumeration. */
function readEnumerations(file: ParsedFile): void {
  const toks = file.tokens;
  for (let i = 0; i + 4 < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== 'ident' || t.text !== 'object' || toks[i + 1]?.kind !== 'ident') continue;
    if (!(toks[i + 2]?.kind === 'ident' && (toks[i + 2] as { text: string }).text === 'extends')) continue;
    if (!(toks[i + 3]?.kind === 'ident' && (toks[i + 3] as { text: string }).text === 'Enumeration') || !isPunct(toks[i + 4], '{')) continue;
    const close = matching(toks, i + 4);
    const values: string[] = [];
    for (let j = i + 5; j < close; j++) {
      const v = toks[j];
      if (v.kind !== 'ident' || v.text !== 'val') continue;
      const names: string[] = [];
      let k = j + 1;
      while (toks[k]?.kind === 'ident') {
        names.push((toks[k] as { text: string }).text);
        if (isPunct(toks[k + 1], ',')) k += 2;
        else break;
      }
      const value = toks[k + 2];
      if (isPunct(toks[k + 1], '=') && value?.kind === 'ident' && value.text === 'Value') values.push(...names);
    }
    if (values.length) file.enums.set((toks[i + 1] as { text: string }).text, values);
  }
}

export function parseFile(file: SourceFile): ParsedFile {
  const tokens = tokenize(file.text);
  const base = file.path
    .split('/')
    .pop()!
    .replace(/\.(scala|java)$/, '')
    .replace(/\.part\d+$/, '');
  const parsed: ParsedFile = {
    path: file.path,
    object: base === 'package' ? 'config' : base,
    tokens,
    constants: new Map(),
    declarations: [],
    enums: new Map(),
  };
  readEnumerations(parsed);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'ident') continue;
    // Scala `val NAME = expr` / `val NAME: Type = expr`, and Java `final String NAME = expr;`
    // (the launcher and network modules hold some of the keys as Java constants).
    const javaConstant = t.text === 'final' && tokens[i + 1]?.kind === 'ident' && tokens[i + 2]?.kind === 'ident' && isPunct(tokens[i + 3], '=');
    if (javaConstant || (t.text === 'val' && tokens[i + 1]?.kind === 'ident')) {
      const nameAt = javaConstant ? i + 2 : i + 1;
      let j = nameAt + 1;
      if (isPunct(tokens[j], ':')) {
        while (j < tokens.length && !isPunct(tokens[j], '=') && j < i + 12) j++;
      }
      if (isPunct(tokens[j], '=')) {
        const start = j + 1;
        let end = start;
        // The expression ends where the next statement starts; stop at `val`/`def`/`}` at depth 0.
        for (let k = start; k < tokens.length; k++) {
          const u = tokens[k];
          if (u.kind === 'punct' && u.text in CLOSERS) {
            k = matching(tokens, k);
            end = k + 1;
            continue;
          }
          if (u.kind === 'punct' && (u.text === '}' || u.text === ')' || u.text === ';')) break;
          if (u.kind === 'ident' && ['val', 'def', 'object', 'class', 'private', 'lazy', 'final', 'import', 'override', 'case', 'trait'].includes(u.text))
            break;
          end = k + 1;
        }
        parsed.constants.set((tokens[nameAt] as { text: string }).text, [start, end]);
      }
      continue;
    }
    if (!BUILDERS.has(t.text) || !isPunct(tokens[i + 1], '(')) continue;
    const prev = tokens[i - 1];
    // Skip the helpers that define the builders (`def buildConf(key: String) = ...`) and imports.
    if (prev?.kind === 'ident' && (prev.text === 'def' || prev.text === 'new' || prev.text === 'import')) continue;
    if (isPunct(prev, '.') && tokens[i - 2]?.kind === 'ident' && (tokens[i - 2] as { text: string }).text === 'import') continue;
    const close = matching(tokens, i + 1);
    const args = splitArgs(tokens, i + 1, close);
    if (args.length !== 1) continue;
    parsed.declarations.push({ file: parsed, builder: t.text, name: valNameBefore(tokens, i), keyArg: args[0], calls: readChain(tokens, close) });
  }
  return parsed;
}

const TYPE_METHODS = new Set(['booleanConf', 'intConf', 'longConf', 'doubleConf', 'stringConf', 'bytesConf', 'timeConf', 'regexConf', 'enumConf']);
const CONF_TYPES: Record<string, ConfType> = {
  booleanConf: 'boolean',
  intConf: 'int',
  longConf: 'long',
  doubleConf: 'double',
  stringConf: 'string',
  bytesConf: 'bytes',
  timeConf: 'time',
  regexConf: 'regex',
  enumConf: 'string',
};

/** The one-line doc our table keeps: the first sentence, whitespace collapsed, at most ~240 characters. */
export function oneLine(doc: string): string | undefined {
  const flat = doc.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  // A sentence ends at ". " before a capital/backtick/quote, but not after "e.g." / "i.e." / "etc.".
  const re = /(?<!\b(?:e\.g|i\.e|etc|vs|approx|resp))[.!?](?=\s+[A-Z`'"(])/g;
  const m = re.exec(flat);
  let first = m ? flat.slice(0, m.index + 1) : flat;
  if (first.length > 240) {
    const cut = first.lastIndexOf(' ', 236);
    first = first.slice(0, cut > 120 ? cut : 236).replace(/[,;:]$/, '') + ' …';
  }
  return first;
}

function scopeOf(d: Declaration, key: string): Scope {
  if (d.builder === 'buildStaticConf') return 'static-sql';
  if (d.builder === 'buildConf' || d.builder === 'SQLConfigBuilder') return key.startsWith('spark.sql.') ? 'runtime-sql' : 'core';
  // A core ConfigBuilder under spark.sql. (rare) is fixed at start like a static SQL config.
  return key.startsWith('spark.sql.') ? 'static-sql' : 'core';
}

export class Registry implements Resolver {
  private readonly files: ParsedFile[];
  private readonly byName = new Map<string, Declaration[]>();
  private readonly constantsByName = new Map<string, { file: ParsedFile; range: [number, number] }[]>();
  private readonly evaluating = new Set<string>();
  private current: ParsedFile | undefined;

  constructor(sources: SourceFile[]) {
    this.files = sources.map(parseFile);
    for (const f of this.files) {
      for (const d of f.declarations) if (d.name) this.push(this.byName, d.name, d);
      for (const [name, range] of f.constants) this.push(this.constantsByName, name, { file: f, range });
    }
  }

  private push<T>(map: Map<string, T[]>, name: string, value: T): void {
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  }

  /** File-local first, then the declaration in the object named by the qualifier, then a unique one. */
  private pick<T extends { file: ParsedFile }>(list: T[] | undefined, qualifier: string | undefined): T | undefined {
    if (!list?.length) return undefined;
    const inObject = qualifier ? list.filter((x) => x.file.object === qualifier) : [];
    if (inObject.length) return inObject[0];
    // `Other.NAME` is never this file's own NAME (SQLConf declares DEFAULT_COLLATION from
    // SqlApiConfHelper.DEFAULT_COLLATION).
    if (qualifier && this.files.some((f) => f.object === qualifier)) return undefined;
    const local = list.filter((x) => x.file === this.current);
    if (local.length) return local[0];
    return list.length === 1 || new Set(list.map((x) => x.file.object)).size === 1 ? list[0] : undefined;
  }

  confKey(name: string, qualifier: string | undefined): string | undefined {
    const d = this.pick(this.byName.get(name), qualifier);
    return d ? this.keyOf(d) : undefined;
  }

  constant(name: string, qualifier: string | undefined): Value | undefined {
    const c = this.pick(this.constantsByName.get(name), qualifier);
    if (!c) return undefined;
    const id = `${c.file.path}#${name}`;
    if (this.evaluating.has(id)) return undefined;
    this.evaluating.add(id);
    const saved = this.current;
    this.current = c.file;
    try {
      return new Evaluator(this).tryEvaluate(c.file.tokens, c.range[0], c.range[1]);
    } finally {
      this.current = saved;
      this.evaluating.delete(id);
    }
  }

  private keyOf(d: Declaration): string | undefined {
    if (d.key !== undefined) return d.key;
    const saved = this.current;
    this.current = d.file;
    try {
      const v = new Evaluator(this).tryEvaluate(d.file.tokens, d.keyArg[0], d.keyArg[1]);
      if (typeof v === 'string' && /^spark\.[\w.-]+$/.test(v)) d.key = v;
      return d.key;
    } finally {
      this.current = saved;
    }
  }

  private evalIn(file: ParsedFile, range: [number, number] | undefined, lenient = false): Value | undefined {
    if (!range) return undefined;
    const saved = this.current;
    this.current = file;
    try {
      return new Evaluator(this, lenient).tryEvaluate(file.tokens, range[0], range[1]);
    } finally {
      this.current = saved;
    }
  }

  private defaultOf(d: Declaration): string | undefined {
    const type = d.calls.find((c) => TYPE_METHODS.has(c.method));
    const sequence = d.calls.some((c) => c.method === 'toSequence');
    const unitOf = (c: Call | undefined): string | undefined => {
      if (!c?.args[0]) return undefined;
      const toks = d.file.tokens.slice(c.args[0][0], c.args[0][1]);
      const last = toks[toks.length - 1];
      return last?.kind === 'ident' ? last.text : undefined;
    };
    for (const c of d.calls) {
      switch (c.method) {
        case 'createOptional':
          return '(none)';
        case 'createWithDefaultString': {
          const v = this.evalIn(d.file, c.args[0]);
          return v === undefined ? undefined : render(v);
        }
        case 'fallbackConf': {
          const range = c.args[0];
          if (!range) return undefined;
          const toks = d.file.tokens.slice(range[0], range[1]).filter((t) => t.kind === 'ident') as { text: string }[];
          const name = toks[toks.length - 1]?.text;
          const key = name ? this.confKey(name, toks[toks.length - 2]?.text) : undefined;
          return key ? `value of ${key}` : undefined;
        }
        case 'createWithDefault': {
          const v = this.evalIn(d.file, c.args[0]);
          if (v === undefined) return undefined;
          if (sequence || Array.isArray(v)) return render(v);
          if (type?.method === 'bytesConf' && typeof v === 'bigint') {
            const bytes = toBytes(v, unitOf(type) ?? 'BYTE');
            return bytes === undefined ? undefined : `${bytes}b`;
          }
          if (type?.method === 'timeConf' && (typeof v === 'bigint' || typeof v === 'number')) {
            const ms = toMillis(v, unitOf(type) ?? 'MILLISECONDS');
            return ms === undefined ? undefined : `${ms}ms`;
          }
          // Spark prints a double default with Scala's Double.toString: 5.0, not 5.
          if (type?.method === 'doubleConf' && typeof v === 'number' && Number.isInteger(v)) return `${v}.0`;
          if (type?.method === 'doubleConf' && typeof v === 'bigint') return `${v}.0`;
          return render(v);
        }
      }
    }
    return undefined;
  }

  /** Every declared config as a table row; the second declaration of a key (rare) is ignored. */
  rows(): RegistryResult {
    const rows = new Map<string, ConfRow>();
    const unresolved: string[] = [];
    const deprecations = this.deprecations();
    for (const f of this.files) {
      for (const d of f.declarations) {
        const key = this.keyOf(d);
        if (!key) {
          const src = f.tokens
            .slice(d.keyArg[0], d.keyArg[1])
            .map((t) => (t.kind === 'string' ? '"…"' : t.text))
            .join('');
          unresolved.push(`${f.path}: ${d.builder}(${src})`);
          continue;
        }
        if (rows.has(key)) continue;
        const call = (m: string) => d.calls.find((c) => c.method === m);
        const docValue = this.evalIn(f, call('doc')?.args[0], true);
        const version = this.evalIn(f, call('version')?.args[0]);
        const row: ConfRow = { key, scope: scopeOf(d, key) };
        const dflt = this.defaultOf(d);
        if (dflt !== undefined) row.default = dflt;
        if (typeof version === 'string' && /^\d+\.\d+\.\d+$/.test(version)) row.since = version;
        const doc = typeof docValue === 'string' ? oneLine(docValue) : undefined;
        if (doc) row.doc = doc;
        if (call('internal')) row.internal = true;
        Object.assign(row, this.valueRules(d));
        rows.set(key, row);
        // `.withAlternative("old.key")`: the old name still works and is what old code uses.
        for (const alt of d.calls.filter((c) => c.method === 'withAlternative')) {
          const old = this.evalIn(f, alt.args[0]);
          if (typeof old === 'string' && !deprecations.has(old)) deprecations.set(old, { message: `use ${key}`, replacement: key });
        }
      }
    }
    for (const [key, dep] of deprecations) {
      const row = rows.get(key);
      if (row) {
        row.deprecated ??= dep.message;
        continue;
      }
      const target = dep.replacement ? rows.get(dep.replacement) : undefined;
      rows.set(key, {
        key,
        scope: target?.scope ?? (key.startsWith('spark.sql.') ? 'runtime-sql' : 'core'),
        ...(target?.default !== undefined ? { default: target.default } : {}),
        ...(dep.since ? { since: dep.since } : {}),
        ...(target?.doc ? { doc: target.doc } : {}),
        deprecated: dep.message,
      });
    }
    return { rows: [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), unresolved };
  }

  /** The type Spark parses the value as and, from `checkValues`, the values it accepts. */
  private valueRules(d: Declaration): Pick<ConfRow, 'type' | 'values' | 'valuesIgnoreCase'> {
    const typeCall = d.calls.find((c) => TYPE_METHODS.has(c.method));
    const out: Pick<ConfRow, 'type' | 'values' | 'valuesIgnoreCase'> = {};
    if (d.calls.some((c) => c.method === 'toSequence')) out.type = 'list';
    else if (typeCall) out.type = CONF_TYPES[typeCall.method];
    const check = d.calls.find((c) => c.method === 'checkValues');
    const range = check?.args[0];
    if (range && out.type !== 'list') {
      const toks = d.file.tokens.slice(range[0], range[1]);
      const first = toks[0];
      // `Mode.values.map(_.toString)` names an enumeration; `Set("a", "b")` lists the values.
      const enumValues =
        first?.kind === 'ident' && isPunct(toks[1], '.') && toks[2]?.kind === 'ident' && (toks[2] as { text: string }).text === 'values'
          ? this.enumValues(first.text)
          : undefined;
      const listed = enumValues ?? this.evalIn(d.file, range);
      if (Array.isArray(listed) && listed.length && listed.every((v) => typeof v === 'string' || typeof v === 'bigint')) {
        out.values = listed.map((v) => render(v));
      }
    }
    const transform = d.calls.find((c) => c.method === 'transform');
    if (out.values && transform?.args[0]) {
      const text = d.file.tokens
        .slice(transform.args[0][0], transform.args[0][1])
        .map((t) => (t.kind === 'ident' ? t.text : ''))
        .join(' ');
      if (/\bto(Upper|Lower)Case\b/.test(text)) out.valuesIgnoreCase = true;
    }
    return out;
  }

  private enumValues(name: string): string[] | undefined {
    for (const f of this.files) {
      const values = f.enums.get(name);
      if (values) return values;
    }
    return undefined;
  }

  /**
   * Deprecated and removed keys from `DeprecatedConfig(key, version, comment)`,
   * `RemovedConfig(key, version, default, comment)` and `new -> Seq(AlternateConfig(old, version))`.
   */
  private deprecations(): Map<string, { message: string; since?: string; replacement?: string }> {
    const out = new Map<string, { message: string; since?: string; replacement?: string }>();
    for (const f of this.files) {
      const toks = f.tokens;
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind !== 'ident' || !isPunct(toks[i + 1], '(')) continue;
        if (t.text === 'DeprecatedConfig' || t.text === 'RemovedConfig') {
          const close = matching(toks, i + 1);
          const args = splitArgs(toks, i + 1, close).map((r) => this.evalIn(f, r, true));
          const [key, version] = args;
          const comment = args[args.length - 1];
          if (typeof key !== 'string' || !key.startsWith('spark.') || args.length < 3) continue;
          const verb = t.text === 'RemovedConfig' ? 'removed' : 'deprecated';
          const note = typeof comment === 'string' ? oneLine(comment) : undefined;
          out.set(key, { message: `${verb} in Spark ${render(version ?? '?')}${note ? `: ${note}` : ''}` });
        } else if (t.text === 'AlternateConfig') {
          const close = matching(toks, i + 1);
          const [old, version] = splitArgs(toks, i + 1, close).map((r) => this.evalIn(f, r));
          const replacement = this.alternateTarget(f, i);
          if (typeof old !== 'string' || !replacement) continue;
          out.set(old, {
            message: `deprecated since Spark ${typeof version === 'string' ? version : '?'}; use ${replacement}`,
            ...(typeof version === 'string' && /^\d+\.\d+(\.\d+)?$/.test(version) ? { since: /\.\d+\.\d+$/.test(version) ? version : `${version}.0` } : {}),
            replacement,
          });
        }
      }
    }
    return out;
  }

  /** For an `AlternateConfig` at `i`, the key on the left of the enclosing `key -> Seq(...)`. */
  private alternateTarget(f: ParsedFile, i: number): string | undefined {
    const toks = f.tokens;
    // Walk back to the `Seq(` that holds this AlternateConfig, then to the `->` before it.
    let depth = 0;
    for (let j = i - 1; j > 0 && j > i - 400; j--) {
      const t = toks[j];
      if (isPunct(t, ')')) depth++;
      else if (isPunct(t, '(')) {
        if (depth === 0) {
          if (!(toks[j - 1]?.kind === 'ident' && isPunct(toks[j - 2], '>') && isPunct(toks[j - 3], '-'))) return undefined;
          let start = j - 4;
          while (start > 0 && !isPunct(toks[start - 1], ',') && !isPunct(toks[start - 1], '(')) start--;
          const v = this.evalIn(f, [start, j - 3]);
          return typeof v === 'string' ? v : undefined;
        }
        depth--;
      }
    }
    return undefined;
  }
}
