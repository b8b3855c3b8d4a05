import { nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, stringParts, unwrapParens } from '../../parsing/syntax';
import { assignmentsTo } from './scopeIndex';
import { callsNamed } from './callIndex';

// What the Delta Lake rules (PSA8xx) need to know about a program: its SQL statements, the tables
// it partitions, and the DeltaTable handles it holds.

/** A SQL text of the file: a string literal (f-string parts kept as `{expr}`), not a docstring. */
export interface SqlText {
  node: Node;
  text: string;
}

const SQL_MEMO = new WeakMap<DataFrameModel, SqlText[]>();

/**
 * A table name as SQL text spells it: `db.t`, `` `db`.`t` ``, or with f-string parts kept whole,
 * `{catalog}.sales` or `{qt(tables['runs'])}`. A placeholder is taken to its closing brace, so two
 * tables named through different expressions (`tables['runs']`, `tables['state']`) keep two keys;
 * stopping at the first character outside `[\w.{}]` gave both the key `{qt`.
 */
export const SQL_TABLE_NAME = String.raw`(?:[\w.\x60]|\{[^{}\n]*\})+`;

/** `CREATE TABLE <name> ... PARTITIONED BY (cols)`; a `delta.\`/path\`` name is tried first, whole. */
const CREATE_PARTITIONED = new RegExp(
  String.raw`\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|LIVE\s+TABLE|STREAMING\s+TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(delta\.\x60[^\x60]+\x60|${SQL_TABLE_NAME})[\s\S]*?\bPARTITIONED\s+BY\s*\(([^)]*)\)`,
  'i',
);

/** The text of a string or implicitly concatenated string, with f-string interpolations as `{expr}`. */
export function templateText(node: Node): string | undefined {
  const n = unwrapParens(node);
  if (n.type === 'concatenated_string') {
    let out = '';
    for (const part of n.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const t = templateText(part);
      if (t === undefined) return undefined;
      out += t;
    }
    return out;
  }
  if (n.type !== 'string') return undefined;
  return stringParts(n)
    .map((p) => (typeof p === 'string' ? p : `{${p.text.replace(/^\{|\}$/g, '')}}`))
    .join('');
}

/**
 * Every string of the file that reads as SQL to Spark (`spark.sql(...)` arguments, statements built
 * in a variable first, `%`/`.format` templates), outermost strings only, docstrings left out.
 */
export function sqlTexts(model: DataFrameModel): SqlText[] {
  let list = SQL_MEMO.get(model);
  if (list) return list;
  list = [];
  const concatenated = new Map<number, Node>();
  for (const s of nodesOfType(model, 'string')) {
    const parent = s.parent;
    if (parent?.type === 'concatenated_string') {
      concatenated.set(parent.id, parent);
      continue;
    }
    if (parent?.type === 'expression_statement') continue; // a docstring or a bare literal
    // Only strings that can be a statement the rules read: most strings of a file are names and paths.
    if (!SQL_WORDS.test(s.text)) continue;
    const text = templateText(s);
    if (text !== undefined) list.push({ node: s, text });
  }
  for (const c of concatenated.values()) {
    if (c.parent?.type === 'expression_statement' || !SQL_WORDS.test(c.text)) continue;
    const text = templateText(c);
    if (text !== undefined) list.push({ node: c, text });
  }
  list.sort((a, b) => a.node.startIndex - b.node.startIndex);
  SQL_MEMO.set(model, list);
  return list;
}

/** Words of the statements the Delta and schema rules read (VACUUM, OPTIMIZE, MERGE, CREATE, SET, typed DDL). */
const SQL_WORDS = /\b(vacuum|optimize|merge|create|set|double|float)\b/i;

/** A table or path as the program names it, comparable across spellings: `delta.\`/p\``, `` `db`.`t` ``, `DB.T`. */
export function tableKey(name: string): string {
  let n = name.trim().replace(/;$/, '').trim();
  const path = /^delta\s*\.\s*`([^`]+)`$/i.exec(n);
  if (path) return pathKey(path[1]);
  if (/^['"].*['"]$/.test(n)) return pathKey(n.slice(1, -1));
  if (/[/:]/.test(n)) return pathKey(n);
  n = n.replace(/`/g, '').toLowerCase();
  // `spark_catalog.default.t` / `default.t` / `t` name one table when nothing else says otherwise; keep the last two parts.
  const parts = n.split('.');
  return parts.length > 2 ? parts.slice(-2).join('.') : n;
}

export function pathKey(p: string): string {
  return 'path:' + p.replace(/^dbfs:/, '').replace(/\/+$/, '');
}

/** The table name or path key of a `DeltaTable.forName(spark, "t")` / `forPath(spark, "/p")` call. */
function deltaTableTarget(call: Node): { key: string; node: Node } | undefined {
  const parts = callParts(call);
  if (!parts?.object || unwrapParens(parts.object).text !== 'DeltaTable') return undefined;
  const arg = parts.args[1] ?? parts.keywords.get('path') ?? parts.keywords.get('tableOrViewName');
  const value = arg ? (literalString(arg) ?? templateText(arg)) : undefined;
  if (value === undefined) return undefined;
  if (parts.name === 'forPath') return { key: pathKey(value), node: call };
  if (parts.name === 'forName') return { key: tableKey(value), node: call };
  return undefined;
}

export interface DeltaHandle {
  /** The table or path the handle stands for, when the model can read it. */
  key?: string;
  /** The `DeltaTable.forPath/forName(...)` call. */
  origin: Node;
}

/**
 * The DeltaTable a receiver expression stands for: `DeltaTable.forPath(...)` itself, or a name the
 * file binds to one (`dt = DeltaTable.forName(spark, "t")`, also `.alias("t")` of one).
 */
export function deltaHandleOf(model: DataFrameModel, receiver: Node): DeltaHandle | undefined {
  let n = unwrapParens(receiver);
  for (let i = 0; i < 10; i++) {
    if (n.type === 'call') {
      const parts = callParts(n);
      if (parts?.name === 'forPath' || parts?.name === 'forName' || parts?.name === 'convertToDelta') {
        if (parts.object && unwrapParens(parts.object).text === 'DeltaTable') return { key: deltaTableTarget(n)?.key, origin: n };
        return undefined;
      }
      if (parts?.name === 'alias' && parts.object) {
        n = unwrapParens(parts.object);
        continue;
      }
      return undefined;
    }
    if (n.type === 'identifier') {
      const value = lastAssignment(model, n);
      if (!value) return undefined;
      n = unwrapParens(value);
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** The right-hand side of the last `name = ...` before `use` in the file (same name, any scope before it). */
function lastAssignment(model: DataFrameModel, use: Node): Node | undefined {
  let best: Node | undefined;
  for (const a of assignmentsTo(model, use.text)) {
    if (a.startIndex >= use.startIndex) break;
    best = a.childForFieldName('right') ?? undefined;
  }
  return best;
}

export interface PartitionedTable {
  columns: string[];
  /** Where the program says so (a `partitionBy`, a `PARTITIONED BY`). */
  node: Node;
}

const PARTITION_MEMO = new WeakMap<DataFrameModel, Map<string, PartitionedTable>>();

/**
 * Tables and paths whose partition columns this program states: writes with `partitionBy(...)`,
 * `CREATE TABLE ... PARTITIONED BY (...)`, `DeltaTable.create(...).partitionedBy(...)`.
 */
export function partitionedTables(model: DataFrameModel): Map<string, PartitionedTable> {
  let map = PARTITION_MEMO.get(model);
  if (map) return map;
  map = new Map();
  for (const s of model.sinks) {
    const cols = s.partitionBy.map((p) => p.name);
    if (cols.length === 0 || cols.some((c) => c === undefined)) continue;
    const key = s.table !== undefined ? tableKey(s.table) : s.path !== undefined ? pathKey(s.path) : undefined;
    if (key && !map.has(key)) map.set(key, { columns: cols as string[], node: s.partitionBy[0].node });
  }
  for (const { node, text } of sqlTexts(model)) {
    const m = CREATE_PARTITIONED.exec(text);
    if (!m) continue;
    // `PARTITIONED BY (date DATE, country STRING)` (typed) or `(date, country)`.
    const cols = m[2]
      .split(',')
      .map((c) => c.trim().split(/\s+/)[0].replace(/`/g, ''))
      .filter((c) => /^\w+$/.test(c));
    const key = tableKey(m[1]);
    if (cols.length && !map.has(key)) map.set(key, { columns: cols, node });
  }
  for (const call of callsNamed(model, 'partitionedBy')) {
    const parts = callParts(call);
    if (parts?.name !== 'partitionedBy') continue;
    const cols = parts.args.map((a) => literalString(a));
    if (!cols.length || cols.some((c) => c === undefined)) continue;
    // `DeltaTable.create(spark).tableName("t")...partitionedBy("d")...execute()`: the name is anywhere in the chain.
    let top: Node = call;
    while (top.parent && (top.parent.type === 'attribute' || top.parent.type === 'call')) top = top.parent;
    if (!/\bDeltaTable\s*\.\s*(create|createIfNotExists|createOrReplace|replace)\b/.test(top.text)) continue;
    const name = /\.tableName\(\s*(['"])([^'"]+)\1\s*\)/.exec(top.text);
    const loc = /\.location\(\s*(['"])([^'"]+)\1\s*\)/.exec(top.text);
    const key = name ? tableKey(name[2]) : loc ? pathKey(loc[2]) : undefined;
    if (key && !map.has(key)) map.set(key, { columns: cols as string[], node: call });
  }
  PARTITION_MEMO.set(model, map);
  return map;
}
