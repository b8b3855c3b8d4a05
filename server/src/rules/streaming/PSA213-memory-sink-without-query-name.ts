import { QUERY_STARTS, queryNamed } from '../helpers/queryName';
import type { Rule, RuleContext } from '../rule';

export const memorySinkWithoutQueryName: Rule = {
  code: 'PSA213',
  name: 'memory-sink-without-query-name',
  summary: 'writeStream.format("memory") started without queryName: Spark refuses to start it (the name is the in-memory table the results go to).',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const s of ctx.model.sinks) {
      if (!s.streaming || !QUERY_STARTS.has(s.method) || s.format?.toLowerCase() !== 'memory' || seen.has(s.call.id)) continue;
      seen.add(s.call.id);
      if (queryNamed(s) !== false) continue;
      ctx.report({
        start: s.writerNode.startIndex,
        end: s.call.endIndex,
        message:
          'A memory sink without queryName: Spark refuses to start the query (AnalysisException "queryName must be ' +
          'specified for memory sink"), because the name is the in-memory table the results go to. Add ' +
          '.queryName("orders_preview") and read the results with spark.table("orders_preview").',
      });
    }
  },
};
