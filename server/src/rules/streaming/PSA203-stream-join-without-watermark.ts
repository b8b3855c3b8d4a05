import { streamingSources, type AggregationInfo, type Frame } from '../../model/types';
import { conditionBound } from '../helpers/joinTimeBound';
import { neverStarted, onlyBriefQueries, streamingSinksThrough } from '../helpers/queryLifetime';
import { related, type Rule, type RuleContext } from '../rule';

/** Join types Spark refuses to run between two streams without watermarks and a time bound. */
const OUTER_OR_SEMI = new Set([
  'left',
  'leftouter',
  'left_outer',
  'right',
  'rightouter',
  'right_outer',
  'full',
  'outer',
  'fullouter',
  'full_outer',
  'semi',
  'leftsemi',
  'left_semi',
]);

export const streamJoinWithoutWatermark: Rule = {
  code: 'PSA203',
  name: 'stream-join-without-watermark',
  summary: 'Stream-stream join whose condition has no event-time bound: both streams are buffered in state forever.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const join of ctx.model.aggregations) {
      if (join.kind !== 'join' || !join.other || join.input.streaming !== true || join.other.streaming !== true) continue;
      const watermarks = [join.input.watermark, join.other.watermark];
      // A watermark on a column we cannot name may be the one the condition uses: stay silent.
      if (watermarks.some((w) => w && w.column === undefined)) continue;
      const watermarkColumns = new Set(watermarks.flatMap((w) => (w?.column ? [w.column] : [])));
      if (conditionBound(join.joinCondition, watermarkColumns) !== 'unbounded') continue;
      // As for PSA201's joins: a demo query stopped seconds after it starts drops both buffers with it,
      // and a join no query can ever start (thrown away, or kept in a name nothing reads) buffers nothing.
      const fed = streamingSinksThrough(ctx.model, join.input, join.call);
      if (fed.length > 0 ? onlyBriefQueries(fed) : neverStarted(ctx.model, join.call)) continue;
      const outer = join.joinHow !== undefined && OUTER_OR_SEMI.has(join.joinHow.toLowerCase());
      ctx.report({
        start: join.methodNode.startIndex,
        end: join.call.endIndex,
        severity: outer ? 'error' : undefined,
        message: message(join, outer),
        related: sourcesOf(join),
      });
    }
  },
};

function message(join: AggregationInfo, outer: boolean): string {
  const missing = [join.input, join.other!].filter((f) => !f.watermark).length;
  const watermarkNote = missing === 2 ? ' Neither input has a watermark either.' : missing === 1 ? ' One input has no watermark either.' : '';
  const consequence = outer
    ? `Spark rejects a stream-stream ${join.joinHow} join without watermarks and a time-range condition when the query starts.`
    : 'Spark can never decide that a buffered row will find no more matches, so it keeps every row of both streams in state forever (state and batch time grow until the query runs out of memory).';
  return (
    'Stream-stream join with no event-time bound in the join condition: ' +
    consequence +
    watermarkNote +
    ' Watermark both inputs and add a time range to the condition, e.g. ' +
    '`F.expr("click_time BETWEEN imp_time AND imp_time + INTERVAL 1 HOUR")`.'
  );
}

function sourcesOf(join: AggregationInfo): ReturnType<typeof related>[] {
  const out = [];
  for (const side of [join.input, join.other!] as Frame[]) {
    const source = streamingSources(side)[0];
    if (source) out.push(related(source.node, side.watermark ? 'stream read here (watermarked)' : 'stream read here (no watermark)'));
  }
  return out;
}
