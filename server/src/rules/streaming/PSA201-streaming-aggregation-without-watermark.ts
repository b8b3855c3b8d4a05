import type { Fix, RelatedLocation } from '../../findings';
import { filterLineage } from '../../model/lineage';
import { streamingSources, type AggregationInfo, type DataFrameModel, type Frame, type SinkInfo } from '../../model/types';
import { DEFAULT_WATERMARK_DELAY, watermarkCall } from '../../templates';
import { related, type Rule, type RuleContext } from '../rule';
import { withPlaceholders } from '../../fixes/edits';
import { guessEventTimeColumn } from '../helpers/eventTime';
import { equiJoinKeys } from '../helpers/joinKeys';
import { neverStarted, onlyBriefQueries, stoppedSoonAfterStart } from '../helpers/queryLifetime';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { framesOfViewsRead } from '../helpers/fewRows';
import { notebookDisplays } from '../helpers/notebookDisplay';
import { ColumnExpressions } from '../helpers/columnExpressions';
import { addTo, perModel } from '../helpers/scopeIndex';

const DEFAULT_DELAY = DEFAULT_WATERMARK_DELAY;
/** Arbitrary stateful operators: the user's code expires state with timeouts, not the watermark. */
const USER_MANAGED_STATE = new Set(['applyInPandasWithState', 'flatMapGroupsWithState', 'mapGroupsWithState', 'transformWithStateInPandas']);

/** Event-time column guesses when no `window(...)` names one: known columns that look like time. */
function eventTimeColumn(agg: AggregationInfo, frame: Frame): string | undefined {
  if (agg.windowColumn) return agg.windowColumn;
  return guessEventTimeColumn(frame);
}

export const streamingAggregationWithoutWatermark: Rule = {
  code: 'PSA201',
  name: 'streaming-aggregation-without-watermark',
  summary: 'groupBy/aggregation or stream-stream join on a streaming DataFrame with no withWatermark upstream: unbounded state.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const agg of ctx.model.aggregations) {
      if (agg.aggMethod && USER_MANAGED_STATE.has(agg.aggMethod)) continue;
      const sides = agg.kind === 'join' ? [agg.input, agg.other!] : [agg.input];
      const missing = sides.filter((f) => f.streaming === true && !f.watermark);
      if (missing.length === 0) {
        if (!isDeliberateRunningAggregate(ctx, agg)) reportUnusedWatermark(ctx, agg);
        continue;
      }
      if (agg.kind === 'join' && !sides.every((f) => f.streaming === true)) continue;
      if (agg.kind === 'join' && watermarkedEquiJoinKey(agg)) continue;
      const stream = streamingSources(missing[0])[0];
      const relatedInfo = stream ? [related(stream.node, 'the stream is read here')] : [];
      // The exemptions below are about state (bounded by the keys, or by a query stopped at once); a sort
      // of the result in update mode stops the query from starting at all, whatever its state.
      const refusedSort = agg.kind === 'groupBy' ? sortedInUpdateMode(ctx, agg) : undefined;
      if (neverRunsLong(ctx, agg)) {
        if (refusedSort) reportRefusedSort(ctx, agg, refusedSort, relatedInfo);
        continue;
      }
      if (agg.kind === 'groupBy') {
        if (isDeliberateRunningAggregate(ctx, agg)) {
          if (refusedSort) reportRefusedSort(ctx, agg, refusedSort, relatedInfo);
          continue;
        }
        if (isGlobalAggregate(agg) || constantKeys(ctx, agg)) {
          if (refusedSort) reportRefusedSort(ctx, agg, refusedSort, relatedInfo);
          else reportGlobalAggregateInAppend(ctx, agg, relatedInfo);
          continue;
        }
        const column = eventTimeColumn(agg, agg.input);
        const mode = outputModeOf(ctx, agg);
        // Started by no query of the file, only shown: say what the displayed query does, not what a sink's mode would.
        const shownBy = sinksFedBy(ctx, agg).length === 0 ? notebookDisplayOf(ctx, agg) : undefined;
        const windowInfo = agg.windowNode ? [related(agg.windowNode, 'event-time window')] : [];
        const sortedBy = shownBy ? undefined : sortedAfter(ctx, agg);
        ctx.report({
          start: agg.methodNode.startIndex,
          end: agg.call.endIndex,
          message: shownBy ? displayedMessage(agg) : groupByMessage(agg, mode, sortedBy),
          // A query Spark refuses to start is an error, as PSA219 and PSA203 report theirs; unbounded state stays the rule's warning.
          severity: !shownBy && (mode === 'append' || (mode === 'update' && sortedBy)) ? 'error' : undefined,
          related: [...relatedInfo, ...windowInfo, ...(shownBy ? [related(shownBy, 'shown here by the notebook')] : [])],
          // In complete mode a watermark bounds nothing, and a sorted query in another mode does not start
          // until the sort goes: adding a watermark alone would be a fix that fixes nothing.
          fixes: mode === 'complete' || (sortedBy && (mode === 'update' || mode === 'append')) ? [] : watermarkFix(agg, column),
          why: groupByWhy(ctx, agg),
        });
      } else {
        ctx.report({
          start: agg.methodNode.startIndex,
          end: agg.call.endIndex,
          message:
            'Stream-stream join without a watermark on ' +
            (missing.length === 2 ? 'either side' : 'one side') +
            ': Spark buffers every row of both streams in state forever. Add withWatermark() to both inputs and a time bound to the join condition.',
          related: relatedInfo,
          fixes: [],
          why: `both inputs are streams, ${missing.length === 2 ? 'neither' : 'one of them'} has a watermark, and no watermarked column is an equi-join key`,
        });
      }
    }
  },
};

/**
 * The one output mode every query fed by the aggregation runs in (append when none is set), or
 * undefined when there is no query, one chooses its mode at runtime, or they differ.
 */
function outputModeOf(ctx: RuleContext, agg: AggregationInfo): 'append' | 'update' | 'complete' | undefined {
  const fed = sinksFedBy(ctx, agg);
  if (!fed.length || fed.some((s) => s.outputModeUnknown)) return undefined;
  const modes = new Set(fed.map((s) => s.outputMode?.toLowerCase() ?? 'append'));
  const [mode] = modes;
  return modes.size === 1 && (mode === 'append' || mode === 'update' || mode === 'complete') ? mode : undefined;
}

/**
 * What goes wrong, and what to do, depends on the output mode (Structured Streaming guide, "Conditions
 * for watermarking to clean aggregation state"): append refuses to start without a watermark; update
 * runs and lets a watermark drop old groups, but only groups keyed by the watermarked column or a
 * window on it; complete must keep every group, so no watermark can drop any. A sort of the result
 * (`sortedBy`) is allowed only in complete mode (UnsupportedOperationChecker): in update mode the query
 * does not start, which the message says first; in append mode the sort goes with the missing watermark.
 */
function groupByMessage(agg: AggregationInfo, mode: 'append' | 'update' | 'complete' | undefined, sortedBy?: string): string {
  const on = agg.windowColumn ? `withWatermark("${agg.windowColumn}", ...)` : 'withWatermark() on the event-time column';
  const keyed = agg.windowColumn ? '' : ' and group by a window on that column (a watermark only expires groups keyed by it or a window on it)';
  // Spark sorts a stream only after an aggregation in complete mode: leaving it, the advice below would not start.
  const unsort = sortedBy ? `, drop the ${sortedBy}() (Spark sorts a stream only in complete mode; sort where the result is read)` : '';
  switch (mode) {
    case 'complete':
      return (
        'Streaming aggregation in complete output mode: Spark keeps every group in state forever and rewrites the whole result at every trigger ' +
        '(the query slows down and eventually runs out of memory), and a watermark would not change that: complete mode must keep all aggregate data. ' +
        `If old ${agg.windowNode ? 'windows' : 'groups'} may become final, add ${on} before the aggregation${keyed}${unsort} and write in update or append mode; ` +
        'if every group must stay in the result, bound the key set or compute it as a batch over the stored events.'
      );
    case 'update':
      // A sort after the aggregation is refused in update mode: the query never runs, so that comes first.
      if (sortedBy)
        return (
          `Streaming aggregation sorted by ${sortedBy}() in update output mode: Spark refuses to start the query ("Sorting is not supported on streaming ` +
          'DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode"). ' +
          `Drop the ${sortedBy}() (sort where the result is read); then, with no watermark, Spark would keep every ${agg.windowNode ? 'window' : 'group'} in state forever, ` +
          `so also add ${on} before the aggregation${keyed}.`
        );
      return (
        'Streaming aggregation without a watermark: Spark keeps every group in state forever (the query slows down and eventually runs out of memory). ' +
        `Add ${on} before the aggregation${keyed}: in update mode Spark then drops a ${agg.windowNode ? 'window' : 'group'} once the watermark passes it.`
      );
    case 'append':
      return (
        'Streaming aggregation without a watermark in append output mode: Spark refuses to start the query ("Append output mode not supported when there are ' +
        `streaming aggregations ... without watermark"). Add ${on} before the aggregation${keyed}${unsort}: append mode then emits each ${agg.windowNode ? 'window' : 'group'} once the watermark passes it.`
      );
    default:
      return (
        'Streaming aggregation without a watermark: Spark keeps every group in state forever (the query slows down and ' +
        'eventually runs out of memory), and append output mode fails. Add withWatermark() on the event-time column ' +
        'before the aggregation.'
      );
  }
}

/**
 * A windowed aggregate only shown with the notebook's `display(...)`: the notebook starts a query that
 * keeps every window in state while the cell runs. Which output mode `display` picks is the platform's
 * choice (its demos display unwatermarked windowed counts, which append mode would refuse), so the
 * message says what holds either way: the state grows, and the same aggregation written in append mode
 * would not start.
 */
function displayedMessage(agg: AggregationInfo): string {
  const on = agg.windowColumn ? `withWatermark("${agg.windowColumn}", ...)` : 'withWatermark() on the event-time column';
  const keyed = agg.windowColumn ? '' : ' and group by a window on that column (a watermark only expires groups keyed by it or a window on it)';
  const unit = agg.windowNode ? 'window' : 'group';
  return (
    `Streaming aggregation without a watermark, shown with display(): the displayed query keeps every ${unit} in state for as long as it runs ` +
    '(it slows down and eventually runs out of memory), and the same aggregation written to a sink in append output mode would not start. ' +
    `Add ${on} before the aggregation${keyed}.`
  );
}

/** What the rule saw: the keys, and how the queries fed by the aggregation run. */
function groupByWhy(ctx: RuleContext, agg: AggregationInfo): string {
  const keys = agg.windowNode
    ? `an event-time window${agg.windowColumn ? ` on "${agg.windowColumn}"` : ''}`
    : agg.keys?.length
      ? agg.keys.map((k) => `"${k}"`).join(', ')
      : 'keys the model cannot read';
  const fed = sinksFedBy(ctx, agg);
  const modes = [...new Set(fed.map((s) => s.outputMode?.toLowerCase() ?? 'append (the default)'))];
  const runs = fed.length
    ? `; it feeds ${fed.length === 1 ? 'a query' : `${fed.length} queries`} in ${modes.join(' / ')} mode that ${fed.some((s) => stoppedSoonAfterStart(s)) ? 'keeps its state in a checkpoint' : 'runs until stopped'}`
    : '';
  return `no withWatermark() between the streaming read and this aggregation by ${keys}${runs}`;
}

/** A grouping key that looks like a point or bucket in time (`event_date`, `order_hour`, `created_at`...). */
const TEMPORAL_KEY = /date|time|(^|_)(ts|at|day|hour|minute|month|year|week)$/i;

/** Named like time and not declared otherwise: `year` declared IntegerType is a car's model year, not event time. */
function isTemporalKey(frame: Frame, key: string): boolean {
  if (!TEMPORAL_KEY.test(key)) return false;
  const type = frame.columns.get(key)?.type?.toLowerCase();
  return type === undefined || /date|time/.test(type);
}

/**
 * A running total per non-time key (`groupBy("driver_id")`) written in `update`/`complete` mode: its
 * state is one row per key by design, and no watermark could bound it (the key is not event time), so
 * "add a watermark" would be wrong advice. Only when every streaming sink it feeds says so explicitly,
 * or chooses its mode at runtime (`outputMode(args.mode)`): a mode made a parameter is one the author
 * means to switch, and whether the exemption holds cannot be judged from the code.
 */
function isDeliberateRunningAggregate(ctx: RuleContext, agg: AggregationInfo): boolean {
  if (!runningTotalKeys(agg)) return false;
  const fed = sinksFedBy(ctx, agg);
  if (fed.length === 0) return onlyNotebookDisplayed(ctx, agg);
  return fed.every((s) => s.outputModeUnknown || ['update', 'complete'].includes(s.outputMode?.toLowerCase() ?? ''));
}

/** Grouped by known keys, none of them time and no window: one row per key, which no watermark can bound. */
function runningTotalKeys(agg: AggregationInfo): boolean {
  return agg.kind === 'groupBy' && !agg.windowNode && !!agg.keys && agg.keys.length > 0 && !agg.keys.some((k) => isTemporalKey(agg.input, k));
}

/**
 * A running total started by no query of the file but shown with the notebook's `display(...)`
 * (`display(words.groupBy("word").count())`): Databricks shows a streaming aggregation by running it
 * in complete mode (its own demos display windowed counts with no watermark, which append mode would
 * reject), the same deliberate running total as an explicit `outputMode("complete")`; elsewhere a
 * `display` of a stream starts nothing. A `display` the file defines or imports itself is not the
 * notebook's. Windows and time-like keys stay reported, as for an explicit complete mode.
 */
function onlyNotebookDisplayed(ctx: RuleContext, agg: AggregationInfo): boolean {
  return notebookDisplayOf(ctx, agg) !== undefined;
}

/** The notebook's first `display(...)` call showing a frame made from the aggregation, if any. */
function notebookDisplayOf(ctx: RuleContext, agg: AggregationInfo): Node | undefined {
  return notebookDisplays(ctx.model).find(
    ({ frame }) =>
      filterLineage(
        frame,
        (f) => f.op === 'aggregate' && f.parents.includes(agg.input) && f.node.startIndex <= agg.call.startIndex && agg.call.endIndex <= f.node.endIndex,
      ).length > 0,
  )?.call;
}

/**
 * `groupBy()` with no key: one row of state whatever the stream holds, bounded by construction.
 * (`stream.agg(...)` without `groupBy` is the same aggregate; the model records no grouping for it.)
 */
function isGlobalAggregate(agg: AggregationInfo): boolean {
  return agg.kind === 'groupBy' && !agg.windowNode && agg.keys !== undefined && agg.keys.length === 0;
}

/** Literals `lit(...)` can hold: a constant key is the same for every row. */
const LITERAL = new Set(['integer', 'float', 'string', 'true', 'false', 'none']);
const GROUP_BY = new Set(['groupBy', 'groupby']);

/**
 * `groupBy(lit(1))`, `groupBy(F.lit("all").alias("scope"))`: every key a Spark literal, so every row falls in one
 * group, the global aggregate `groupBy()` spelt with a constant column (a running total of the whole
 * stream). Its state is one row however long the query runs; the model cannot name the key's column,
 * so it would otherwise be read as unknown keys.
 */
function constantKeys(ctx: RuleContext, agg: AggregationInfo): boolean {
  if (agg.kind !== 'groupBy' || agg.windowNode) return false;
  const parts = callParts(agg.call);
  if (!parts || !GROUP_BY.has(parts.name ?? '') || parts.keywords.size > 0 || parts.args.length === 0) return false;
  const columns = new ColumnExpressions(ctx.model);
  return parts.args.every((arg) => {
    let key = unwrapParens(arg);
    // `lit("all").alias("scope")`: the constant under a name.
    for (let named = callParts(key); named?.object && (named.name === 'alias' || named.name === 'name'); named = callParts(key))
      key = unwrapParens(named.object);
    if (key.type !== 'call' || columns.sparkFunctionName(key) !== 'lit') return false;
    const value = callParts(key)?.args;
    return value?.length === 1 && LITERAL.has(unwrapParens(value[0]).type);
  });
}

/**
 * A global aggregate needs no watermark to bound its state; what still goes wrong is append mode,
 * which Spark rejects for any aggregation without a watermark. Reported only when a sink it feeds is
 * in append mode by its literal `outputMode` or by default.
 */
function reportGlobalAggregateInAppend(ctx: RuleContext, agg: AggregationInfo, relatedInfo: RelatedLocation[]): void {
  const append = sinksFedBy(ctx, agg).find((s) => !s.outputModeUnknown && (s.outputMode?.toLowerCase() ?? 'append') === 'append');
  if (!append) return;
  ctx.report({
    start: agg.methodNode.startIndex,
    end: agg.call.endIndex,
    message:
      'Streaming global aggregation in append output mode: its state is one row, but Spark rejects append mode for an ' +
      'aggregation without a watermark, so this query fails when it starts. Write it in update or complete mode (or ' +
      'group by a window on a watermarked event-time column if each result must be final).',
    severity: 'error',
    related: [...relatedInfo, related(append.call, 'the query is started here')],
    fixes: [],
    why: `groupBy() with no key on a stream with no withWatermark(), feeding a query in ${append.outputMode?.toLowerCase() ?? 'append (the default)'} mode`,
  });
}

const SORTS = new Set(['orderBy', 'sort']);

/**
 * The sort (`orderBy` or `sort`) a query fed by the aggregation applies to its result
 * (`groupBy(...).count().orderBy(...)`), which only complete mode allows; undefined when none does.
 */
function sortedAfter(ctx: RuleContext, agg: AggregationInfo): string | undefined {
  for (const sink of sinksFedBy(ctx, agg)) {
    const [sort] = filterLineage(
      sink.frame,
      (f) => SORTS.has(f.op) && filterLineage(f, (a) => a.op === 'aggregate' && a.parents.includes(agg.input)).length > 0,
    );
    if (sort) return sort.op;
  }
  return undefined;
}

/**
 * A query fed by the aggregation that runs in update mode (its literal outputMode) and sorts the
 * aggregate first: the sort frame and the query, or undefined. Append mode is left to the messages
 * above, where the missing watermark is what Spark names first.
 */
function sortedInUpdateMode(ctx: RuleContext, agg: AggregationInfo): { sort: Frame; sink: SinkInfo } | undefined {
  for (const sink of sinksFedBy(ctx, agg)) {
    if (sink.outputModeUnknown || sink.outputMode?.toLowerCase() !== 'update') continue;
    const [sort] = filterLineage(
      sink.frame,
      (f) => SORTS.has(f.op) && f.node.type === 'call' && filterLineage(f, (a) => a.op === 'aggregate' && a.parents.includes(agg.input)).length > 0,
    );
    if (sort) return { sort, sink };
  }
  return undefined;
}

/**
 * A running total (or a one-row global aggregate, or a query stopped moments after it starts) sorted
 * in update mode: nothing about state to say, since the query never runs. No watermark advice: for a
 * running total per key none would bound it, and complete mode (the whole result at every trigger,
 * one row per key) is the mode a sorted running total is written in.
 */
function reportRefusedSort(ctx: RuleContext, agg: AggregationInfo, refused: { sort: Frame; sink: SinkInfo }, relatedInfo: RelatedLocation[]): void {
  const op = refused.sort.op;
  ctx.report({
    start: agg.methodNode.startIndex,
    end: agg.call.endIndex,
    message:
      `Streaming aggregation sorted by ${op}() in update output mode: Spark refuses to start the query ("Sorting is not supported on streaming ` +
      'DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode"). In update mode each trigger writes only ' +
      `the groups that changed, which Spark cannot order against the rest. Drop the ${op}() and sort where the result is read, or write it in complete mode.`,
    severity: 'error',
    related: [...relatedInfo, related(refused.sort.node, 'sorted here'), related(refused.sink.call, 'the query is started here')],
    fixes: [],
    why: `${op}() after the aggregation, in a query whose outputMode is "update"`,
  });
}

const fedSinks = new WeakMap<DataFrameModel, Map<AggregationInfo, SinkInfo[]>>();

/**
 * The streaming sinks whose lineage holds the result of this aggregation or join. Read once per
 * aggregation and model: the exemptions, the message, its advice and its why each ask. (Per model, not
 * per aggregation alone: a model resumed after an edit keeps the prefix's aggregation objects, while
 * the sinks after them may differ.)
 */
function sinksFedBy(ctx: RuleContext, agg: AggregationInfo): readonly SinkInfo[] {
  return sinksFeeding(ctx.model, agg);
}

/** @internal `sinksFedBy` of a model (exported for the tests, which compare it with every sink's steps read in turn). */
export function sinksFeeding(model: DataFrameModel, agg: AggregationInfo): readonly SinkInfo[] {
  return perModel(fedSinks, model, agg, () => {
    const op = agg.kind === 'join' ? 'join' : 'aggregate';
    // A sink is fed when one of its steps is this operation on the aggregation's input (a step
    // listed under that input) around the aggregation's call; in the model's order of sinks.
    const fed: number[] = [];
    for (const { sink, step: f } of streamingStepsByParent(model).get(agg.input) ?? []) {
      if (f.op === op && f.node.startIndex <= agg.call.startIndex && agg.call.endIndex <= f.node.endIndex && !fed.includes(sink)) fed.push(sink);
    }
    const sinks = streamingSinkSteps(model);
    return fed.sort((a, b) => a - b).map((i) => sinks[i].sink);
  });
}

const stepsByParent = new WeakMap<DataFrameModel, Map<Frame, { sink: number; step: Frame }[]>>();

/**
 * Every step of every streaming sink (`streamingSinkSteps`), listed under each of its parent frames
 * with the sink's place, once per model: each aggregation reads only the steps on its own input
 * (it tested every step of every sink, per aggregation: a fifth of PSA201 at 20k lines).
 */
function streamingStepsByParent(model: DataFrameModel): Map<Frame, { sink: number; step: Frame }[]> {
  let index = stepsByParent.get(model);
  if (!index) {
    index = new Map();
    const sinks = streamingSinkSteps(model);
    for (let sink = 0; sink < sinks.length; sink++) for (const step of sinks[sink].steps) for (const p of step.parents) addTo(index, p, { sink, step });
    stepsByParent.set(model, index);
  }
  return index;
}

const sinkSteps = new WeakMap<DataFrameModel, { sink: SinkInfo; steps: Frame[] }[]>();

/**
 * Each streaming sink (in the model's order) with the joins and aggregations of its lineage: the
 * lineages are walked once per model, not once per aggregation (a pass over every sink's lineage
 * per aggregation was most of PSA201's time in a long file).
 */
/** @internal Exported for the tests. */
export function streamingSinkSteps(model: DataFrameModel): { sink: SinkInfo; steps: Frame[] }[] {
  let list = sinkSteps.get(model);
  if (!list) {
    list = model.sinks.filter((s) => s.streaming).map((sink) => ({ sink, steps: stepsThroughViews(model, sink.frame) }));
    sinkSteps.set(model, list);
  }
  return list;
}

/**
 * The joins and aggregations a query runs: its lineage's, and, where a step is `spark.sql(...)` over
 * temp views this file registered (`agg.createOrReplaceTempView("v")` then `spark.sql("... FROM v")`),
 * the lineage of the frames behind those views, which Spark runs as part of the same query.
 */
function stepsThroughViews(model: DataFrameModel, frame: Frame): Frame[] {
  const steps: Frame[] = [];
  const seen = new Set<Frame>();
  const pending = [frame];
  for (let i = 0; pending.length && i < 1000; i++) {
    const top = pending.pop()!;
    if (seen.has(top)) continue;
    seen.add(top);
    for (const f of filterLineage(top, (f) => f.op === 'join' || f.op === 'aggregate' || f.source?.kind === 'sql')) {
      if (f.source?.kind === 'sql') pending.push(...framesOfViewsRead(model, f));
      else if (!steps.includes(f)) steps.push(f);
    }
  }
  return steps;
}

/**
 * State that cannot grow for long: every query the aggregation feeds is stopped by the code moments
 * after it starts (`time.sleep(2); query.stop()`) and keeps no checkpoint to resume the state from;
 * or no query ever runs the aggregated frame (`neverStarted`).
 */
function neverRunsLong(ctx: RuleContext, agg: AggregationInfo): boolean {
  const fed = sinksFedBy(ctx, agg);
  if (fed.length > 0) return onlyBriefQueries(fed);
  return neverStarted(ctx.model, agg.call);
}

/**
 * A stream-stream join whose watermarked column is one of its equi-join keys (`on=["id", "ts"]`,
 * `a.ts == b.ts`): the key carries the watermark to both sides, and Spark drops the state of both
 * once the watermark passes.
 */
function watermarkedEquiJoinKey(agg: AggregationInfo): boolean {
  const columns = [agg.input, agg.other].flatMap((f) => (f?.watermark?.column ? [f.watermark.column] : []));
  if (!columns.length || !agg.joinCondition) return false;
  const keys = equiJoinKeys(agg.joinCondition);
  return columns.some((c) => keys.has(c));
}

/**
 * A watermark only bounds state when the aggregation groups by its column or a window on it: a
 * watermarked stream grouped by `user_id` alone still keeps every key forever.
 */
function reportUnusedWatermark(ctx: RuleContext, agg: AggregationInfo): void {
  const wm = agg.input.watermark;
  if (agg.kind !== 'groupBy' || agg.input.streaming !== true || !wm?.column || agg.windowNode || !agg.keys) return;
  if (agg.keys.includes(wm.column)) return;
  ctx.report({
    start: agg.methodNode.startIndex,
    end: agg.call.endIndex,
    message:
      `The watermark on "${wm.column}" does not bound this aggregation: it groups by ${agg.keys.map((k) => `"${k}"`).join(', ') || 'nothing'} ` +
      'without the event-time column or a window on it, so Spark can never drop a group from state and append output mode fails. ' +
      `Group by window("${wm.column}", ...) (or the column itself).`,
    related: [related(wm.node, 'the watermark is defined here')],
    fixes: [],
  });
}

/** Only when the watermark will bound state: a window on the column, or the column among the keys. */
function watermarkFix(agg: AggregationInfo, column: string | undefined): Fix[] {
  if (!column) return [];
  if (!agg.windowColumn && !agg.keys?.includes(column)) return [];
  const text = watermarkCall(column, DEFAULT_DELAY);
  const at = agg.receiver.endIndex;
  // How late data may be is the user's call: any delay changes which late rows are counted.
  return [
    {
      title: `Add withWatermark("${column}", "${DEFAULT_DELAY}") before the aggregation`,
      edits: [withPlaceholders({ start: at, end: at, newText: text }, DEFAULT_DELAY)],
      applicability: 'display-only',
      reason: 'choose how late data may arrive',
    },
  ];
}
