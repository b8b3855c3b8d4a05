import type { SinkInfo } from '../../model/types';
import { sameNode, unwrapParens } from '../../parsing/syntax';
import { writerChainCalls } from './writerChain';

/** Terminal calls that start a streaming query. */
export const QUERY_STARTS = new Set(['start', 'toTable']);

/**
 * Whether the query is given a name: `.queryName(...)` or `.option("queryName", ...)` on the writer
 * (DataStreamWriter.queryName sets that option). Undefined when part of the writer chain is out of
 * sight (a writer kept in a variable, options the model cannot read).
 */
export function queryNamed(sink: SinkInfo): boolean | undefined {
  if (sink.options.has('queryName')) return true;
  const chain = writerChainCalls(sink);
  if (chain.some((c) => c.parts.name === 'queryName')) return true;
  if (sink.optionsUnknown) return undefined;
  const last = chain[chain.length - 1];
  const object = last?.parts.object ? unwrapParens(last.parts.object) : undefined;
  // The chain reaches `.writeStream`: every writer call is in sight.
  return object?.type === 'attribute' && sameNode(object.childForFieldName('attribute'), sink.writerNode) ? false : undefined;
}
