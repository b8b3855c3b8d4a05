import { streamingSources } from '../../model/types';
import { related, type Rule, type RuleContext } from '../rule';
import { formatName, isBatchOnlyFormat } from '../../spark/writers';

/**
 * Spark's file sink (FileStreamSink) writes each micro-batch as new files and supports only the
 * append output mode. Delta is left out: it takes complete mode (it rewrites the table).
 */
const FILE_SINK_FORMATS = new Set(['parquet', 'json', 'csv', 'orc', 'text', 'avro']);

export const unsupportedOutputModeForSink: Rule = {
  code: 'PSA210',
  name: 'unsupported-output-mode-for-sink',
  summary:
    'outputMode("complete") or ("update") on a streaming file sink (parquet, json, csv, orc, text, avro), or a streaming write to a batch-only source (jdbc): Spark refuses to start the query.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      if (!sink.streaming || sink.foreachBatch || sink.formatUnknown || seen.has(sink.call.id)) continue;
      // toTable into a catalog table: the table's provider decides the sink, not format().
      if (sink.method !== 'start') continue;
      const mode = sink.outputMode?.trim().toLowerCase();
      const format = formatName(sink.format);
      const where = () => {
        const stream = streamingSources(sink.frame)[0];
        return [related(sink.call, 'the query starts here'), ...(stream ? [related(stream.node, 'the stream is read here')] : [])];
      };
      if (isBatchOnlyFormat(format)) {
        seen.add(sink.call.id);
        ctx.report({
          node: sink.writerNode,
          message:
            `A streaming query cannot write to ${format}: it is a batch-only data source, not a streaming sink, so Spark refuses to start the query ` +
            `("Data source ${format} does not support streamed writing"), whatever its output mode or checkpoint. Write each micro-batch ` +
            `with foreachBatch (a function doing batch_df.write.format("${format}")...mode("append").save()) and give the query a ` +
            'checkpointLocation; a micro-batch replayed after a failure is written again, so make the write idempotent if duplicates matter.',
          related: where(),
        });
        continue;
      }
      if ((mode !== 'complete' && mode !== 'update') || !format || !FILE_SINK_FORMATS.has(format)) continue;
      seen.add(sink.call.id);
      ctx.report({
        node: sink.writerNode,
        message:
          `outputMode("${mode}") into a ${format} file sink: Spark refuses to start the query ("Data source ${format} ` +
          `does not support ${mode === 'complete' ? 'Complete' : 'Update'} output mode"). A file sink only adds new files, ` +
          'so it supports append only. Use outputMode("append") with a watermark on the aggregation (each window is ' +
          'written once, when it closes), or write to a sink that can rewrite rows: Delta (complete), or ' +
          'foreachBatch with a MERGE (update).',
        related: where(),
      });
    }
  },
};
