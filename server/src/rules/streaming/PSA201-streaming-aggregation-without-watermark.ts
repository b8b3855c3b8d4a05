import type { Fix } from '../../findings';
import { findInLineage } from '../../model/lineage';
import { streamingSources, type AggregationInfo, type Frame } from '../../model/types';
import { DEFAULT_WATERMARK_DELAY, watermarkCall } from '../../templates';
import { related, type Rule, type RuleContext } from '../rule';
import { withPlaceholders } from '../../fixes/edits';
import { guessEventTimeColumn } from '../helpers/eventTime';

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
        reportUnusedWatermark(ctx, agg);
        continue;
      }
      if (agg.kind === 'join' && !sides.every((f) => f.streaming === true)) continue;
      const stream = streamingSources(missing[0])[0];
      const relatedInfo = stream ? [related(stream.node, 'the stream is read here')] : [];
      if (agg.kind === 'groupBy') {
        if (isDeliberateRunningAggregate(ctx, agg)) continue;
        const column = eventTimeColumn(agg, agg.input);
        ctx.report({
          start: agg.methodNode.startIndex,
          end: agg.call.endIndex,
          message:
            'Streaming aggregation without a watermark: Spark keeps every group in state forever (the query slows down and ' +
            'eventually runs out of memory), and append output mode fails. Add withWatermark() on the event-time column ' +
            'before the aggregation.',
          related: agg.windowNode ? [...relatedInfo, related(agg.windowNode, 'event-time window')] : relatedInfo,
          fixes: watermarkFix(agg, column),
        });
      } else {
        ctx.report({
          start: agg.methodNode.startIndex,
          end: agg.call.endIndex,
          message:
            'Stream-stream join without a watermark on ' + (missing.length === 2 ? 'either side' : 'one side') +
            ': Spark buffers every row of both streams in state forever. Add withWatermark() to both inputs and a time bound to the join condition.',
          related: relatedInfo,
          fixes: [],
        });
      }
    }
  },
};

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
 * "add a watermark" would be wrong advice. Only when every streaming sink it feeds says so explicitly.
 */
function isDeliberateRunningAggregate(ctx: RuleContext, agg: AggregationInfo): boolean {
  if (agg.windowNode || !agg.keys || agg.keys.length === 0 || agg.keys.some((k) => isTemporalKey(agg.input, k))) return false;
  const fed = ctx.model.sinks.filter(
    (s) =>
      s.streaming &&
      findInLineage(
        s.frame,
        (f) => f.op === 'aggregate' && f.parents.includes(agg.input) && f.node.startIndex <= agg.call.startIndex && agg.call.endIndex <= f.node.endIndex,
      ) !== undefined,
  );
  return fed.length > 0 && fed.every((s) => ['update', 'complete'].includes(s.outputMode?.toLowerCase() ?? ''));
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
  return [{
    title: `Add withWatermark("${column}", "${DEFAULT_DELAY}") before the aggregation`,
    edits: [withPlaceholders({ start: at, end: at, newText: text }, DEFAULT_DELAY)],
    applicability: 'display-only',
    reason: 'choose how late data may arrive',
  }];
}
