import type { Fix } from '../../findings';
import { withPlaceholders } from '../../fixes/edits';
import { streamingSources, type Frame, type SinkInfo } from '../../model/types';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { stoppedSoonAfterStart } from '../helpers/queryLifetime';
import { boundInFile, chainRoot } from '../helpers/sessionBinding';
import { related, type Rule, type RuleContext } from '../rule';

/** Sources that are unbounded and charge per poll: brokers and cloud queues, Auto Loader, Delta tables. */
const COSTLY_SOURCES = new Set(['kafka', 'cloudfiles', 'kinesis', 'aws-kinesis', 'eventhubs', 'pubsub', 'delta']);
/** Sinks that commit files or run a batch job per micro-batch. */
const FILE_SINKS = new Set(['delta', 'parquet', 'json', 'csv', 'orc', 'text', 'avro', 'iceberg', 'hudi']);
/** Terminal calls that start a query (`table` on Databricks). */
const STARTS = new Set(['start', 'toTable', 'table']);
const DEFAULT_INTERVAL = '1 minute';

export const streamingWriteWithoutTrigger: Rule = {
  code: 'PSA215',
  name: 'streaming-write-without-trigger',
  summary:
    'A streaming query from Kafka, Kinesis, Event Hubs, Auto Loader or a Delta table into Delta, files or foreachBatch with no trigger(): micro-batches run back to back, each one a commit and a batch job.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      if (!sink.streaming || sink.trigger || !STARTS.has(sink.method) || seen.has(sink.call.id)) continue;
      seen.add(sink.call.id);
      if (ctx.code.isManagedPipeline(sink.call)) continue;
      const sinkKind = perBatchSink(sink);
      if (!sinkKind) continue;
      const source = costlySource(sink.frame);
      if (!source) continue;
      // Read from a session the file never binds: a notebook export or a book chapter's REPL script.
      const root = chainRoot(source.frame.node);
      if (root && root.text !== 'self' && !boundInFile(ctx.text, root.text)) continue;
      // A query the code stops moments later (a tutorial's sleep-and-stop) has no steady state.
      if (stoppedSoonAfterStart(sink)) continue;
      ctx.report({
        // A writer built in an earlier statement: the call that starts the query is the place.
        start: (sink.writerNode.startIndex >= sink.call.startIndex ? sink.writerNode : sink.call).startIndex,
        end: sink.call.endIndex,
        message:
          `No trigger(): this query from ${source.label} into ${sinkKind} starts the next micro-batch as soon as the ` +
          "previous one ends (Spark's default, processingTime='0 seconds'), around the clock. Each micro-batch " +
          perBatchCost(sinkKind) +
          ', and the cluster never idles. ' +
          "Say what latency the data needs: .trigger(processingTime='1 minute'), or .trigger(availableNow=True) in a " +
          'scheduled job.',
        related: [related(source.frame.node, 'the stream is read here')],
        fixes: [triggerFix(sink)].filter((f): f is Fix => !!f),
        why: `source ${source.label}, sink ${sinkKind}, no trigger() on the writer`,
      });
    }
  },
};

/** What each micro-batch costs at the sink, when it is a commit or a batch job; undefined for cheap or unknown sinks. */
function perBatchSink(sink: SinkInfo): string | undefined {
  if (sink.foreachBatch) return 'foreachBatch';
  if (sink.formatUnknown) return undefined;
  const format = sink.format?.toLowerCase();
  if (format) return FILE_SINKS.has(format) ? (format === 'delta' ? 'a Delta table' : `${format} files`) : undefined;
  // No format: a table write (Delta by default on Databricks) or a path in the session's default format.
  if (sink.method === 'toTable' || sink.method === 'table') return 'a table';
  return sink.path || sink.pathNode ? 'files' : undefined;
}

function perBatchCost(sinkKind: string): string {
  if (sinkKind === 'foreachBatch')
    return 'runs your batch function (a MERGE, a JDBC write) once more: a trickle of events becomes thousands of batch jobs a day';
  if (sinkKind.endsWith(' files') || sinkKind === 'files') return 'writes new small files: a trickle of events becomes thousands of them a day';
  return 'commits new files and a new table version: a trickle of events becomes thousands of small files and commits a day';
}

function costlySource(frame: Frame): { frame: Frame; label: string } | undefined {
  for (const f of streamingSources(frame)) {
    const s = f.source!;
    const format = s.format?.toLowerCase();
    if (format && COSTLY_SOURCES.has(format)) return { frame: f, label: label(format) };
    // `readStream.table(...)`: a Delta table on Databricks and wherever Delta is the catalog's format.
    if (!format && s.kind === 'table') return { frame: f, label: 'a table' };
  }
  return undefined;
}

function label(format: string): string {
  switch (format) {
    case 'kafka':
      return 'Kafka';
    case 'cloudfiles':
      return 'Auto Loader';
    case 'kinesis':
    case 'aws-kinesis':
      return 'Kinesis';
    case 'eventhubs':
      return 'Event Hubs';
    case 'pubsub':
      return 'Pub/Sub';
    default:
      return 'a Delta table';
  }
}

/** `.trigger(processingTime="1 minute")` before the call that starts the query; the interval is the user's. */
function triggerFix(sink: SinkInfo): Fix | undefined {
  const parts = callParts(sink.call);
  if (!parts?.object) return undefined;
  const at = unwrapParens(parts.object).endIndex;
  return {
    title: `Add .trigger(processingTime="${DEFAULT_INTERVAL}") (set the latency the data needs)`,
    edits: [withPlaceholders({ start: at, end: at, newText: `.trigger(processingTime="${DEFAULT_INTERVAL}")` }, DEFAULT_INTERVAL)],
    applicability: 'display-only',
    reason: 'choose the interval: how stale the table may be',
  };
}
