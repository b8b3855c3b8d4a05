import type { Fix } from '../../findings';
import type { SinkInfo } from '../../model/types';
import { callParts } from '../../parsing/syntax';
import { FORMAT_OPTIONS, GENERIC_OPTIONS } from '../../spark/optionCatalog';
import { checkpointFix, durableCheckpointFor, durableCheckpoints, nothingToRecover, servesSeveralQueries } from '../helpers/checkpoints';
import { related, type Rule, type RuleContext } from '../rule';
import { sessionSettings, sinkOption } from '../helpers/sessionConf';
import { checkpointOption } from '../../templates';
import { stoppedSoonAfterStart } from '../helpers/queryLifetime';
import { formatName, isBatchOnlyFormat, isDisplayFormat } from '../../spark/writers';
import { displayOnlyHandler, driverMemoryHandler } from '../helpers/displayHandlers';

const SESSION_DEFAULT = 'spark.sql.streaming.checkpointLocation';

export const missingCheckpointLocation: Rule = {
  code: 'PSA205',
  name: 'missing-checkpoint-location',
  summary:
    'writeStream to a durable sink with no checkpointLocation and no session default: the query fails to start, or (foreachBatch) restarts from scratch.',
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
      // Display sinks run with a throwaway checkpoint of Spark's own: they hold no progress worth keeping.
      if (!sink.foreachBatch && (sink.formatUnknown || isDisplayFormat(sink.format))) continue;
      // foreachBatch runs on a temporary checkpoint; when the code stops the query moments after it
      // starts (`time.sleep(2); q.stop()`) there is no restart to lose progress in. Other sinks
      // without a checkpoint fail to start at all, demo or not.
      if (sink.foreachBatch && stoppedSoonAfterStart(sink)) continue;
      // Nor is there progress to lose when a stateless foreach query reads a socket, which cannot replay.
      // (Any other sink without a checkpoint still fails to start, socket or not.)
      if (sink.foreachBatch && nothingToRecover(ctx.model, sink)) continue;
      // A foreach/foreachBatch function that only prints or shows what it gets is a console sink written by hand.
      if (displayOnlyHandler(ctx.model, sink)) continue;
      // One that only collects each batch into the driver's Python objects is a memory sink written by
      // hand: its rows live in the process, and a restart loses them whatever a checkpoint keeps.
      if (driverMemoryHandler(ctx.model, sink)) continue;
      if (projectWriter(sink)) continue;
      // A jdbc sink fails to start for want of streaming support, checkpoint or not: PSA210 says so.
      if (!sink.foreachBatch && isBatchOnlyFormat(sink.format)) continue;
      seen.add(sink.call.id);
      ctx.report({
        node: sink.writerNode,
        severity: sink.foreachBatch ? 'warning' : undefined,
        message: sink.foreachBatch ? foreachMessage : failMessage,
        related: [related(sink.call, 'the query starts here')],
        fixes: servesSeveralQueries(ctx.model, sink)
          ? []
          : [addCheckpoint(sink, (planned ??= durableCheckpoints(ctx.model)).get(sink) ?? durableCheckpointFor(sink))],
      });
    }
  },
};

/** Parameters of pyspark's `DataStreamWriter.start` / `toTable`; any other keyword becomes a writer option. */
const START_PARAMETERS = new Set(['path', 'format', 'outputMode', 'partitionBy', 'queryName', 'tableName']);

/**
 * `df.writeStream.format("delta").start(layer="raw", table_name="orders")`: keywords that are neither
 * Spark's parameters nor options Spark knows for a streaming write, and no path or table. That is a
 * project's own writer (a `DataStreamWriter` subclass patched onto DataFrame, a wrapper) whose
 * `start` builds the path and the checkpoint from its arguments; Spark's own would refuse to start
 * a file or Delta sink without a path anyway, so the missing option is not what this code gets wrong.
 */
function projectWriter(sink: SinkInfo): boolean {
  const parts = callParts(sink.call);
  if (!parts || parts.args.length > 0 || sink.path !== undefined || sink.table !== undefined) return false;
  const format = formatName(sink.format);
  const known = new Set(
    [...GENERIC_OPTIONS, ...(FORMAT_OPTIONS[format] ?? [])].filter((o) => o.directions.includes('writeStream')).map((o) => o.key.toLowerCase()),
  );
  const unknown = [...parts.keywords.keys()].filter((k) => !START_PARAMETERS.has(k) && !known.has(k.toLowerCase()));
  return unknown.length > 0;
}

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
  return checkpointFix(
    `Add option("checkpointLocation", "${location}")`,
    { start: at, end: at, newText: checkpointOption(location) },
    location,
    'the query now keeps its progress at a guessed path',
  );
}
