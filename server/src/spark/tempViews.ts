import { ColumnMap } from '../model/columnMap';
import { branchExcluding, streamingOnEveryPath } from '../model/branches';
import type { Interpreter } from '../model/interpreter';
import type { Frame, TempView } from '../model/types';
import type { Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import { escapeRegExp } from '../parsing/syntax';
import { sqlReturnsFewRows, withoutSqlComments } from './frameSize';

/**
 * Temp views as Spark keeps them: a view holds its frame's logical plan, and a frame read back from it
 * (`spark.table("v")`, `spark.read.table("v")`, `spark.sql("SELECT ... FROM v")`) holds that plan, so
 * a view registered on a stream reads back as a stream (`isStreaming` is true) with the stream's
 * watermark. The model follows a view only where it is sure: the read's name is known exactly, the
 * last registration of that name before the read, in an order the model knows (`viewsFrom`), is on a
 * frame that is a stream on every path, and runs on every path to the read. Anything else (a name
 * rebound by a batch frame or in a branch, a name built at run time, a registration on a frame the
 * model does not know) leaves the read as the model made it before: a batch table or query.
 */

/** DataFrame methods that register a temp view, and whether it is a global one (read as `global_temp.v`). */
const REGISTER = new Map([
  ['createOrReplaceTempView', false],
  ['createTempView', false],
  ['registerTempTable', false],
  ['createOrReplaceGlobalTempView', true],
  ['createGlobalTempView', true],
]);
/** The names of those methods. */
export const TEMP_VIEW_METHODS: ReadonlySet<string> = new Set(REGISTER.keys());
/** `spark.catalog.dropTempView("v")`: the name no longer reads the view. */
const DROP = new Map([
  ['dropTempView', false],
  ['dropGlobalTempView', true],
]);

/** Spark's database of global temp views (`spark.sql.globalTempDatabase`, which only a static conf changes). */
const GLOBAL_DB = 'global_temp';

function viewName(v: Value | undefined, global: boolean): { name: string; exact: boolean } {
  if (v?.k !== 'string') return { name: '{}', exact: false };
  const name = v.value.replace(/`/g, '').trim().toLowerCase();
  return { name: global ? `${GLOBAL_DB}.${name}` : name, exact: v.exact };
}

/**
 * `df.createOrReplaceTempView("v")` and its kin on any receiver, and `catalog.dropTempView("v")`:
 * recorded in evaluation order. A receiver that is not a known frame records the name as not a stream.
 */
export function noteViewCall(ip: Interpreter, node: Node, obj: Value, method: string, pos: Value[], kw: ReadonlyMap<string, Value>): void {
  const register = REGISTER.get(method);
  const drop = DROP.get(method);
  if (register === undefined && drop === undefined) return;
  const arg = pos[0] ?? kw.get('viewName') ?? kw.get('name') ?? kw.get('tableName');
  const { name, exact } = viewName(arg, register ?? drop!);
  ip.model.tempViews.push({ name, exact, frame: register !== undefined && obj.k === 'frame' ? obj.frame : undefined, call: node });
}

/** Whether a registration may have been of `key`: its exact name, or a name with unknown parts that could spell it. */
function mayName(view: TempView, key: string): boolean {
  if (view.exact) return view.name === key;
  const pattern = view.name
    .split(/\{[^}]*\}/)
    .map(escapeRegExp)
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(key);
}

/**
 * The registration a read of `key` at `use` surely sees when it is of a stream: the last one of that
 * name the model knows to run before, itself on every path to `use` and on a frame that is a stream
 * on every path to it (a `try` body counts as run, as for PSA209). Undefined otherwise.
 */
function streamingViewOf(ip: Interpreter, key: string, use: Node): TempView | undefined {
  const views = ip.model.tempViews;
  for (let i = views.length - 1; i >= ip.viewsFrom; i--) {
    const view = views[i];
    if (!mayName(view, key)) continue;
    if (!view.exact || view.frame?.streaming !== true) return undefined;
    if (branchExcluding(view.call, use, true) || !streamingOnEveryPath(view.frame, view.call, true)) return undefined;
    return view;
  }
  return undefined;
}

/** The name a table read names, as a view key: `v`, `global_temp.v`; undefined when not known exactly. */
function readKey(v: Value | undefined): string | undefined {
  if (v?.k !== 'string' || !v.exact) return undefined;
  const key = v.value.replace(/`/g, '').trim().toLowerCase();
  return /^[a-z_][\w]*(?:\.[a-z_][\w]*)?$/.test(key) ? key : undefined;
}

/**
 * `spark.table("v")` / `spark.read.table("v")` where `v` is surely a temp view of a stream: the
 * stream's plan read back (its columns, watermark and lineage); undefined for any other read.
 */
export function tableViewRead(ip: Interpreter, node: Node, table: Value | undefined): Frame | undefined {
  const key = readKey(table);
  const view = key === undefined ? undefined : streamingViewOf(ip, key, node);
  return view?.frame && ip.derive(view.frame, node, 'view', {});
}

/** SQL text with its comments dropped and its ends trimmed. */
function statementText(sql: string): string {
  return withoutSqlComments(sql).trim().replace(/;\s*$/, '');
}

/** A query (not a command): `SELECT ...`, `WITH ... SELECT`, `FROM v SELECT ...`, `(SELECT ...)`. */
const QUERY = /^\(*\s*(?:select|with|from|table)\b/i;

/** `CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name [(cols)] ... AS query`. */
const CREATE_TEMP_VIEW = /^create\s+(?:or\s+replace\s+)?(global\s+)?temp(?:orary)?\s+view\s+(?:if\s+not\s+exists\s+)?(`?[A-Za-z_{][\w{}]*`?)\s*([\s\S]*)$/i;
const AS_QUERY = /\bas\s+(\(*\s*(?:select|with|from|table)\b[\s\S]*)$/i;

/**
 * Relations a query reads: every name after FROM or JOIN (subqueries too), less the query's own CTE
 * names. String literals are emptied first (`WHERE note = 'from clicks'` names no relation).
 */
function relationsRead(sql: string): string[] {
  const query = sql.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  const ctes = new Set<string>();
  for (const m of query.matchAll(/(?:\bwith\s+(?:recursive\s+)?|,\s*)`?([A-Za-z_]\w*)`?\s+as\s*\(/gi)) ctes.add(m[1].toLowerCase());
  const out: string[] = [];
  for (const m of query.matchAll(/\b(?:from|join)\s+(`?[A-Za-z_]\w*`?(?:\.`?[A-Za-z_]\w*`?)?)(?![\w.`{(])/gi)) {
    const name = m[1].replace(/`/g, '').toLowerCase();
    if (!ctes.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The streaming views a query surely reads, in the order it names them. */
function streamingViewsRead(ip: Interpreter, query: string, use: Node): TempView[] {
  const out: TempView[] = [];
  for (const name of relationsRead(query)) {
    const view = streamingViewOf(ip, name, use);
    if (view && !out.includes(view)) out.push(view);
  }
  return out;
}

/** A query over streams read back from their views: a stream, its lineage through each of them. */
function streamingQuery(ip: Interpreter, node: Node, query: string, views: TempView[]): Frame {
  const [first, ...rest] = views.map((v) => v.frame!);
  return ip.derive(
    first,
    node,
    'sql',
    {
      columns: ColumnMap.EMPTY,
      columnsComplete: false,
      bounded: sqlReturnsFewRows(query),
      singlePartition: undefined,
      cached: undefined,
      watermark: first.watermark ?? rest.find((f) => f.watermark)?.watermark,
    },
    rest,
  );
}

/**
 * `spark.sql(text)`: a query over temp views of streams is a stream (returned; undefined for any
 * other statement, which stays what the model made of it); `CREATE TEMP VIEW v AS <query>` registers
 * `v`, as a stream when the query is one.
 */
export function sqlViewStatement(ip: Interpreter, node: Node, sql: string | undefined): Frame | undefined {
  if (sql === undefined) return undefined;
  const text = statementText(sql);
  const create = CREATE_TEMP_VIEW.exec(text);
  if (create) {
    const { name, exact } = viewName({ k: 'string', value: create[2], exact: !create[2].includes('{') }, !!create[1]);
    const query = AS_QUERY.exec(create[3])?.[1];
    const views = query ? streamingViewsRead(ip, query, node) : [];
    ip.model.tempViews.push({ name, exact, frame: views.length ? streamingQuery(ip, node, query!, views) : undefined, call: node });
    return undefined;
  }
  if (!QUERY.test(text)) return undefined;
  const views = streamingViewsRead(ip, text, node);
  return views.length ? streamingQuery(ip, node, text, views) : undefined;
}
