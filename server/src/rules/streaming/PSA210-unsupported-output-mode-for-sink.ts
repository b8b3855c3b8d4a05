import { streamingSources } from '../../model/types';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * Spark's file sink (FileStreamSink) writes each micro-batch as new files and supports only the
 * append output mode. Delta is left out: it takes complete mode (it rewrites the table).
 */
const FILE_SINK_FORMATS = new Set(['parquet', 'json', 'csv', 'orc', 'text', 'avro']);

export const unsupportedOutputModeForSink: Rule = {
  code: 'PSA210',
  name: 'unsupported-output-mode-for-sink',
  summary:
    'outputMode("complete") or ("update") on a streaming file sink (parquet, json, csv, orc, text, avro): Spark refuses to start the query, file sinks take append only.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      if (!sink.streaming || sink.foreachBatch || sink.formatUnknown || seen.has(sink.call.id)) continue;
      // toTable into a catalog table: the table's provider decides the sink, not format().
      if (sink.method !== 'start') continue;
      const mode = sink.outputMode?.trim().toLowerCase();
      const format = sink.format?.trim().toLowerCase();
      if ((mode !== 'complete' && mode !== 'update') || !format || !FILE_SINK_FORMATS.has(format)) continue;
      seen.add(sink.call.id);
      const stream = streamingSources(sink.frame)[0];
      ctx.report({
        node: sink.writerNode,
        message:
          `outputMode("${mode}") into a ${format} file sink: Spark refuses to start the query ("Data source ${format} ` +
          `does not support ${mode === 'complete' ? 'Complete' : 'Update'} output mode"). A file sink only adds new files, ` +
          'so it supports append only. Use outputMode("append") with a watermark on the aggregation (each window is ' +
          'written once, when it closes), or write to a sink that can rewrite rows: Delta (complete), or ' +
          'foreachBatch with a MERGE (update).',
        related: [related(sink.call, 'the query starts here'), ...(stream ? [related(stream.node, 'the stream is read here')] : [])],
      });
    }
  },
};
