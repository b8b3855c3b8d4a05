import type { Fix } from '../../findings';
import type { SinkInfo } from '../../model/types';
import { checkpointFix, durableCheckpointFor, durableCheckpoints, servesSeveralQueries } from '../helpers/checkpoints';
import { related, type Rule, type RuleContext } from '../rule';
import { sessionSettings, sinkOption } from '../helpers/sessionConf';
import { checkpointOption } from '../../templates';
import { stoppedSoonAfterStart } from '../helpers/queryLifetime';

/** Sinks Spark runs with a throwaway checkpoint of its own (they hold no progress worth keeping). */
const TEMP_CHECKPOINT_SINKS = new Set(['console', 'memory', 'noop']);
const SESSION_DEFAULT = 'spark.sql.streaming.checkpointLocation';

export const missingCheckpointLocation: Rule = {
  code: 'PSA205',
  name: 'missing-checkpoint-location',
  summary: 'writeStream to a durable sink with no checkpointLocation and no session default: the query fails to start, or (foreachBatch) restarts from scratch.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const streamingSinks = ctx.model.sinks.filter((s) => s.streaming && (s.method === 'start' || s.method === 'toTable'));
    if (streamingSinks.length === 0) return;
    // A session default anywhere in the file (or one we cannot read) covers every query.
    if (sessionSettings(ctx.model, SESSION_DEFAULT).length > 0) return;
    const seen = new Set<number>();
    let planned: Map<SinkInfo, string> | undefined;
    for (const sink of streamingSinks) {
      if (seen.has(sink.call.id) || sink.optionsUnknown || sinkOption(sink, 'checkpointLocation')) continue;
      if (!sink.foreachBatch && (sink.formatUnknown || TEMP_CHECKPOINT_SINKS.has(sink.format?.toLowerCase() ?? ''))) continue;
      // foreachBatch runs on a temporary checkpoint; when the code stops the query moments after it
      // starts (`time.sleep(2); q.stop()`) there is no restart to lose progress in. Other sinks
      // without a checkpoint fail to start at all, demo or not.
      if (sink.foreachBatch && stoppedSoonAfterStart(sink)) continue;
      seen.add(sink.call.id);
      ctx.report({
        node: sink.writerNode,
        severity: sink.foreachBatch ? 'warning' : undefined,
        message: sink.foreachBatch ? foreachMessage : failMessage,
        related: [related(sink.call, 'the query starts here')],
        fixes: servesSeveralQueries(ctx.model, sink) ? [] : [addCheckpoint(sink, (planned ??= durableCheckpoints(ctx.model)).get(sink) ?? durableCheckpointFor(sink))],
      });
    }
  },
};

const failMessage =
  'Streaming query with no checkpointLocation: Spark refuses to start it ("checkpointLocation must be specified either ' +
  'through option("checkpointLocation", ...) or SparkSession.conf.set("spark.sql.streaming.checkpointLocation", ...)"). ' +
  'Give every query its own checkpoint directory on durable storage: it holds the offsets and state that make restarts exactly-once.';

const foreachMessage =
  'foreachBatch/foreach query with no checkpointLocation: Spark runs it with a temporary checkpoint that is discarded, ' +
  'so every restart forgets the offsets already processed and the query starts over (replaying or skipping data, ' +
  'depending on startingOffsets). Give it its own checkpoint directory on durable storage.';

function addCheckpoint(sink: SinkInfo, location: string): Fix {
  const at = sink.writerNode.endIndex;
  // The query did not start (or restarted from scratch each time); with a checkpoint it resumes.
  return checkpointFix(`Add option("checkpointLocation", "${location}")`, { start: at, end: at, newText: checkpointOption(location) }, location, 'the query now keeps its progress at a guessed path');
}
