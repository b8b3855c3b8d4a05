import { isAncestorFrame, type AggregationInfo, type DataFrameModel, type Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import { nodesOfType } from '../../model/syntaxIndex';
import type { SparkFunctions } from '../../spark/functions';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';
import { groupBy } from '../helpers/scopeIndex';
import { sortBefore } from '../helpers/rowOrder';
import { nameWords } from '../../spark/nameWords';

const FIRST_LAST = new Set(['first', 'last', 'first_value', 'last_value']);
const ALIASES = new Set(['alias', 'name', 'as_']);
/** Sorts that users expect to decide which row first()/last() picks, and that a shuffle throws away. */
const SORTS = new Set(['orderBy', 'sort', 'sortWithinPartitions']);

/** `first(c)` / `F.last("c", ignorenulls=True)`: the function name and the column it reads. */
interface Pick {
  call: Node;
  fn: string;
  column?: string;
}

function picksIn(fns: SparkFunctions, arg: Node): Pick | undefined {
  let inner = unwrapParens(arg);
  // `.alias(name)` whatever the name is (a variable, an f-string): the value is the call under it.
  for (let i = 0; i < 5 && inner.type === 'call'; i++) {
    const parts = callParts(inner);
    if (!parts?.object || !ALIASES.has(parts.name ?? '')) break;
    inner = unwrapParens(parts.object);
  }
  if (inner.type !== 'call') return undefined;
  const fn = fns.nameOf(inner);
  if (!fn || !FIRST_LAST.has(fn)) return undefined;
  const a = callParts(inner)?.args[0];
  return { call: inner, fn, column: a ? (literalString(a) ?? fns.columnRef(a)) : undefined };
}

/** `customer` of `customer_id` / `customerId` / `customer_key`: the entity a grouping key names. */
function keyStem(key: string): string | undefined {
  const stem = key
    .replace(/[_ ]?(id|key|code|no|number|nr|sk)$/i, '')
    .replace(/[_ ]+$/, '')
    .toLowerCase();
  return stem.length >= 3 && stem !== key.toLowerCase() ? stem : undefined;
}

/**
 * Why a pick needs no ordering: the group key itself, an attribute of the entity the key names
 * (`first("customer_name")` grouped by `customer_id`, the same for every row of the group), or
 * `ignorenulls=True`, the idiom for gathering the one non-null value of each column.
 */
function orderFree(pick: Pick, keys: readonly string[]): boolean {
  const parts = callParts(pick.call);
  const flag = parts?.args[1] ?? parts?.keywords.get('ignorenulls') ?? parts?.keywords.get('ignoreNulls');
  if (flag && unwrapParens(flag).type !== 'false') return true;
  if (pick.column === undefined) return false;
  const column = pick.column.toLowerCase();
  return keys.some((k) => {
    const stem = keyStem(k);
    return k.toLowerCase() === column || (stem !== undefined && column.replace(/[_ ]/g, '').startsWith(stem.replace(/[_ ]/g, '')));
  });
}

/** `groupBy(...).pivot(...).agg(first(x))`: one row per cell, first() only unstacks it. */
function pivoted(agg: Node): boolean {
  const object = callParts(agg)?.object;
  const o = object ? unwrapParens(object) : undefined;
  return o?.type === 'call' && callParts(o)?.name === 'pivot';
}

/** The window spec an `.over(...)` argument stands for: inline, or the last `w = ...` of that name before it. */
function specOf(model: DataFrameModel, arg: Node): Node | undefined {
  const n = unwrapParens(arg);
  if (n.type === 'call') return n;
  if (n.type !== 'identifier') return undefined;
  let value: Node | undefined;
  for (const a of nodesOfType(model, 'assignment')) {
    if (a.startIndex >= n.startIndex) break;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === n.text) value = a.childForFieldName('right') ?? undefined;
  }
  return value && unwrapParens(value).type === 'call' ? unwrapParens(value) : undefined;
}

/** `Window.partitionBy("k", "j")` with no orderBy and no frame: its literal partition columns, else undefined. */
function unorderedPartitionKeys(spec: Node): string[] | undefined {
  const text = spec.text;
  if (!/^Window\s*\.\s*partitionBy\s*\(/.test(text) || /\.\s*(orderBy|sortBy|rowsBetween|rangeBetween)\s*\(/.test(text)) return undefined;
  const keys = partitionKeys(spec);
  return keys && keys.length > 0 ? keys : undefined;
}

/** Words of an output name that say which row is wanted. */
const ORDER_WORDS = new Set([
  'first',
  'last',
  'latest',
  'earliest',
  'start',
  'end',
  'recent',
  'newest',
  'oldest',
  'initial',
  'final',
  'current',
  'prev',
  'previous',
  'next',
  'opening',
  'closing',
]);
/**
 * A price bar's open or close (`first("price").alias("open")`, `last_value("trade_pr").alias("close")`):
 * OHLC bars name the first and the last trade of each bucket so. Only when the alias brings the word
 * and matches the pick: a column already called `Open` (a store's open flag) carried along as `open`
 * says nothing about order.
 */
function barEnd(pick: Pick, name: string): boolean {
  const want = pick.fn.startsWith('first') ? 'open' : pick.fn.startsWith('last') ? 'close' : undefined;
  return want !== undefined && words(name).includes(want) && !(pick.column !== undefined && words(pick.column).includes(want));
}

/** Words of a column name that make it a point in time. */
const TIME_WORDS = new Set(['ts', 'time', 'timestamp', 'date', 'datetime', 'dt', 'at']);
const MIN_MAX = new Set(['max', 'min', 'max_by', 'min_by']);

/** `event_timestamp` -> [event, timestamp]; `lastLogin` -> [last, login]. */
function words(name: string): string[] {
  return nameWords(name);
}

const isTimeColumn = (name: string | undefined): boolean => name !== undefined && words(name).some((w) => TIME_WORDS.has(w));

/** The name the picked value gets: `.alias("x")` around it, or the `withColumn("x", ...)` it fills. */
function outputName(value: Node): string | undefined {
  let n: Node = value;
  for (let i = 0; i < 5; i++) {
    const parent = n.parent;
    if (!parent) return undefined;
    if (parent.type === 'attribute' && parent.parent?.type === 'call') {
      const call = parent.parent;
      const parts = callParts(call);
      if (parts && ALIASES.has(parts.name ?? '') && sameNode(parts.object, n)) return literalString(parts.args[0]);
      if (parts?.name === 'over' && sameNode(parts.object, n)) {
        n = call;
        continue;
      }
      return undefined;
    }
    if (parent.type === 'argument_list') {
      const call = parent.parent;
      const parts = call ? callParts(call) : undefined;
      return parts?.name === 'withColumn' && sameNode(parts.args[1], n) ? literalString(parts.args[0]) : undefined;
    }
    if (parent.type !== 'parenthesized_expression') return undefined;
    n = parent;
  }
  return undefined;
}

/**
 * What in the code says an order was expected of first()/last(): a sort before the groupBy, an
 * output name that names a row (`last_status`, `window_start`), a picked point in time, or a
 * min()/max() of a time column in the same aggregation (`max("ts")` next to `last("status")`).
 * Without one, first() is most often a way to carry along a value that is the same on every row
 * of the group (`first("total_fare")` per leg), which the names alone cannot tell.
 */
function orderIntent(fns: SparkFunctions, pick: Pick, siblings: readonly Node[]): string | undefined {
  const name = outputName(pick.call);
  if (name !== undefined && words(name).some((w) => ORDER_WORDS.has(w))) return `its output is named "${name}"`;
  if (name !== undefined && barEnd(pick, name)) return `its output is named "${name}", the ${pick.fn.startsWith('first') ? 'first' : 'last'} price of each bar`;
  if (isTimeColumn(pick.column)) return `"${pick.column}" is a point in time`;
  for (const s of siblings) {
    let inner = unwrapParens(s);
    for (let i = 0; i < 5 && inner.type === 'call'; i++) {
      const parts = callParts(inner);
      if (!parts?.object || !ALIASES.has(parts.name ?? '')) break;
      inner = unwrapParens(parts.object);
    }
    if (inner.type !== 'call' || !MIN_MAX.has(fns.nameOf(inner) ?? '')) continue;
    const args = callParts(inner)?.args ?? [];
    const ordered = args[args.length > 1 ? 1 : 0];
    const column = ordered ? (literalString(ordered) ?? fns.columnRef(ordered)) : undefined;
    if (isTimeColumn(column)) return `the same aggregation takes ${fns.nameOf(inner)}("${column}")`;
  }
  return undefined;
}

const ADVICE =
  'To take the value of the earliest or latest row, use min_by()/max_by(value, order_col) (Spark 3.3+) or ' +
  'max(struct(order_col, value)); if any value of the group will do, say so with any_value() (Spark 3.5+), min() or max().';

export const firstLastWithoutOrdering: Rule = {
  code: 'PSA710',
  name: 'first-last-without-ordering',
  summary:
    'first()/last() as an aggregate of groupBy().agg(), or over a window with no orderBy, where the code expects a particular row (a sort before, a name like last_status, a time column): nothing orders the rows, so which row each group keeps changes from run to run.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    // The model's groupBy(...).agg(...) aggregations by input frame, in the model's order, grouped once:
    // filtering every aggregation per agg() frame grew with the square of the file.
    let byInput: Map<Frame | undefined, AggregationInfo[]> | undefined;
    for (const f of ctx.model.frames) {
      if (f.op !== 'aggregate' || f.node.type !== 'call' || seen.has(f.node.id)) continue;
      seen.add(f.node.id);
      const parts = callParts(f.node);
      if (parts?.name !== 'agg' || pivoted(f.node)) continue;
      const input = f.parents[0];
      // The groupBy this agg() closes: the nearest one that ends before it on the same input (a call
      // node starts where its receiver does, so `df.groupBy(k).agg(...)` and its groupBy start together).
      byInput ??= groupBy(
        ctx.model.aggregations.filter((a) => a.kind === 'groupBy' && a.aggMethod === 'agg'),
        (a) => a.input,
      );
      const agg = (byInput.get(input) ?? [])
        .filter((a) => a.call.endIndex < f.node.endIndex)
        .reduce<AggregationInfo | undefined>((best, a) => (!best || a.call.endIndex > best.call.endIndex ? a : best), undefined);
      // Without the grouping keys the entity attributes cannot be told from the rest.
      if (!agg?.keys) continue;
      const sort = sortBefore(input, SORTS);
      for (const arg of parts.args) {
        const pick = picksIn(ctx.functions, arg);
        if (!pick || orderFree(pick, agg.keys)) continue;
        if (pick.column !== undefined && constantPerGroup(ctx, pick.column, agg.keys, input)) continue;
        const intent = sort ? 'the rows are sorted before the groupBy' : orderIntent(ctx.functions, pick, parts.args);
        if (!intent) continue;
        const what = `${pick.fn}(${pick.column !== undefined ? `"${pick.column}"` : '...'})`;
        ctx.report({
          start: pick.call.startIndex,
          end: pick.call.endIndex,
          message:
            `${what} in groupBy().agg() keeps the value of an arbitrary row of each group: nothing orders the rows of a group. ` +
            `It is whichever row reaches the aggregation ${pick.fn.startsWith('last') ? 'last' : 'first'} after the shuffle, ` +
            'which changes from run to run, with no error' +
            (sort ? '; the sort before the groupBy does not decide it, Spark keeps no order through a shuffle. ' : '. ') +
            ADVICE,
          related: sort ? [related(sort.node, 'this sort does not survive the groupBy shuffle')] : [],
          why: intent,
        });
      }
    }
    checkWindows(ctx);
  },
};

/** `first(c).over(Window.partitionBy(k))`: a window with no order is the whole partition, in arrival order. */
function checkWindows(ctx: RuleContext): void {
  for (const call of callsNamed(ctx.model, 'over')) {
    const parts = callParts(call);
    if (parts?.name !== 'over' || !parts.object || parts.args.length !== 1) continue;
    const pick = picksIn(ctx.functions, parts.object);
    if (!pick) continue;
    const spec = specOf(ctx.model, parts.args[0]);
    const keys = spec ? unorderedPartitionKeys(spec) : undefined;
    if (!spec || !keys || orderFree(pick, keys)) continue;
    const intent = orderIntent(ctx.functions, pick, []);
    if (!intent) continue;
    const what = `${pick.fn}(${pick.column !== undefined ? `"${pick.column}"` : '...'})`;
    ctx.report({
      start: pick.call.startIndex,
      end: call.endIndex,
      message:
        `${what} over a window with partitionBy and no orderBy gives every row the value of an arbitrary row of its partition. ` +
        'The frame is the whole partition in the order its rows arrive after the shuffle, which changes from run to run. ' +
        `Add .orderBy(order_col) to the window (and a frame for last(), see PSA706). ${ADVICE}`,
      related: sameNode(spec, unwrapParens(parts.args[0])) ? [] : [related(spec, 'the window is defined here')],
      why: intent,
    });
  }
}

/** Window functions whose value differs from row to row of a partition, whatever its frame. */
const PER_ROW_WINDOW_FUNCTIONS = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'ntile', 'cume_dist', 'lag', 'lead', 'nth_value']);
const WHOLE_FRAME = /\.\s*(rows|range)Between\s*\(\s*(Window\s*\.\s*)?unboundedPreceding\s*,\s*(Window\s*\.\s*)?unboundedFollowing\s*\)/;

/**
 * `last_level = F.last("level").over(w)` with `w = Window.partitionBy("userId").orderBy("ts").rangeBetween(
 * Window.unboundedPreceding, Window.unboundedFollowing)`, then `groupBy("userId").agg(F.first("last_level"))`:
 * the column was computed over the whole partition of a window keyed by (some of) the grouping keys, so
 * every row of a group holds the same value and first() cannot pick another. Every definition of the
 * column on the aggregated lineage must be such a `withColumn`: outside `.over(...)` its expression
 * may hold only literals (`F.lit`, numbers), `when`/`otherwise`/`coalesce`-style calls and names bound
 * to values collected on the driver (`max_date = df.agg(...).collect()[0][0]`); a bare column name or
 * `col(...)` there varies by row.
 */
function constantPerGroup(ctx: RuleContext, column: string, keys: readonly string[], input: Frame): boolean {
  const definitions = ctx.model.frames.filter(
    (f) => f.op === 'withColumn' && f.node.type === 'call' && literalString(callParts(f.node)?.args[0]) === column && isAncestorFrame(f, input),
  );
  if (!definitions.length) return false;
  const groupKeys = new Set(keys.map((k) => k.toLowerCase()));
  return definitions.every((f) => {
    const expr = callParts(f.node)?.args[1];
    return expr !== undefined && constantExpression(ctx, expr, groupKeys);
  });
}

function constantExpression(ctx: RuleContext, node: Node, groupKeys: ReadonlySet<string>): boolean {
  const n = unwrapParens(node);
  switch (n.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'identifier':
      return collectedOnDriver(ctx.model, n);
    case 'comparison_operator':
    case 'binary_operator':
    case 'boolean_operator':
    case 'unary_operator':
      return n.namedChildren.every((c) => c !== null && constantExpression(ctx, c, groupKeys));
    case 'call':
      break;
    default:
      return false;
  }
  const parts = callParts(n);
  if (!parts) return false;
  if (parts.name === 'over' && parts.object && parts.args.length === 1) return wholePartitionWindow(ctx, parts.object, parts.args[0], groupKeys);
  if (ctx.functions.nameOf(n) === 'lit') return true;
  // `F.when(cond, value).otherwise(other)`, `F.coalesce(a, b)`: constant when every part is.
  const receiverOk = !parts.object || ['F', 'functions', 'f', 'sf', 'psf'].includes(parts.object.text) || constantExpression(ctx, parts.object, groupKeys);
  return receiverOk && [...parts.args, ...parts.keywords.values()].every((a) => constantExpression(ctx, a, groupKeys));
}

/** `F.last("level").over(w)` where `w` covers the whole partition and partitions by grouping keys only. */
function wholePartitionWindow(ctx: RuleContext, fn: Node, specArg: Node, groupKeys: ReadonlySet<string>): boolean {
  const f = unwrapParens(fn);
  const name = f.type === 'call' ? ctx.functions.nameOf(f) : undefined;
  if (!name || PER_ROW_WINDOW_FUNCTIONS.has(name)) return false;
  const spec = specOf(ctx.model, specArg);
  if (!spec || !/^Window\s*\.\s*partitionBy\s*\(/.test(spec.text)) return false;
  if (/\.\s*(orderBy|sortBy)\s*\(/.test(spec.text) && !WHOLE_FRAME.test(spec.text)) return false;
  if (!WHOLE_FRAME.test(spec.text) && /\.\s*(rows|range)Between\s*\(/.test(spec.text)) return false;
  const keys = partitionKeys(spec);
  return keys !== undefined && keys.length > 0 && keys.every((k) => groupKeys.has(k.toLowerCase()));
}

/** The literal partition columns of a `Window.partitionBy(...)...` spec, else undefined. */
function partitionKeys(spec: Node): string[] | undefined {
  let n: Node = spec;
  for (let i = 0; i < 20; i++) {
    const parts = callParts(n);
    if (!parts?.object) return undefined;
    if (parts.name === 'partitionBy') {
      const keys = parts.args.map((a) => literalString(a));
      return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
    }
    n = unwrapParens(parts.object);
  }
  return undefined;
}

/** A name whose every assignment in the file takes a value collected to the driver (`.collect()`, `.first()`). */
function collectedOnDriver(model: DataFrameModel, name: Node): boolean {
  let assigned = false;
  for (const a of nodesOfType(model, 'assignment')) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier' || left.text !== name.text) continue;
    const right = a.childForFieldName('right');
    if (!right || !/\.\s*(collect|first|head|take)\s*\(/.test(right.text) || /\.\s*over\s*\(/.test(right.text)) return false;
    assigned = true;
  }
  return assigned;
}
