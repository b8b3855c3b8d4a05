import { streamingSources } from '../../model/types';
import { guardedByIsStreaming, insideBatchHandler, streamingOnEveryPath } from '../helpers/streamingCertainty';
import { related, type Rule, type RuleContext } from '../rule';

/** Dataset methods that run a batch job: on a streaming plan Spark's analyzer refuses them. */
const BATCH_ACTIONS = new Set([
  'count',
  'collect',
  'first',
  'take',
  'head',
  'show',
  'toPandas',
  'foreach',
  'foreachPartition',
  'isEmpty',
  'toLocalIterator',
  'tail',
]);

export const actionOnStreamingDataFrame: Rule = {
  code: 'PSA209',
  name: 'action-on-streaming-dataframe',
  summary:
    'count()/collect()/show()/toPandas()/... on a streaming DataFrame: Spark refuses to run it ("Queries with streaming sources must be executed with writeStream.start()").',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const a of ctx.model.actions) {
      if (!BATCH_ACTIONS.has(a.method) || a.frame.streaming !== true || seen.has(a.call.id)) continue;
      seen.add(a.call.id);
      if (insideBatchHandler(ctx.model, a.call) || guardedByIsStreaming(a.call)) continue;
      if (!streamingOnEveryPath(a.frame, a.call)) continue;
      // The same call analysed again with a frame that is not surely streaming (a function called with both).
      if (ctx.model.actions.some((b) => b.call.id === a.call.id && b.frame.streaming !== true)) continue;
      const stream = streamingSources(a.frame)[0];
      ctx.report({
        start: a.receiver.endIndex,
        end: a.call.endIndex,
        message:
          `${a.method}() on a streaming DataFrame: Spark refuses to run it and raises AnalysisException ` +
          '"Queries with streaming sources must be executed with writeStream.start()". A stream has no last row to ' +
          'count, collect or show. Start a query instead: writeStream.format("console") (or "memory") to look at the ' +
          'data, or writeStream.foreachBatch(fn) to run batch actions on each micro-batch.',
        related: stream ? [related(stream.node, 'the stream is read here')] : [],
      });
    }
  },
};
