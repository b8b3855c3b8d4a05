import type { Fix } from '../../findings';
import { streamingSources, type TransformCall } from '../../model/types';
import { pyString } from '../../parsing/syntax';
import { guessEventTimeColumn } from '../helpers/eventTime';
import { neverStarted, onlyBriefQueries, streamingSinksThrough } from '../helpers/queryLifetime';
import { related, type Rule, type RuleContext } from '../rule';
import { withPlaceholders } from '../../fixes/edits';

const DEDUP_METHODS = new Set(['dropDuplicates', 'drop_duplicates']);
const DEFAULT_DELAY = '10 minutes';

export const streamingDedupWithoutWatermark: Rule = {
  code: 'PSA202',
  name: 'streaming-dedup-without-watermark',
  summary: 'dropDuplicates on a streaming DataFrame with no withWatermark upstream: every key seen is kept in state forever.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const t of ctx.model.transforms) {
      if (!DEDUP_METHODS.has(t.method) || t.frame.streaming !== true || t.frame.watermark || seen.has(t.call.id)) continue;
      seen.add(t.call.id);
      // A demo query stopped seconds after it starts drops its state with it: nothing grows. Nor does
      // a dedup no query can ever start (thrown away, or kept in a name nothing reads).
      const fed = streamingSinksThrough(ctx.model, t.frame, t.call);
      if (fed.length > 0 ? onlyBriefQueries(fed) : neverStarted(ctx.model, t.call)) continue;
      const stream = streamingSources(t.frame)[0];
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          `${t.method}() on a stream with no watermark: Spark remembers every key it has ever seen in the state store ` +
          'and never evicts one, so state, checkpoint size and batch time grow for the life of the query until it ' +
          'runs out of memory. Add withWatermark() and use dropDuplicatesWithinWatermark() (Spark 3.5+), or include ' +
          'the watermarked event-time column in the dedup keys.',
        related: stream ? [related(stream.node, 'the stream is read here')] : [],
        fixes: [dedupFix(t, guessEventTimeColumn(t.frame))],
      });
    }
  },
};

function dedupFix(t: TransformCall, column: string | undefined): Fix {
  const col = column ?? 'event_time';
  const at = t.receiver.endIndex;
  return {
    title: column
      ? `Add withWatermark("${col}", "${DEFAULT_DELAY}") and use dropDuplicatesWithinWatermark (Spark 3.5+)`
      : `Add withWatermark("event_time", "${DEFAULT_DELAY}") and use dropDuplicatesWithinWatermark (set your event-time column; Spark 3.5+)`,
    edits: [
      withPlaceholders(
        { start: at, end: at, newText: `.withWatermark(${pyString(col)}, ${pyString(DEFAULT_DELAY)})` },
        ...(column ? [] : [col]),
        DEFAULT_DELAY,
      ),
      { start: t.methodNode.startIndex, end: t.methodNode.endIndex, newText: 'dropDuplicatesWithinWatermark' },
    ],
    applicability: 'display-only',
    reason: column ? 'choose how long duplicates are remembered' : 'choose the event-time column and the delay',
  };
}
