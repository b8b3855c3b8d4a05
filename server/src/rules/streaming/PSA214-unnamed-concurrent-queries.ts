import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { enclosingScope } from '../../parsing/syntax';
import { callsNamedAny } from '../helpers/callIndex';
import { QUERY_STARTS, queryNamed } from '../helpers/queryName';
import { boundInFile, chainRoot } from '../helpers/sessionBinding';
import { streamingSources } from '../../model/types';
import { related, type Rule, type RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';
import { displayOnlyHandler } from '../helpers/displayHandlers';
import { isPlaceholderPath, isPlaceholderServers } from '../helpers/templateValues';

/** Calls that end or wait for a query before the next one starts: the queries then run one after another. */
const SEQUENCING = new Set(['awaitTermination', 'stop', 'processAllAvailable']);

export const unnamedConcurrentQueries: Rule = {
  code: 'PSA214',
  name: 'unnamed-concurrent-queries',
  summary: 'Several streaming queries started together in one scope, this one without queryName: their progress, metrics and failures cannot be told apart.',
  defaultSeverity: 'information',
  check(ctx: RuleContext) {
    const byScope = new Map<number, SinkInfo[]>();
    const seen = new Set<number>();
    for (const s of ctx.model.sinks) {
      if (!s.streaming || !QUERY_STARTS.has(s.method) || seen.has(s.call.id)) continue;
      seen.add(s.call.id);
      // Display queries (console, memory, a foreach function that only prints) are looks at a stream, not queries to monitor.
      if (isDisplayFormat(s.format) || displayOnlyHandler(ctx.model, s)) continue;
      // Copied from documentation (a placeholder path or broker list): a template, whose queries never run as written.
      if ([s.path, s.options.get('checkpointLocation')?.value].some((p) => p !== undefined && isPlaceholderPath(p))) continue;
      if (kafkaServers(s).some(isPlaceholderServers)) continue;
      // Read from a session the file never binds: a notebook export or a book chapter's REPL script.
      const root = streamingSources(s.frame)
        .map((f) => chainRoot(f.node))
        .find((r) => r);
      if (root && root.text !== 'self' && !boundInFile(ctx.text, root.text)) continue;
      const list = byScope.get(s.scope.id) ?? [];
      list.push(s);
      byScope.set(s.scope.id, list);
    }
    const sequencers = callsNamedAny(ctx.model, SEQUENCING);
    for (const queries of byScope.values()) {
      if (queries.length < 2) continue;
      queries.sort((a, b) => a.call.startIndex - b.call.startIndex);
      // Queries awaited or stopped between two starts run one after another, not together.
      const first = queries[0].call;
      const last = queries[queries.length - 1].call;
      if (sequencers.some((c) => c.startIndex > first.endIndex && c.startIndex < last.startIndex && sameScope(c, queries[0]))) continue;
      for (const s of queries) {
        if (queryNamed(s) !== false) continue;
        ctx.report({
          start: s.writerNode.startIndex,
          end: s.call.endIndex,
          message:
            `${queries.length} streaming queries are started together here and this one has no queryName: in the ` +
            "Spark UI's Structured Streaming tab, StreamingQueryListener events, spark.streams.active and the logs it " +
            'appears only as a random id that changes on every restart, so its progress, lag and failures cannot be ' +
            'told from the others\'. Add .queryName("...") before start().',
          related: queries
            .filter((o) => o !== s)
            .slice(0, 3)
            .map((o) => related(o.call, 'another query started here')),
        });
      }
    }
  },
};

/** The Kafka broker lists the query names: its Kafka sink's and its Kafka sources'. */
function kafkaServers(s: SinkInfo): string[] {
  const key = 'kafka.bootstrap.servers';
  const values = [s.options.get(key)?.value, ...streamingSources(s.frame).map((f) => f.source?.options.get(key))];
  return values.filter((v): v is string => v !== undefined);
}

function sameScope(call: Node, sink: SinkInfo): boolean {
  const scope = enclosingScope(call);
  return scope.startIndex === sink.scope.startIndex && scope.endIndex === sink.scope.endIndex;
}
