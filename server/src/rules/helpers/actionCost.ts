import type { Frame } from '../../model/types';
import { PER_ROW_PROJECTIONS } from '../../spark/frames';
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
export function lineageWithoutShuffle(frame: Frame, depth = 0): boolean {
  if (depth > 200) return false;
  if (frame.parents.length === 0) return frame.source?.kind === 'read' || frame.source?.kind === 'table';
  if (frame.parents.length > 1) return UNIONS.has(frame.op) && frame.parents.every((p) => lineageWithoutShuffle(p, depth + 1));
  if (!NARROW_STEPS.has(frame.op) || WINDOW.test(stepArguments(frame))) return false;
  return lineageWithoutShuffle(frame.parents[0], depth + 1);
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
 * all does. A join or union with a frame that is not aggregated may give a row without it.
 */
export function rowsComeFromGroupedAggregate(frame: Frame, depth = 0): boolean {
  if (depth > 200) return false;
  if (frame.op === 'aggregate') return true;
  if (frame.parents.length === 0) return false;
  if (frame.parents.length > 1) return frame.parents.every((p) => rowsComeFromGroupedAggregate(p, depth + 1));
  return rowsComeFromGroupedAggregate(frame.parents[0], depth + 1);
}
