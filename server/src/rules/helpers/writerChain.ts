import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, sameNode, unwrapParens, type CallParts } from '../../parsing/syntax';

const MAX_CHAIN = 500;

/**
 * The method calls written between `.write` and the terminal call of `sink`, outermost (the
 * terminal) first, when the chain is one expression. A writer kept in a variable and finished
 * elsewhere yields only the calls of the final expression.
 */
export function writerChainCalls(sink: SinkInfo): { call: Node; parts: CallParts }[] {
  const out: { call: Node; parts: CallParts }[] = [];
  let n: Node | null = sink.call;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type !== 'call') break;
    const parts = callParts(n);
    if (!parts?.object) break;
    out.push({ call: n, parts });
    const object = unwrapParens(parts.object);
    if (object.type === 'attribute' && sameNode(object.childForFieldName('attribute'), sink.writerNode)) break;
    n = object;
  }
  return out;
}

/** True when the chain a writer method (`trigger`, `foreachBatch`) hangs off goes through `.writeStream` (a DataStreamWriter). */
export function chainHasWriteStream(object: Node): boolean {
  let n: Node | null = object;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type === 'attribute') {
      if (n.childForFieldName('attribute')?.text === 'writeStream') return true;
      n = n.childForFieldName('object');
    } else if (n.type === 'call') {
      n = n.childForFieldName('function');
    } else return false;
  }
  return false;
}

/** The DataFrameWriter / DataFrameWriterV2 methods that set up a write and return the writer. */
export const WRITER_SETUP: ReadonlySet<string> = new Set([
  'mode',
  'option',
  'options',
  'format',
  'partitionBy',
  'bucketBy',
  'sortBy',
  'clusterBy',
  'using',
  'partitionedBy',
  'tableProperty',
]);

/**
 * What made the batch writer a terminal call hangs off, read from the chain alone: `'write'` for
 * `x.write.<setup>*`, `'writeTo'` for `x.writeTo(t).<setup>*`, where every call in between is a
 * writer setup method. `model.write()` (an MLWriter: `write` is called), `.writeStream`, and a writer
 * kept in a variable give undefined.
 */
export function batchWriterMaker(object: Node): 'write' | 'writeTo' | undefined {
  let n: Node | null = object;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type === 'attribute') return n.childForFieldName('attribute')?.text === 'write' ? 'write' : undefined;
    if (n.type !== 'call') return undefined;
    const parts = callParts(n);
    if (parts?.name === 'writeTo' && parts.object) return 'writeTo';
    if (!parts?.name || !parts.object || !WRITER_SETUP.has(parts.name)) return undefined;
    n = parts.object;
  }
  return undefined;
}
