import type { Frame } from '../../model/types';
import { PER_ROW_PROJECTIONS } from '../../spark/frames';
import { outerQuery } from '../../spark/frameSize';
import { sqlCode } from './fabricated';
import { isBareColumnarRead } from './fewRows';

// What an action must compute of a frame's lineage, beyond "all of it": PSA101 and PSA104 weigh a
// count or a row fetch by it. Each test walks the frame's own steps; a step it does not know ends
// the walk with the answer that keeps the finding.

/** Steps that compute each output row from one input row, without a shuffle. */
const NARROW_STEPS = new Set<string>([
  ...PER_ROW_PROJECTIONS,
  'filter',
  'where',
  'alias',
  'hint',
  'fillna',
  'dropna',
  'replace',
  'cache',
  'persist',
  'coalesce',
  'limit',
  'sample',
  'withWatermark',
  'withMetadata',
  'observe',
]);
const UNIONS = new Set(['union', 'unionAll', 'unionByName']);
/** A step's own arguments hold a window (`.over(...)`): a shuffle inside a per-row step. */
const WINDOW = /\.over\s*\(/;
/** A step's own arguments hold a window (`.over(...)`, a shuffle) or a generator (rows added). */
const WINDOW_OR_GENERATOR = /\.over\s*\(|\b(pos)?explode(_outer)?\s*\(|\binline(_outer)?\s*\(/;

function stepArguments(f: Frame): string {
  return f.node.type === 'call' ? (f.node.childForFieldName('arguments')?.text ?? '') : '';
}

/**
 * No step between the frame and its reads shuffles: only per-row projections, filters and unions
 * of file, table or JDBC reads (not SQL text, which may join or group). `first()`, `head()` and
 * `take(n)` plan such a lineage as a LIMIT that reads partitions until it has the rows, so the
 * fetch costs a partition or so, not a pass over the data. A generator (`explode` of a parsed
 * payload's array) adds rows where it stands, without a shuffle: the LIMIT stops as early. A window
 * (`.over(...)`) shuffles.
 */
export function lineageWithoutShuffle(frame: Frame, views: ReadonlySet<string> = new Set(), depth = 0): boolean {
  if (depth > 200) return false;
  if (frame.parents.length === 0) {
    const kind = frame.source?.kind;
    if (kind !== 'sql') return kind === 'read' || kind === 'table';
    // A temp view of this file may hold a join: its name read in SQL is not a table scan.
    const table = scannedTable(frame.source?.query);
    return table !== undefined && !views.has(table.toLowerCase());
  }
  if (frame.parents.length > 1) return UNIONS.has(frame.op) && frame.parents.every((p) => lineageWithoutShuffle(p, views, depth + 1));
  if (!NARROW_STEPS.has(frame.op) || WINDOW.test(stepArguments(frame))) return false;
  return lineageWithoutShuffle(frame.parents[0], views, depth + 1);
}

/** SQL words that join, group, sort, deduplicate, combine or window rows: each is a shuffle or a full pass. */
const SHUFFLING_SQL = /\b(join|group|order|sort|distribute|cluster|distinct|over|window|union|intersect|except|minus|having|pivot|unpivot|lateral)\b/i;

/**
 * The table of `SELECT * FROM catalog.schema.payloads WHERE day = '2024-06-01'`: a query that reads one
 * table and filters or projects its rows, planned like `spark.table(name).filter(...).select(...)`. One
 * SELECT and one FROM (a subquery or a second table is another SELECT or a comma), no word that
 * shuffles, no aggregate in the column list (`SELECT count(*) FROM t` reads every row for its one row).
 * An f-string part the model could not resolve (`{name}`) may stand only for the table's name: anywhere
 * else it may be a join or an aggregate. Undefined for any other query.
 */
export function scannedTable(query: string | undefined): string | undefined {
  if (query === undefined) return undefined;
  const m = /^\s*select\s+([\s\S]*?)\s+from\s+([\w.`{}]+)(?:\s+where\s+([\s\S]*?))?\s*;?\s*$/i.exec(sqlCode(query));
  if (!m) return undefined;
  const [, columns, table, where = ''] = m;
  const rest = `${columns} ${where}`;
  if (/[{}]/.test(rest) || /\b(select|from)\b/i.test(rest) || SHUFFLING_SQL.test(rest) || AGGREGATE_CALL.test(columns)) return undefined;
  return table.replace(/`/g, '');
}

/** Steps that keep every row and only choose or compute columns: a count never evaluates them. */
const COLUMN_ONLY_STEPS = new Set<string>([...PER_ROW_PROJECTIONS, 'alias', 'hint']);

/**
 * The count of the frame is the number of rows of the Parquet/Delta/ORC/Iceberg files it reads: a bare read
 * or table (isBareColumnarRead), or unions of file reads with column-only steps on top (`withColumn`,
 * `select` of columns, `drop`, renames), which the optimizer prunes from a count. Spark answers it
 * from file footers, the Delta log or Iceberg manifests. A filter, a generator or anything that may add or drop rows
 * needs the data. Below a step, a table name counts only when it is the whole frame: it may be a
 * temp view (`spark.table(source_view).select(...)`) whose lineage the count runs.
 */
export function countedFromFooters(frame: Frame, depth = 0): boolean {
  if (depth > 200) return false;
  if (frame.parents.length === 0) return isBareColumnarRead(frame) && (depth === 0 || frame.source?.kind === 'read');
  if (frame.parents.length > 1) return UNIONS.has(frame.op) && frame.parents.every((p) => countedFromFooters(p, depth + 1));
  if (!COLUMN_ONLY_STEPS.has(frame.op) || WINDOW_OR_GENERATOR.test(stepArguments(frame)) || AGGREGATE_CALL.test(stepArguments(frame))) return false;
  return countedFromFooters(frame.parents[0], depth + 1);
}

/** `select(F.max("x"))`, `selectExpr("count(*)")`: a projection that aggregates keeps one row. */
const AGGREGATE_CALL = /\b(count|sum|avg|mean|min|max|first|last|collect_list|collect_set|approx_count_distinct|countDistinct|count_distinct)\s*\(/i;

/**
 * Every row of the frame comes out of a grouped aggregate (`groupBy(...).agg(...)`, maybe filtered,
 * projected, sorted or joined with other such frames after it): the shuffle under the aggregate reads
 * all its input before the first group exists, so asking for one row costs nearly what counting them
 * all does. A join or union with a frame that is not aggregated may give a row without it. A
 * `spark.sql` query counts when its outermost SELECT groups (`groupsAtTop`).
 */
export function rowsComeFromGroupedAggregate(frame: Frame, depth = 0): boolean {
  if (depth > 200) return false;
  if (frame.op === 'aggregate') return true;
  if (frame.parents.length === 0) return frame.source?.kind === 'sql' && groupsAtTop(frame.source.query);
  if (frame.parents.length > 1) return frame.parents.every((p) => rowsComeFromGroupedAggregate(p, depth + 1));
  return rowsComeFromGroupedAggregate(frame.parents[0], depth + 1);
}

/**
 * `spark.sql("SELECT state, count(*) FROM demographics GROUP BY state HAVING count(*) > 1")`: the
 * outermost SELECT groups (a GROUP BY outside every parenthesis), so its rows come out of the
 * aggregate as `groupBy(...).agg(...)`'s do. Not when a set operation at the top may add rows of
 * another, ungrouped SELECT (`... GROUP BY a UNION ALL SELECT ...`), nor when an f-string part the
 * model could not resolve (`{name}`) stands outside the quoted literals: it may be any clause.
 */
function groupsAtTop(query: string | undefined): boolean {
  if (query === undefined) return false;
  const code = sqlCode(query);
  if (/[{}]/.test(code)) return false;
  const top = outerQuery(code);
  // A parenthesis left means the text did not balance (or nests past outerQuery's bound): no verdict.
  return !/[()]/.test(top) && /\bgroup\s+by\b/i.test(top) && !/\b(union|intersect|except|minus)\b/i.test(top);
}
