import type { Frame, SinkInfo, TransformCall } from '../../model/types';
import { streamingSources } from '../../model/types';
import { filterLineage, findInLineage } from '../../model/lineage';
import type { Node } from '../../parsing/pythonParser';
import { perNode } from '../../model/statementMemo';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { refusalCaughtOnPurpose, showsMistakeOnPurpose } from '../helpers/deliberateMistake';
import { ColumnExpressions } from '../helpers/columnExpressions';
import { consumedByBatchAction } from '../helpers/queryLifetime';

/**
 * Three operations Spark's UnsupportedOperationChecker rejects on a streaming DataFrame when the query
 * starts (AnalysisException), whatever the data:
 *
 * - a window function applied with `.over(...)` (`F.lag(...)`, `row_number()`, `rank()`,
 *   `F.sum(...).over(w)`): "Non-time-based windows are not supported on streaming DataFrames/Datasets";
 * - a sort (`orderBy`, `sort`, `sortWithinPartitions`) of a stream no aggregation precedes: "Sorting is
 *   not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in
 *   Complete output mode". After an aggregation the same check runs with the query's output mode
 *   (`containsCompleteData`: the sorted plan holds a streaming aggregate and the mode is Complete), so
 *   a sort of an aggregate written in update or append mode is refused as well: reported where the
 *   query's mode is known (a literal, or no outputMode at all: append) and every aggregation before
 *   the sort has a watermark. Without one, PSA201 reports the aggregation, and its message leads with
 *   the sort that keeps the query from starting;
 * - an exact distinct aggregate (`countDistinct`, `count_distinct`, `sum_distinct`) in an aggregation
 *   of a stream: "Distinct aggregations are not supported on streaming DataFrames/Datasets", in any mode.
 *
 * Only when the model knows the frame is streaming (read with readStream). A foreachBatch function's
 * frame is a batch DataFrame, where all three are fine. A frame its statement hands only to a batch
 * action (`stream.withColumn("r", F.rank().over(w)).show()`) is no query Spark could start: the
 * action itself is refused (PSA209, strict), before any check of the query's operations.
 */

/** The methods that put a column expression on the frame. */
const PROJECTIONS = new Set(['select', 'withColumn', 'withColumns']);
const SORTS = new Set(['orderBy', 'sort', 'sortWithinPartitions']);
/** Frames that stand for an aggregation in the lineage (groupBy(...).agg/count/..., df.agg(...)). */
const AGGREGATED = new Set(['aggregate', 'agg']);
const OVER_SQL = /\bOVER\s*\(/i;
const MAX_NODES = 5_000;

export const nonTimeWindowOnStream: Rule = {
  code: 'PSA219',
  name: 'non-time-window-on-stream',
  summary:
    'A window function applied with .over(...) (lag, row_number, rank, sum over a window), a sort with no aggregation before it (or after one, in update or append mode), or countDistinct() in an aggregation, on a streaming DataFrame: Spark refuses to start the query.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const t of ctx.model.transforms) {
      if (t.frame.streaming !== true || seen.has(t.call.id)) continue;
      const projection = PROJECTIONS.has(t.method) || t.method === 'selectExpr';
      const over = projection ? windowFunctionIn(t) : undefined;
      if (projection ? !over : !SORTS.has(t.method) || findInLineage(t.frame, (f) => AGGREGATED.has(f.op) || f.source?.kind === 'sql')) continue;
      // The statement hands the frame to show()/collect()/... and to nothing else: no query starts on it.
      if (consumedByBatchAction(ctx.model, t.call)) continue;
      // A lesson showing Spark refuse the query (caught and printed, or under "# this will fail").
      // Asked last: it reads the lines around the statement (positions), and most transforms of a
      // stream are neither a window function nor a sort.
      if (refusalCaughtOnPurpose(t.call) || showsMistakeOnPurpose(t.call, false)) continue;
      if (over) {
        seen.add(t.call.id);
        const fn = over.type === 'call' ? callParts(unwrapParens(over.childForFieldName('function')!.childForFieldName('object')!))?.name : undefined;
        const what = fn ? `${fn}() over a window` : 'A window function (OVER)';
        ctx.report({
          node: over,
          message:
            `${what} on a streaming DataFrame makes Spark refuse to start the query. ` +
            'It fails with AnalysisException "Non-time-based windows are not supported on streaming DataFrames/Datasets". ' +
            'A stream has no end, so a partition is never complete to rank or look back over. ' +
            'Compute it per micro-batch in a foreachBatch function, or use a time window (groupBy(window(...))) or dropDuplicates with a watermark.',
          related: sourceOf(t.frame),
        });
      } else {
        seen.add(t.call.id);
        ctx.report({
          start: t.methodNode.startIndex,
          end: t.call.endIndex,
          message:
            `${t.method}() of a streaming DataFrame that is not aggregated makes Spark refuse to start the query. ` +
            'It fails with AnalysisException "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode". ' +
            'Sort each micro-batch in a foreachBatch function, or sort when reading the sink.',
          related: sourceOf(t.frame),
        });
      }
    }
    reportSortedAggregates(ctx, seen);
    reportDistinctAggregates(ctx);
  },
};

/** pyspark.sql.functions aggregates that aggregate distinct values (an AggregateExpression with isDistinct). */
const DISTINCT_AGGREGATES = new Set(['countDistinct', 'count_distinct', 'sumDistinct', 'sum_distinct']);

/**
 * A distinct aggregate in a streaming aggregation (`groupBy(...).agg(F.countDistinct("user_id"))`):
 * checkForStreaming, for every Aggregate over a stream, `throwErrorIf(child.isStreaming &&
 * distinctAggExprs.nonEmpty, "Distinct aggregations are not supported on streaming
 * DataFrames/Datasets. Consider using approx_count_distinct() instead.")`, whatever the output mode.
 */
function reportDistinctAggregates(ctx: RuleContext): void {
  let columns: ColumnExpressions | undefined;
  for (const frame of ctx.model.frames) {
    if (!AGGREGATED.has(frame.op) || frame.streaming !== true || frame.node.type !== 'call') continue;
    if (!frame.parents.some((p) => p.streaming === true)) continue;
    const args = callParts(frame.node)?.argumentList;
    if (!args) continue;
    columns ??= new ColumnExpressions(ctx.model);
    const distinct = distinctAggregateIn(args, columns);
    if (!distinct) continue;
    if (refusalCaughtOnPurpose(frame.node) || showsMistakeOnPurpose(frame.node, false)) continue;
    if (consumedByBatchAction(ctx.model, frame.node)) continue;
    const fn = columns.sparkFunctionName(distinct)!;
    ctx.report({
      node: distinct,
      message:
        `${fn}() in an aggregation of a streaming DataFrame makes Spark refuse to start the query. ` +
        'It fails with AnalysisException "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead." ' +
        'Spark would have to keep every distinct value of every group in state. Use approx_count_distinct() (an estimate in fixed memory per group), ' +
        'or compute the exact count per micro-batch in a foreachBatch function or as a batch query over the stored rows.',
      related: sourceOf(frame),
    });
  }
}

/** The first distinct aggregate call among an aggregation's arguments (lambdas, which run elsewhere, skipped). */
function distinctAggregateIn(args: Node, columns: ColumnExpressions): Node | undefined {
  const stack: Node[] = [args];
  for (let steps = 0; stack.length && steps < MAX_NODES; steps++) {
    const n = stack.pop()!;
    if (n.type === 'lambda') continue;
    if (n.type === 'call') {
      const name = callParts(n)?.name;
      if (name && DISTINCT_AGGREGATES.has(name) && DISTINCT_AGGREGATES.has(columns.sparkFunctionName(n) ?? '')) return n;
    }
    // Pushed last to first: the first distinct aggregate written is found first.
    const children = n.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (c) stack.push(c);
    }
  }
  return undefined;
}

/**
 * A sort of a streaming aggregate in a query that runs in update or append mode. Spark's check runs
 * on the whole query at `start()` whatever the sink (foreachBatch, console, a table): the sort node
 * needs "aggregated DataFrame/Dataset in Complete output mode". Only sorts whose aggregations all
 * follow a watermark: an aggregation without one is PSA201's, whose message puts the sort first.
 */
function reportSortedAggregates(ctx: RuleContext, seen: Set<number>): void {
  for (const sink of ctx.model.sinks) {
    const mode = knownMode(sink);
    if (!sink.streaming || !mode || mode === 'complete') continue;
    for (const sort of filterLineage(sink.frame, (f) => SORTS.has(f.op) && f.node.type === 'call')) {
      if (seen.has(sort.node.id)) continue;
      const input = sort.parents[0];
      if (input?.streaming !== true) continue;
      const aggregates = filterLineage(input, (f) => AGGREGATED.has(f.op) && f.streaming === true);
      // No aggregation before it: the first check above reported it (or its lesson was left alone).
      if (!aggregates.length || aggregates.some((a) => !a.parents.some((p) => p.watermark))) continue;
      // A lesson showing the refusal: the sort, or the start() that raises it, caught or commented as failing.
      if (refusalCaughtOnPurpose(sort.node) || showsMistakeOnPurpose(sort.node, false) || refusalCaughtOnPurpose(sink.call)) continue;
      const method = callParts(sort.node)?.nameNode;
      if (!method) continue;
      seen.add(sort.node.id);
      const how = sink.outputMode ? `in ${mode} output mode` : 'in append output mode (the default)';
      ctx.report({
        start: method.startIndex,
        end: sort.node.endIndex,
        message:
          `${sort.op}() of a streaming aggregate written ${how} makes Spark refuse to start the query. ` +
          'It fails with AnalysisException "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode". ' +
          `In ${mode} mode each trigger writes only some groups, which Spark cannot order against the rest. ` +
          'Sort where the result is read, sort each micro-batch in a foreachBatch function, or write the whole result in complete mode.',
        related: [related(sink.call, 'the query is started here')],
      });
    }
  }
}

/** The output mode a streaming sink runs in: its literal outputMode, append when none is set, undefined when computed. */
function knownMode(sink: SinkInfo): string | undefined {
  if (sink.outputModeUnknown) return undefined;
  return sink.outputMode?.toLowerCase() ?? 'append';
}

/**
 * The `.over(...)` call (or the selectExpr string with `OVER (`) among the transformation's arguments,
 * kept on the call node (`perNode`), one memo per reading: it reads only the call's own arguments and
 * holds a node of them. Asked for every projection of a stream per analysis, the walk of their
 * arguments ran again for every call the edit did not touch (issue 18).
 */
function windowFunctionIn(t: TransformCall): Node | undefined {
  return (t.method === 'selectExpr' ? sqlWindows : columnWindows).of(t.call);
}

/** How many window-function answers were read and how many found kept (for the tests' floor on reuse). */
export const windowFunctionCounts = { made: 0, kept: 0 };
const sqlWindows = perNode((call) => readWindowFunction(call, true), windowFunctionCounts);
const columnWindows = perNode((call) => readWindowFunction(call, false), windowFunctionCounts);

/** @internal What a call node keeps for a selectExpr (`sql`) or another projection, if anything (for the tests). */
export function keptWindowFunction(call: Node, sql: boolean): Node | null | undefined {
  return (sql ? sqlWindows : columnWindows).kept(call);
}

/** @internal The window function among a projection's arguments, read afresh (exported for the tests). */
export function readWindowFunction(call: Node, sql: boolean): Node | undefined {
  const args = callParts(call)?.argumentList;
  if (!args) return undefined;
  const stack: Node[] = [args];
  for (let steps = 0; stack.length && steps < MAX_NODES; steps++) {
    const n = stack.pop()!;
    if (sql) {
      if (n.type === 'string' && OVER_SQL.test(n.text)) return n;
    } else if (n.type === 'call' && isOver(n)) return n;
    // A lambda's body runs elsewhere (a UDF, a transform function): not this projection's expression.
    if (n.type === 'lambda') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return undefined;
}

/**
 * `<call>.over(spec)`: `F.lag("x").over(w)`, `row_number().over(w)`, a grouped-aggregate pandas UDF
 * over a window. Column.over is the only `over` whose receiver is a call in PySpark code; each one
 * makes a Window node in the plan.
 */
function isOver(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'over') return false;
  const object = fn.childForFieldName('object');
  return !!object && unwrapParens(object).type === 'call';
}

function sourceOf(frame: Frame): ReturnType<typeof related>[] {
  const source = streamingSources(frame)[0];
  return source ? [related(source.node, 'the stream is read here')] : [];
}
