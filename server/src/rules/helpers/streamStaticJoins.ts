import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString } from '../../parsing/syntax';
import { builtOnEveryPath, insideBatchHandler, streamingOnEveryPath } from './streamingCertainty';
import { lineage } from '../../model/lineage';

/**
 * Joins of a streaming frame with a static (batch) one, as the model saw them: which side streams,
 * and the join type as Spark normalises it (`left_outer` → `leftouter`, `full` → `fullouter`).
 */
export interface StreamStaticJoin {
  /** The joined frame. */
  result: Frame;
  left: Frame;
  right: Frame;
  /** Which side is the stream. */
  streamSide: 'left' | 'right';
  /** Spark's join type name: inner, cross, leftouter, rightouter, fullouter, leftsemi, leftanti; undefined: not readable. */
  how: string | undefined;
  /** The `join(...)` call and its method name node. */
  call: Node;
  methodNode: Node;
}

/** `how` strings as Spark's JoinType reads them (lower case, underscores dropped). */
const JOIN_TYPES: Record<string, string> = {
  inner: 'inner',
  cross: 'cross',
  outer: 'fullouter',
  full: 'fullouter',
  fullouter: 'fullouter',
  left: 'leftouter',
  leftouter: 'leftouter',
  right: 'rightouter',
  rightouter: 'rightouter',
  semi: 'leftsemi',
  leftsemi: 'leftsemi',
  anti: 'leftanti',
  leftanti: 'leftanti',
};

const memo = new WeakMap<DataFrameModel, StreamStaticJoin[]>();

/**
 * Every `a.join(b, ...)` where one side is certainly a stream and the other certainly static, on
 * every path that reaches the join, outside foreachBatch handlers (whose frames are batches).
 */
export function streamStaticJoins(model: DataFrameModel): StreamStaticJoin[] {
  let list = memo.get(model);
  if (list) return list;
  list = [];
  const seen = new Set<number>();
  for (const f of model.frames) {
    if (f.op !== 'join' || f.parents.length !== 2 || seen.has(f.node.id)) continue;
    const [left, right] = f.parents;
    const streamSide =
      left.streaming === true && right.streaming === false ? 'left' : left.streaming === false && right.streaming === true ? 'right' : undefined;
    if (!streamSide) continue;
    const parts = callParts(f.node);
    if (parts?.name !== 'join' || !parts.nameNode) continue;
    const stream = streamSide === 'left' ? left : right;
    const batch = streamSide === 'left' ? right : left;
    if (!streamingOnEveryPath(stream, f.node) || !builtOnEveryPath(lineage(batch), f.node)) continue;
    if (insideBatchHandler(model, f.node)) continue;
    seen.add(f.node.id);
    list.push({ result: f, left, right, streamSide, how: joinType(parts.args[2] ?? parts.keywords.get('how')), call: f.node, methodNode: parts.nameNode });
  }
  memo.set(model, list);
  return list;
}

/** Spark's join type for the `how` argument: inner when absent, undefined when the model cannot read it. */
function joinType(how: Node | undefined): string | undefined {
  if (!how) return 'inner';
  const s = literalString(how);
  if (s === undefined) return undefined;
  return JOIN_TYPES[s.toLowerCase().replace(/_/g, '')];
}
