import type { Node } from '../parsing/pythonParser';
import { literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import type { SparkFunctions } from './functions';

/**
 * Frames the model knows hold few rows whatever their input (`Frame.bounded`): a global aggregate
 * has one row, a `LIMIT n` at most n. Rules that weigh an action's cost against the rows it reads
 * (PSA104's count for emptiness, PSA101, PSA102) ask `bounded`; this is where the SQL text and the
 * select lists that make a frame bounded are read.
 */

/** Aggregate functions: a select of only these is a global aggregate (one row). Shared with the rules' few-rows reasoning. */
export const AGGREGATES: ReadonlySet<string> = new Set([
  'count',
  'countDistinct',
  'count_distinct',
  'approx_count_distinct',
  'approxCountDistinct',
  'sum',
  'sumDistinct',
  'sum_distinct',
  'avg',
  'mean',
  'max',
  'min',
  'max_by',
  'min_by',
  'first',
  'last',
  'any_value',
  'collect_list',
  'collect_set',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'skewness',
  'kurtosis',
  'percentile_approx',
  'approx_percentile',
  'percentile',
  'median',
  'mode',
  'corr',
  'covar_pop',
  'covar_samp',
  'bool_and',
  'bool_or',
  'every',
  'some',
  'any',
  'count_if',
  'product',
  'array_agg',
  'grouping',
]);
const AGGREGATES_LOWER = new Set([...AGGREGATES].map((a) => a.toLowerCase()));

/** The most rows a `LIMIT n` may leave for the frame to count as small. */
const SMALL_LIMIT = 1000;

/** Stands for a parenthesised part of SQL text once outerQuery has folded it. */
const GROUP = '§';

/** SQL text with its line (`--`) and block comments blanked. */
export function withoutSqlComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** The outer query of SQL text: every parenthesised part (subqueries, function arguments) folded to GROUP, comments dropped. */
export function outerQuery(sql: string): string {
  let outer = withoutSqlComments(sql);
  for (let i = 0; i < 50 && /[()]/.test(outer); i++) {
    const next = outer.replace(/\([^()]*\)/g, GROUP);
    if (next === outer) break; // unbalanced
    outer = next;
  }
  return outer.trim().replace(/;\s*$/, '');
}

/**
 * The statements Spark runs as commands, not queries: DML (`INSERT INTO t SELECT ...`, `MERGE INTO`,
 * `UPDATE`, `DELETE`), DDL (`CREATE TABLE ... AS SELECT`, `DROP`, `ALTER`) and session or catalog
 * maintenance (`SET k = v`, `USE db`, `REFRESH TABLE`, `CACHE TABLE`, `OPTIMIZE`). `spark.sql` runs
 * a command when it is called and returns a frame of its result only: no rows, or one row of
 * metrics. `SHOW`/`DESCRIBE` listings are left to the catalog-metadata test; `VACUUM ... DRY RUN`
 * lists files and `EXPLAIN` prints a plan, so neither is here.
 */
const SQL_COMMAND =
  /^(insert|create|drop|alter|merge|update|delete|truncate|set|reset|use|refresh|msck|cache|uncache|clear\s+cache|analyze|optimize|comment|grant|revoke|copy\s+into|load\s+data|add\s+(jar|file|archive))\b/i;

/** SQL text whose statement is a command (see SQL_COMMAND): the frame `spark.sql` returns for it holds only the command's result. */
export function isSqlCommand(sql: string | undefined): boolean {
  return sql !== undefined && SQL_COMMAND.test(outerQuery(sql));
}

/** `count(*) AS n`, `sum(x) total`: one aggregate call, possibly aliased (its arguments emptied by outerQuery). */
function aggregateItem(item: string): boolean {
  const m = /^`?([A-Za-z_][A-Za-z0-9_]*)`?\s*§\s*(?:(?:as\s+)?`?[A-Za-z_][A-Za-z0-9_]*`?)?$/i.exec(item.trim());
  return !!m && AGGREGATES_LOWER.has(m[1].toLowerCase());
}

/**
 * SQL text whose result is a handful of rows: the outer query ends in `LIMIT n` (n at most 1000), or
 * selects only aggregates with no GROUP BY (one row). Placeholders of unresolved f-string parts
 * (`{table}`) are names, not SQL, and do not get in the way.
 */
export function sqlReturnsFewRows(sql: string | undefined): boolean {
  if (sql === undefined) return false;
  const outer = outerQuery(sql);
  const limit = /\blimit\s+(\d+)\s*$/i.exec(outer);
  if (limit && Number(limit[1]) <= SMALL_LIMIT) return true;
  if (/\b(group\s+by|union|intersect|except|over|window|lateral\s+view)\b/i.test(outer)) return false;
  const select = /^select\s+(?:all\s+)?([\s\S]*?)\s+from\b/i.exec(outer) ?? /^select\s+(?:all\s+)?([\s\S]*)$/i.exec(outer);
  if (!select || /^distinct\b/i.test(select[1])) return false;
  const items = select[1].split(',');
  return items.length > 0 && items.every(aggregateItem);
}

/**
 * `select(F.max("ts"))`, `select(F.count("*").alias("n"), F.sum("x"))`, `selectExpr("count(*) AS n")`:
 * every output column an aggregate, so the result is one row. A window (`count(...).over(w)`) is not.
 */
export function selectsOnlyAggregates(fns: SparkFunctions, method: string, parts: CallParts): boolean {
  if (parts.args.length === 0 || parts.keywords.size) return false;
  if (method === 'selectExpr') {
    return parts.args.every((a) => {
      const sql = literalString(a);
      return sql !== undefined && aggregateItem(outerQuery(sql));
    });
  }
  if (method !== 'select') return false;
  return parts.args.every((a) => {
    let n: Node = unwrapParens(a);
    const alias = fns.aliasOf(n);
    if (alias) n = unwrapParens(alias.inner);
    const name = n.type === 'call' ? fns.nameOf(n) : undefined;
    return name !== undefined && AGGREGATES.has(name);
  });
}
