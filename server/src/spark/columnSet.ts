import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import { literalType, sqlTypeName } from './schema';
import type { SparkFunctions } from './functions';
import type { DataFrameModel, Frame } from '../model/types';
import type { Value } from '../model/values';

/**
 * The columns of each frame, when the model knows them for certain. A frame's set is computed
 * from its parents' sets and the syntax of the call that made it, so every step that the model
 * cannot follow exactly (`select("*")` of an unknown frame, a read with no schema, `selectExpr`,
 * SQL, an aggregate without alias, a UDF returning a struct) leaves it unknown. Names compare
 * case-insensitively, as Spark resolves them by default (`spark.sql.caseSensitive` false).
 */

export interface KnownColumn {
  name: string;
  /** Spark SQL type in DDL spelling ("string", "bigint", "decimal") when the code says it. */
  type?: string;
}

export interface ColumnSet {
  columns: KnownColumn[];
  /**
   * True: exactly these columns. False: these and maybe others the source adds, which only
   * happens for files read with a schema (Spark appends the partition columns of `key=value`
   * directories the schema does not list).
   */
  exact: boolean;
}

/** Formats read from files: with a user schema, Spark still appends discovered partition columns. */
const FILE_FORMATS = new Set(['csv', 'json', 'parquet', 'orc', 'avro', 'text', 'xml', 'binaryFile', 'cloudFiles']);
const KAFKA_COLUMNS: KnownColumn[] = [
  { name: 'key', type: 'binary' },
  { name: 'value', type: 'binary' },
  { name: 'topic', type: 'string' },
  { name: 'partition', type: 'int' },
  { name: 'offset', type: 'bigint' },
  { name: 'timestamp', type: 'timestamp' },
  { name: 'timestampType', type: 'int' },
];
/** Steps whose output has the input's columns (frameCertainty follows the same steps). */
export const SAME_COLUMNS: ReadonlySet<string> = new Set([
  'filter',
  'where',
  'alias',
  'hint',
  'sample',
  'observe',
  'localCheckpoint',
  'checkpoint',
  'unpersist',
  'sortWithinPartitions',
  'fillna',
  'dropna',
  'replace',
  'withMetadata',
  'withWatermark',
  'cache',
  'persist',
  'dropDuplicatesWithinWatermark',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'orderBy',
  'sort',
  'repartitionByRange',
  'intersect',
  'intersectAll',
  'exceptAll',
  'subtract',
  'limit',
  'offset',
  'coalesce',
  'repartition',
]);
/** Binary plans the model derives from their left side only: the analyzer does not look through them. */
const BINARY = new Set(['intersect', 'intersectAll', 'exceptAll', 'subtract']);
/**
 * Steps Spark's analyzer looks through to resolve a filter's or a sort's missing columns (its
 * ResolveMissingReferences rule adds them to the projections below). A superset errs towards silence.
 */
const LOOKED_THROUGH = new Set([
  ...[...SAME_COLUMNS].filter((m) => !BINARY.has(m)),
  'select',
  'withColumn',
  'withColumns',
  'withColumnRenamed',
  'withColumnsRenamed',
  'drop',
  'toDF',
]);
const NA_METHODS = new Set(['fill', 'drop', 'replace']);
const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube']);
/** Column methods that name their result. */
const ALIAS_METHODS = new Set(['alias', 'name']);
const MAX_STEPS = 5_000;

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findColumn(set: ColumnSet, name: string): KnownColumn | undefined {
  return set.columns.find((c) => sameName(c.name, name));
}

/** Per model: the column sets of its frames, computed once, parents first. */
export class ColumnSets {
  private readonly sets = new Map<number, ColumnSet | undefined>();
  /** Frames are computed in the model's order, which puts every parent before its children. */
  private next = 0;

  constructor(
    private readonly model: DataFrameModel,
    private readonly fns: SparkFunctions,
  ) {}

  of(frame: Frame): ColumnSet | undefined {
    const frames = this.model.frames;
    while (!this.sets.has(frame.id) && this.next < frames.length) {
      const f = frames[this.next++];
      this.sets.set(f.id, this.compute(f));
    }
    return this.sets.get(frame.id);
  }

  /**
   * The columns a `filter(...)`/`orderBy(...)` on `frame` may name: Spark resolves a name the
   * frame lacks through the projections below it (`df.select("a").orderBy("b")` runs), down to
   * the nearest join, union, aggregate or source. Undefined when any of them is unknown.
   */
  resolvableBelow(frame: Frame): ColumnSet | undefined {
    const columns: KnownColumn[] = [];
    let exact = true;
    let f: Frame | undefined = frame;
    for (let i = 0; f && i < MAX_STEPS; i++) {
      const set = this.of(f);
      if (!set) return undefined;
      exact &&= set.exact;
      for (const c of set.columns) if (!findColumn({ columns, exact }, c.name)) columns.push(c);
      f = f.parents.length === 1 && LOOKED_THROUGH.has(f.op) && !f.source ? f.parents[0] : undefined;
    }
    return { columns, exact };
  }

  private compute(f: Frame): ColumnSet | undefined {
    if (f.source) return sourceColumns(f, this.fns);
    if (f.node.type !== 'call') return undefined;
    const parts = callParts(f.node);
    if (!parts) return undefined;
    const parent = f.parents[0] ? this.sets.get(f.parents[0].id) : undefined;
    const other = f.parents[1] ? this.sets.get(f.parents[1].id) : undefined;
    // `df.na.fill(...)`, `df.na.drop()`: the same columns.
    const receiver = parts.object ? unwrapParens(parts.object) : undefined;
    if (receiver?.type === 'attribute' && receiver.childForFieldName('attribute')?.text === 'na' && NA_METHODS.has(f.op)) return parent;
    if (f.op === 'union' || f.op === 'unionAll') return parent && f.parents.length === 2 ? parent : undefined;
    if (SAME_COLUMNS.has(f.op)) return f.parents.length === 1 ? parent : undefined;
    switch (f.op) {
      case 'select':
        return this.selected(parts, parent);
      case 'toDF': {
        const names = parts.args.map((a) => literalString(a));
        if (!names.length || names.some((n) => n === undefined)) return undefined;
        return { columns: names.map((name) => ({ name: name! })), exact: true };
      }
      case 'withColumn': {
        const name = literalString(parts.args[0]);
        if (!parent || name === undefined || !parts.args[1]) return undefined;
        return withColumns(parent, [{ name, type: this.expressionType(parts.args[1], parent) }]);
      }
      case 'withColumns': {
        const added = parent ? this.dictColumns(parts.args[0], parent) : undefined;
        return parent && added ? withColumns(parent, added) : undefined;
      }
      case 'withColumnRenamed': {
        const from = literalString(parts.args[0]);
        const to = literalString(parts.args[1]);
        if (!parent || from === undefined || to === undefined) return undefined;
        return renamed(parent, [[from, to]]);
      }
      case 'withColumnsRenamed': {
        const dict = parts.args[0] ? unwrapParens(parts.args[0]) : undefined;
        if (!parent || dict?.type !== 'dictionary') return undefined;
        const pairs: [string, string][] = [];
        for (const p of dict.namedChildren) {
          if (!p || p.type === 'comment') continue;
          const k = p.type === 'pair' ? literalString(p.childForFieldName('key')) : undefined;
          const v = p.type === 'pair' ? literalString(p.childForFieldName('value')) : undefined;
          if (k === undefined || v === undefined) return undefined;
          pairs.push([k, v]);
        }
        return renamed(parent, pairs);
      }
      case 'drop': {
        if (!parent) return undefined;
        const names: string[] = [];
        for (const a of parts.args) {
          const n = literalString(a) ?? this.columnName(a);
          if (n === undefined) return undefined;
          names.push(n);
        }
        if (parts.keywords.size) return undefined;
        // Dropping a column the frame lacks is a no-op in Spark.
        return { columns: parent.columns.filter((c) => !names.some((n) => sameName(n, c.name))), exact: parent.exact };
      }
      case 'join':
        return this.joined(parts, parent, other);
      case 'crossJoin':
        return parent && other ? { columns: [...parent.columns, ...other.columns], exact: parent.exact && other.exact } : undefined;
      case 'unionByName': {
        if (!parent || !other) return undefined;
        const allow = parts.keywords.get('allowMissingColumns') ?? parts.args[1];
        if (!allow) return parent;
        if (allow.type !== 'true' && allow.type !== 'false') return undefined;
        if (allow.type === 'false') return parent;
        const columns = [...parent.columns];
        for (const c of other.columns) if (!columns.some((x) => sameName(x.name, c.name))) columns.push(c);
        return { columns, exact: parent.exact && other.exact };
      }
      case 'agg':
        return this.aggregated([], parts);
      case 'aggregate':
        return this.groupAggregate(parts, f.parents[0]);
      default:
        return undefined;
    }
  }

  /** `select(...)`: each argument's output name, or undefined when one has no name the model can tell. */
  private selected(parts: CallParts, parent: ColumnSet | undefined): ColumnSet | undefined {
    if (parts.keywords.size) return undefined;
    const columns: KnownColumn[] = [];
    let exact = true;
    const args =
      parts.args.length === 1 && unwrapParens(parts.args[0]).type === 'list'
        ? unwrapParens(parts.args[0]).namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
        : parts.args;
    if (!args.length) return undefined;
    for (const a of args) {
      const s = literalString(a);
      if (s === '*') {
        if (!parent) return undefined;
        columns.push(...parent.columns);
        exact &&= parent.exact;
        continue;
      }
      const name = s !== undefined ? (plainName(s) ?? fieldName(s)) : undefined;
      if (name !== undefined) {
        columns.push({ name, type: parent && name === s ? findColumn(parent, name)?.type : undefined });
        continue;
      }
      if (s !== undefined) return undefined;
      const out = this.outputColumn(a, parent);
      if (!out) return undefined;
      columns.push(out);
    }
    return { columns, exact };
  }

  /** The name (and type) a column expression gets in a projection: an alias, or a plain reference. */
  private outputColumn(expr: Node, parent: ColumnSet | undefined): KnownColumn | undefined {
    const e = unwrapParens(expr);
    if (e.type === 'call') {
      const parts = callParts(e);
      if (parts?.object && parts.name && ALIAS_METHODS.has(parts.name) && parts.args.length === 1 && !parts.keywords.size) {
        const name = literalString(parts.args[0]);
        if (name === undefined) return undefined;
        return { name, type: this.expressionType(parts.object, parent) };
      }
    }
    const ref = this.columnName(e);
    if (ref === undefined) return undefined;
    const name = plainName(ref) ?? fieldName(ref);
    if (name === undefined) return undefined;
    return { name, type: parent && name === ref ? findColumn(parent, name)?.type : undefined };
  }

  /** `col("x")`, `F.col("x")`, and on a name that stands for a frame `df["x"]`, `df.x` -> "x". */
  columnName(node: Node): string | undefined {
    return columnReference(node, this.model, this.fns)?.name;
  }

  /** Types an expression certainly has: a cast, a comparison, a literal, a column passed through. */
  expressionType(expr: Node, parent: ColumnSet | undefined): string | undefined {
    const e = unwrapParens(expr);
    if (e.type === 'comparison_operator' || e.type === 'not_operator') return 'boolean';
    if (e.type === 'unary_operator' && e.text.trimStart().startsWith('~')) return 'boolean';
    if (e.type === 'binary_operator' && /^[&|]$/.test(e.childForFieldName('operator')?.text ?? '')) return 'boolean';
    const ref = this.columnName(e);
    if (ref !== undefined) return parent ? findColumn(parent, ref)?.type : undefined;
    if (e.type !== 'call') return undefined;
    const parts = callParts(e);
    if (!parts?.name) return undefined;
    if ((parts.name === 'cast' || parts.name === 'astype') && parts.object) return sqlTypeName(parts.args[0]);
    if (
      ['isNull', 'isNotNull', 'isin', 'like', 'ilike', 'rlike', 'startswith', 'endswith', 'contains', 'between', 'eqNullSafe'].includes(parts.name) &&
      parts.object
    )
      return 'boolean';
    const fn = this.fns.nameOf(e);
    if (fn === 'lit' && parts.args.length === 1) return literalType(parts.args[0]);
    if (fn && FUNCTION_TYPES[fn]) return FUNCTION_TYPES[fn];
    return undefined;
  }

  private dictColumns(arg: Node | undefined, parent: ColumnSet): KnownColumn[] | undefined {
    const dict = arg ? unwrapParens(arg) : undefined;
    if (dict?.type !== 'dictionary') return undefined;
    const out: KnownColumn[] = [];
    for (const p of dict.namedChildren) {
      if (!p || p.type === 'comment') continue;
      const k = p.type === 'pair' ? literalString(p.childForFieldName('key')) : undefined;
      const v = p.type === 'pair' ? p.childForFieldName('value') : undefined;
      if (k === undefined || !v) return undefined;
      out.push({ name: k, type: this.expressionType(v, parent) });
    }
    return out;
  }

  private joined(parts: CallParts, left: ColumnSet | undefined, right: ColumnSet | undefined): ColumnSet | undefined {
    if (!left || !right) return undefined;
    const on = parts.args[1] ?? parts.keywords.get('on');
    const howNode = parts.args[2] ?? parts.keywords.get('how');
    const how = howNode ? literalString(howNode)?.toLowerCase().replace(/_/g, '') : 'inner';
    if (how === undefined) return undefined;
    const exact = left.exact && right.exact;
    if (['semi', 'leftsemi', 'anti', 'leftanti'].includes(how)) return left;
    const names = on ? joinNames(on) : [];
    if (names === undefined) {
      // A condition: both sides' columns, duplicates kept (`a.id`, `b.id`).
      return isCondition(on!) ? { columns: [...left.columns, ...right.columns], exact } : undefined;
    }
    // `join(other, "id")`: the key once, then the other columns of each side.
    const keys = names.map((n) => findColumn(left, n) ?? findColumn(right, n) ?? { name: n });
    const rest = (s: ColumnSet) => s.columns.filter((c) => !names.some((n) => sameName(n, c.name)));
    return { columns: [...keys, ...rest(left), ...rest(right)], exact };
  }

  /** `agg(...)` where every argument is aliased: the grouping keys then the aliases. */
  private aggregated(keys: KnownColumn[], parts: CallParts): ColumnSet | undefined {
    if (parts.keywords.size || !parts.args.length) return undefined;
    const columns = [...keys];
    for (const a of parts.args) {
      const e = unwrapParens(a);
      const p = e.type === 'call' ? callParts(e) : undefined;
      if (!p?.object || !p.name || !ALIAS_METHODS.has(p.name) || p.args.length !== 1) return undefined;
      const name = literalString(p.args[0]);
      if (name === undefined) return undefined;
      columns.push({ name, type: AGG_TYPES[this.fns.nameOf(unwrapParens(p.object)) ?? ''] });
    }
    return { columns, exact: true };
  }

  /** `df.groupBy("k").agg(F.sum("v").alias("total"))`, `.count()`: read off the syntax of the chain. */
  private groupAggregate(parts: CallParts, input: Frame | undefined): ColumnSet | undefined {
    const grouper = parts.object ? unwrapParens(parts.object) : undefined;
    const g = grouper?.type === 'call' ? callParts(grouper) : undefined;
    if (!g?.name || !GROUPERS.has(g.name) || g.keywords.size || !input) return undefined;
    const inputSet = this.sets.get(input.id);
    const keys: KnownColumn[] = [];
    const args =
      g.args.length === 1 && unwrapParens(g.args[0]).type === 'list'
        ? unwrapParens(g.args[0]).namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
        : g.args;
    for (const a of args) {
      const window = this.fns.windowColumn(a);
      if (window) {
        // The grouping column is named after the function (`window`, `session_window`) or its alias.
        const fn = this.fns.nameOf(window.node);
        if (fn !== 'window' && fn !== 'session_window') return undefined;
        keys.push({ name: this.fns.aliasOf(a)?.name ?? fn, type: 'struct' });
        continue;
      }
      const s = literalString(a) ?? this.columnName(a);
      const name = s !== undefined ? plainName(s) : undefined;
      if (name === undefined) {
        const out = this.outputColumn(a, inputSet);
        if (!out || !isAliased(a)) return undefined;
        keys.push(out);
        continue;
      }
      keys.push(inputSet ? (findColumn(inputSet, name) ?? { name }) : { name });
    }
    switch (parts.name) {
      case 'agg':
        return this.aggregated(keys, parts);
      case 'count':
        return parts.args.length ? undefined : { columns: [...keys, { name: 'count', type: 'bigint' }], exact: true };
      default:
        return undefined;
    }
  }
}

function isAliased(node: Node): boolean {
  const e = unwrapParens(node);
  const p = e.type === 'call' ? callParts(e) : undefined;
  return !!p?.name && ALIAS_METHODS.has(p.name);
}

/** A name Spark reads as one column: no dots, backticks, stars or parentheses. */
export function plainName(s: string): string | undefined {
  return /^[^.`*()\s][^.`*()]*$/.test(s) && s.trim() === s ? s : undefined;
}

/** `"address.city"` selects the field: the output column is named `city`. */
function fieldName(s: string): string | undefined {
  const m = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.exec(s);
  return m ? s.slice(s.lastIndexOf('.') + 1) : undefined;
}

function withColumns(parent: ColumnSet, added: KnownColumn[]): ColumnSet {
  const columns = [...parent.columns];
  for (const a of added) {
    const i = columns.findIndex((c) => sameName(c.name, a.name));
    if (i >= 0) columns[i] = a;
    else columns.push(a);
  }
  return { columns, exact: parent.exact };
}

function renamed(parent: ColumnSet, pairs: [string, string][]): ColumnSet {
  const columns = [...parent.columns];
  for (const [from, to] of pairs) {
    const i = columns.findIndex((c) => sameName(c.name, from));
    // Renaming a column the frame lacks is a no-op; on a file read it may be a partition column.
    if (i >= 0) columns[i] = { ...columns[i], name: to };
    else if (!parent.exact) columns.push({ name: to });
  }
  return { columns, exact: parent.exact };
}

/** `"id"`, `["id", "day"]` -> the names; a condition -> undefined. */
function joinNames(on: Node): string[] | undefined {
  const n = unwrapParens(on);
  const s = literalString(n);
  if (s !== undefined) return plainName(s) !== undefined ? [s] : undefined;
  if (n.type === 'list' || n.type === 'tuple') {
    const items = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const names = items.map((c) => literalString(c));
    if (items.length && names.every((x) => x !== undefined && plainName(x) !== undefined)) return names as string[];
  }
  return undefined;
}

/** A join condition (`a.id == b.id`, `(x) & (y)`), as opposed to a variable of names. */
function isCondition(on: Node): boolean {
  const n = unwrapParens(on);
  return n.type === 'comparison_operator' || (n.type === 'binary_operator' && /^[&|]$/.test(n.childForFieldName('operator')?.text ?? ''));
}

function sourceColumns(f: Frame, fns: SparkFunctions): ColumnSet | undefined {
  const source = f.source!;
  if (source.kind === 'range') return { columns: [{ name: 'id', type: 'bigint' }], exact: true };
  if (source.kind === 'createDataFrame') {
    const fromSchema = schemaColumns(source.schemaValue);
    if (fromSchema) return { columns: fromSchema, exact: true };
    if (source.schemaValue) return undefined;
    const parts = callParts(source.node);
    const data = parts?.args[0] ?? parts?.keywords.get('data');
    const fromRows = data ? rowColumns(unwrapParens(data), fns) : undefined;
    return fromRows ? { columns: fromRows, exact: true } : undefined;
  }
  if (source.kind !== 'read') return undefined;
  const format = source.format?.toLowerCase();
  if (format === 'kafka') {
    if (source.optionsUnknown || source.schemaGiven) return undefined;
    const headers = source.options.get('includeHeaders');
    if (headers !== undefined && headers.toLowerCase() !== 'false')
      return headers.toLowerCase() === 'true' ? { columns: [...KAFKA_COLUMNS, { name: 'headers', type: 'array' }], exact: true } : undefined;
    return { columns: KAFKA_COLUMNS, exact: true };
  }
  if (format === 'rate' && !source.schemaGiven)
    return {
      columns: [
        { name: 'timestamp', type: 'timestamp' },
        { name: 'value', type: 'bigint' },
      ],
      exact: true,
    };
  if (format === undefined || !FILE_FORMATS.has(format)) return undefined;
  if (format === 'text' && !source.schemaGiven) return { columns: [{ name: 'value', type: 'string' }], exact: false };
  const fromSchema = schemaColumns(source.schemaValue);
  // Auto Loader may add `_rescued_data`; files may add partition columns: these and maybe more.
  return fromSchema ? { columns: fromSchema, exact: false } : undefined;
}

/** The columns of a schema value: a complete StructType, a DDL string, a list of names. */
export function schemaColumns(v: Value | undefined): KnownColumn[] | undefined {
  if (!v) return undefined;
  if (v.k === 'schema') {
    if (v.partial || !v.columns.length) return undefined;
    return v.columns.map((name) => ({ name, type: v.types?.get(name) }));
  }
  if (v.k === 'list') {
    const out: KnownColumn[] = [];
    for (const item of v.items) {
      if (item.k !== 'string' || !item.exact) return undefined;
      out.push({ name: item.value });
    }
    return out.length ? out : undefined;
  }
  if (v.k === 'string' && v.exact) return parseDdl(v.value);
  return undefined;
}

/** `"id BIGINT, tags ARRAY<STRING>, address STRUCT<city: STRING, zip: STRING>"` -> its top-level fields. */
export function parseDdl(ddl: string): KnownColumn[] | undefined {
  let text = ddl.trim();
  const struct = /^struct\s*<([\s\S]*)>$/i.exec(text);
  if (struct) text = struct[1];
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '`' || ch === "'" || ch === '"') quote = ch;
    else if (ch === '<' || ch === '(') depth++;
    else if (ch === '>' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || quote) return undefined;
  parts.push(text.slice(start));
  const out: KnownColumn[] = [];
  for (const p of parts) {
    const m = /^\s*(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))\s*:?\s+([A-Za-z]+)|^\s*(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))\s*:\s*([A-Za-z]+)/.exec(p);
    if (!m) return undefined;
    const name = m[1] ?? m[2] ?? m[4] ?? m[5];
    const type = (m[3] ?? m[6]).toLowerCase();
    if (!DDL_TYPES.has(type)) return undefined;
    out.push({ name, type: TYPE_ALIASES[type] ?? type });
  }
  return out.length ? out : undefined;
}

const DDL_TYPES = new Set([
  'string',
  'varchar',
  'char',
  'int',
  'integer',
  'bigint',
  'long',
  'smallint',
  'short',
  'tinyint',
  'byte',
  'double',
  'float',
  'real',
  'decimal',
  'dec',
  'numeric',
  'boolean',
  'bool',
  'date',
  'timestamp',
  'timestamp_ntz',
  'timestamp_ltz',
  'binary',
  'array',
  'map',
  'struct',
  'interval',
  'void',
  'variant',
]);
const TYPE_ALIASES: Record<string, string> = {
  integer: 'int',
  long: 'bigint',
  short: 'smallint',
  byte: 'tinyint',
  bool: 'boolean',
  real: 'float',
  dec: 'decimal',
  numeric: 'decimal',
};

/** Rows written out as dict literals or `Row(a=..., b=...)`: PySpark infers the union of their keys. */
function rowColumns(data: Node, fns: SparkFunctions): KnownColumn[] | undefined {
  void fns;
  if (data.type !== 'list') return undefined;
  const rows = data.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (!rows.length) return undefined;
  const names: string[] = [];
  const add = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  for (const row of rows) {
    if (row.type === 'dictionary') {
      for (const pair of row.namedChildren) {
        if (!pair || pair.type === 'comment') continue;
        const k = pair.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
        if (k === undefined) return undefined;
        add(k);
      }
    } else if (row.type === 'call' && callParts(row)?.name === 'Row' && !callParts(row)?.object) {
      const p = callParts(row)!;
      if (p.args.length || !p.keywords.size) return undefined;
      for (const k of p.keywords.keys()) add(k);
    } else return undefined;
  }
  return names.length ? names.map((name) => ({ name })) : undefined;
}

/** Result types of functions whose type does not depend on their input. */
const FUNCTION_TYPES: Record<string, string> = {
  current_date: 'date',
  current_timestamp: 'timestamp',
  to_date: 'date',
  to_timestamp: 'timestamp',
  date_format: 'string',
  upper: 'string',
  lower: 'string',
  trim: 'string',
  concat_ws: 'string',
  sha2: 'string',
  md5: 'string',
  length: 'int',
  year: 'int',
  month: 'int',
  dayofmonth: 'int',
  hour: 'int',
  datediff: 'int',
  count: 'bigint',
  input_file_name: 'string',
  monotonically_increasing_id: 'bigint',
  row_number: 'int',
  rank: 'int',
  dense_rank: 'int',
  isnull: 'boolean',
};
const AGG_TYPES: Record<string, string> = {
  count: 'bigint',
  countDistinct: 'bigint',
  count_distinct: 'bigint',
  approx_count_distinct: 'bigint',
  avg: 'double',
  mean: 'double',
  collect_list: 'array',
  collect_set: 'array',
};

/** DataFrame attributes and methods: `df.<name>` is one of these, never a column. */
export const DATAFRAME_ATTRIBUTES = new Set([
  'agg',
  'alias',
  'approxQuantile',
  'cache',
  'checkpoint',
  'coalesce',
  'colRegex',
  'collect',
  'columns',
  'corr',
  'count',
  'cov',
  'createGlobalTempView',
  'createOrReplaceGlobalTempView',
  'createOrReplaceTempView',
  'createTempView',
  'crossJoin',
  'crosstab',
  'cube',
  'describe',
  'distinct',
  'drop',
  'dropDuplicates',
  'dropDuplicatesWithinWatermark',
  'drop_duplicates',
  'dropna',
  'dtypes',
  'exceptAll',
  'explain',
  'fillna',
  'filter',
  'first',
  'foreach',
  'foreachPartition',
  'freqItems',
  'groupBy',
  'groupby',
  'head',
  'hint',
  'inputFiles',
  'intersect',
  'intersectAll',
  'isEmpty',
  'isLocal',
  'isStreaming',
  'join',
  'limit',
  'localCheckpoint',
  'mapInArrow',
  'mapInPandas',
  'melt',
  'na',
  'observe',
  'offset',
  'orderBy',
  'pandas_api',
  'persist',
  'printSchema',
  'randomSplit',
  'rdd',
  'registerTempTable',
  'repartition',
  'repartitionByRange',
  'replace',
  'rollup',
  'sameSemantics',
  'sample',
  'sampleBy',
  'schema',
  'select',
  'selectExpr',
  'semanticHash',
  'show',
  'sort',
  'sortWithinPartitions',
  'sparkSession',
  'sql_ctx',
  'stat',
  'storageLevel',
  'subtract',
  'summary',
  'tail',
  'take',
  'to',
  'toDF',
  'toJSON',
  'toLocalIterator',
  'toPandas',
  'to_koalas',
  'to_pandas_on_spark',
  'transform',
  'union',
  'unionAll',
  'unionByName',
  'unpersist',
  'unpivot',
  'where',
  'withColumn',
  'withColumnRenamed',
  'withColumns',
  'withColumnsRenamed',
  'withMetadata',
  'withWatermark',
  'write',
  'writeStream',
  'writeTo',
  'mergeInto',
  'asTable',
  'lateralJoin',
  'metadataColumn',
  'plot',
  'executionInfo',
  'scalar',
  'exists',
  'groupingSets',
  'transpose',
  'toArrow',
  'is_cached',
  'dataFrameNaFunctions',
]);

/** A column named in code: `col("x")` / `F.col("x")` / `F.column("x")`, or `df["x"]` / `df.x` where `df` stands for a frame. */
export interface ColumnReference {
  name: string;
  /** The node spelling the name: a string literal, or the attribute identifier of `df.x`. */
  nameNode: Node;
  /** For `df["x"]` / `df.x`: the frame's name, which decides the column (not the call it sits in). */
  frameName?: Node;
}

export function columnReference(node: Node, model: DataFrameModel, fns: SparkFunctions): ColumnReference | undefined {
  const n = unwrapParens(node);
  if (n.type === 'call') {
    const name = fns.nameOf(n);
    const parts = callParts(n);
    if ((name !== 'col' && name !== 'column') || !parts || parts.args.length !== 1 || parts.keywords.size) return undefined;
    const arg = unwrapParens(parts.args[0]);
    const value = literalString(arg);
    return value !== undefined && arg.type === 'string' ? { name: value, nameNode: arg } : undefined;
  }
  if (n.type === 'subscript') {
    const obj = n.childForFieldName('value');
    const idx = n.childForFieldName('subscript');
    const value = idx ? literalString(idx) : undefined;
    if (obj?.type !== 'identifier' || !idx || idx.type !== 'string' || value === undefined || !model.frameRefs.has(obj.startIndex)) return undefined;
    return { name: value, nameNode: idx, frameName: obj };
  }
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (obj?.type !== 'identifier' || !attr || DATAFRAME_ATTRIBUTES.has(attr.text) || attr.text.startsWith('_') || !model.frameRefs.has(obj.startIndex))
      return undefined;
    return { name: attr.text, nameNode: attr, frameName: obj };
  }
  return undefined;
}

const cache = new WeakMap<DataFrameModel, ColumnSets>();

/** The column sets of a model's frames (computed on demand, once per model). */
export function columnSetsOf(model: DataFrameModel, fns: SparkFunctions): ColumnSets {
  let sets = cache.get(model);
  if (!sets) {
    sets = new ColumnSets(model, fns);
    cache.set(model, sets);
  }
  return sets;
}
