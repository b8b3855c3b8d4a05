import type { Frame, SinkInfo } from '../../model/types';
import { booleanSetting } from '../helpers/sessionConf';
import { pathKey, tableKey } from '../helpers/delta';
import { related, type Rule, type RuleContext } from '../rule';

/** Delta source options under which a rewrite of the source does not stop the stream. */
const TOLERANT = ['skipChangeCommits', 'ignoreChanges'];

function sourceKey(f: Frame): string | undefined {
  const s = f.source;
  if (!s?.streaming) return undefined;
  if (s.kind === 'table' && s.table !== undefined) return tableKey(s.table);
  if (s.kind === 'read' && s.format?.toLowerCase() === 'delta' && s.path !== undefined) return pathKey(s.path);
  return undefined;
}

function sinkKey(s: SinkInfo): string | undefined {
  if (s.streaming || s.mode?.toLowerCase() !== 'overwrite') return undefined;
  if (s.table !== undefined) return s.format === undefined || s.format.toLowerCase() === 'delta' ? tableKey(s.table) : undefined;
  if (s.path !== undefined && s.format?.toLowerCase() === 'delta') return pathKey(s.path);
  return undefined;
}

function tolerates(f: Frame): boolean {
  const s = f.source!;
  if (s.optionsUnknown) return true;
  for (const [k, v] of s.options) {
    if (TOLERANT.some((t) => t.toLowerCase() === k.toLowerCase()) && booleanSetting(v) !== false) return true;
  }
  return false;
}

export const overwriteOfStreamedDeltaTable: Rule = {
  code: 'PSA804',
  name: 'overwrite-of-streamed-delta-table',
  summary:
    'A batch overwrite of a Delta table or path that a stream of the same program reads: the stream stops with "Detected a data update in the source table".',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const streams = new Map<string, Frame>();
    for (const f of ctx.model.frames) {
      const key = sourceKey(f);
      // A `{name}` the model could not resolve may stand for different tables.
      if (key && !key.includes('{') && !streams.has(key) && !tolerates(f)) streams.set(key, f);
    }
    if (streams.size === 0) return;
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      const key = sinkKey(sink);
      const stream = key ? streams.get(key) : undefined;
      // Overwritten before the stream is even read: the stream starts from the new snapshot.
      if (!stream || sink.call.startIndex < stream.node.startIndex || seen.has(sink.call.id)) continue;
      // `option("dataChange", "false")`: a compaction that rearranges files; Delta stream sources skip such commits.
      const dataChange = sink.options.get('dataChange');
      if (sink.optionsUnknown || (dataChange && booleanSetting(dataChange.value) !== true)) continue;
      seen.add(sink.call.id);
      ctx.report({
        start: sink.writerNode.startIndex,
        end: sink.call.endIndex,
        message:
          'Overwrite of a Delta table that a stream of this program reads: the overwrite commit rewrites every file, and ' +
          'the Delta stream source stops with "Detected a data update ... in the source table. This is currently not supported" ' +
          '(DELTA_SOURCE_TABLE_IGNORE_CHANGES), on this run or at its next restart from the checkpoint. Append to the table ' +
          'instead, or, if rewrites are intended, read it with option("skipChangeCommits", "true") and accept that the ' +
          'stream ignores the rewritten rows.',
        related: [related(stream.node, 'the stream reads the table here')],
      });
    }
  },
};
