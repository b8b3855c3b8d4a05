import { streamingSources } from '../../model/types';
import { streamStaticJoins, type StreamStaticJoin } from '../helpers/streamStaticJoins';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * Join types Spark's UnsupportedOperationChecker rejects between a stream and a static frame, by
 * the side the stream is on. An outer join must keep every row of its preserved side, and a static
 * preserved side would have to be re-emitted, unmatched, after every micro-batch of the stream.
 */
const REJECTED: Record<'left' | 'right', Record<string, string>> = {
  // stream.join(static, ..., how)
  left: { rightouter: 'right outer', fullouter: 'full outer' },
  // static.join(stream, ..., how)
  right: { leftouter: 'left outer', fullouter: 'full outer', leftsemi: 'left semi', leftanti: 'left anti' },
};

export const unsupportedStreamStaticOuterJoin: Rule = {
  code: 'PSA217',
  name: 'unsupported-stream-static-outer-join',
  summary:
    'An outer, semi or anti join of a stream and a static DataFrame with the static side preserved (stream RIGHT/FULL OUTER static, static LEFT OUTER/FULL OUTER/SEMI/ANTI stream): Spark refuses to start the query.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    for (const j of streamStaticJoins(ctx.model)) {
      const kind = j.how ? REJECTED[j.streamSide][j.how] : undefined;
      if (!kind) continue;
      ctx.report({
        start: j.methodNode.startIndex,
        end: j.call.endIndex,
        message: message(j, kind),
        related: sides(j),
      });
    }
  },
};

function message(j: StreamStaticJoin, kind: string): string {
  const order =
    j.streamSide === 'left' ? 'a stream on the left and a static DataFrame on the right' : 'a static DataFrame on the left and a stream on the right';
  const instead =
    j.streamSide === 'left'
      ? 'Keep the stream as the preserved side: stream.join(static, on, "left_outer") keeps every stream row; rows of the static side no event matched cannot be streamed out.'
      : kind === 'left semi' || kind === 'left anti'
        ? `To keep the stream rows that have ${kind === 'left semi' ? 'a' : 'no'} static match, put the stream on the left: stream.join(static, on, "${kind === 'left semi' ? 'left_semi' : 'left_anti'}"), which Spark supports.`
        : 'Put the stream on the left and join "left_outer" (or keep this order and join "right_outer"): the preserved side must be the stream.';
  return (
    `A ${kind} join with ${order}: Spark refuses to start the query (AnalysisException: this join type is not ` +
    'supported between a streaming and a static DataFrame). ' +
    'A stream-static join is stateless: Spark cannot tell when a static row has missed every event it will ever see, ' +
    'so it cannot emit it unmatched. ' +
    instead +
    ' To emit dimension rows without events, aggregate the stream into a table first and join it in batch.'
  );
}

function sides(j: StreamStaticJoin): ReturnType<typeof related>[] {
  const stream = j.streamSide === 'left' ? j.left : j.right;
  const source = streamingSources(stream)[0];
  return source ? [related(source.node, 'the stream is read here')] : [];
}
