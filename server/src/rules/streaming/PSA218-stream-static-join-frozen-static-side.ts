import { lineage } from '../../model/lineage';
import { isAncestorFrame, streamingSources, type Frame } from '../../model/types';
import { boundInFile, buildsLocalSession, chainRoot } from '../helpers/sessionBinding';
import { streamStaticJoins } from '../helpers/streamStaticJoins';
import { related, type Rule, type RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';
import { checkpointed } from '../../spark/frames';

const DEMO_SOURCES = new Set(['socket', 'rate']);

/** File formats Spark lists once, when the DataFrame is created (an InMemoryFileIndex), and never again. */
const LISTED_ONCE = new Set(['parquet', 'csv', 'json', 'orc', 'text', 'avro', 'xml']);

export const streamStaticJoinFrozenStaticSide: Rule = {
  code: 'PSA218',
  name: 'stream-static-join-frozen-static-side',
  summary:
    'An inner join of a stream with a static side read from files by path (parquet, csv, json, ...) or cached: the static side is fixed when the query starts, so stream rows whose key appears in it later are dropped.',
  defaultSeverity: 'information',
  check(ctx: RuleContext) {
    // A session on a local master is a demo run on one machine, over sample files that do not change.
    if (buildsLocalSession(ctx.text)) return;
    for (const j of streamStaticJoins(ctx.model)) {
      if (j.how !== 'inner') continue;
      // Sinks for looking at the data: nothing downstream misses the dropped rows.
      const sinks = ctx.model.sinks.filter((s) => s.streaming && isAncestorFrame(j.result, s.frame));
      if (sinks.length && sinks.every((s) => isDisplayFormat(s.format))) continue;
      const staticSide = j.streamSide === 'left' ? j.right : j.left;
      const frozen = frozenBy(staticSide);
      if (!frozen) continue;
      const stream = streamingSources(j.streamSide === 'left' ? j.left : j.right)[0];
      if (stream && DEMO_SOURCES.has(stream.source?.format?.toLowerCase() ?? '')) continue;
      // Read from a session the file never binds: a notebook export or a book chapter's REPL script.
      const root = stream ? chainRoot(stream.node) : undefined;
      if (root && root.text !== 'self' && !boundInFile(ctx.text, root.text)) continue;
      ctx.report({
        start: j.methodNode.startIndex,
        end: j.call.endIndex,
        message:
          `An inner join of a stream with ${frozen.what}: ${frozen.why} Stream rows whose key is added to it after ` +
          'the query starts find no match and are dropped by the inner join, with no error, until the query is restarted. ' +
          frozen.instead +
          ', or join "left_outer" and backfill the unmatched rows. Fixed reference data that never changes is fine.',
        related: [related(frozen.node, frozen.label), ...(stream ? [related(stream.node, 'the stream is read here')] : [])],
      });
    }
  },
};

interface Frozen {
  what: string;
  why: string;
  node: Frame['node'];
  label: string;
  instead: string;
}

/** Why the static side cannot change while the query runs; undefined when it may (Delta, a table, JDBC, literal rows). */
function frozenBy(side: Frame): Frozen | undefined {
  let fileRead: Frame | undefined;
  for (const f of lineage(side)) {
    if (f.cached) {
      // checkpoint()/localCheckpoint() freeze it as surely as cache(): a snapshot written once.
      return checkpointed(f)
        ? {
            what: 'a checkpointed static DataFrame',
            why: 'the checkpoint is a snapshot written once, and every micro-batch joins that copy.',
            node: f.cached,
            label: 'the static side is checkpointed here',
            instead: 'Do not checkpoint the static side (a Delta table is then re-read at its latest version each micro-batch)',
          }
        : {
            what: 'a cached static DataFrame',
            why: 'the cache is filled once, the first time a micro-batch reads it, and every later micro-batch joins that copy.',
            node: f.cached,
            label: 'the static side is cached here',
            instead: 'Do not cache the static side (a Delta table is then re-read at its latest version each micro-batch)',
          };
    }
    const s = f.source;
    if (!s) continue;
    const format = s.format?.toLowerCase();
    // Every source of the static side must be a listing of files: a table or a Delta read is re-resolved.
    if (s.kind !== 'read' || !format || !LISTED_ONCE.has(format) || !s.path) return undefined;
    fileRead ??= f;
  }
  if (!fileRead) return undefined;
  const format = fileRead.source!.format!.toLowerCase();
  return {
    what: `a static ${format} read of "${fileRead.source!.path}"`,
    why: `Spark lists the ${format} files of that path once, when the DataFrame is created, and every micro-batch joins those files only.`,
    node: fileRead.node,
    label: 'the static side is read here',
    instead: 'Read the static side from a Delta table (each micro-batch joins its latest version)',
  };
}
