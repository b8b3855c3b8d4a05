import type { DataFrameModel, TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { groupBy, perModel } from './scopeIndex';

const transformsByRange = new WeakMap<DataFrameModel, Map<'calls', { span: number; groups: Map<number, TransformCall[]> }>>();

/**
 * The transform whose call is the shortest one around `call` without `call` in its receiver (the
 * first in the model's order among equals): the frame the call is evaluated on. A range of the
 * tree that contains `call`'s (which is never empty) is the range of `call` itself or of one of its
 * ancestors, and nested ranges of different extent differ in length, so the ranges met climbing
 * from `call` are the candidates shortest first. Looked up per range (grouped once per model):
 * every transform of the file scanned per argument of every UDF call grew with the square of the file.
 */
export function innermostTransformAround(model: DataFrameModel, call: Node): TransformCall | undefined {
  // A range as one number (`rangeKey`), not a string made per transform and per ancestor climbed. The
  // span is fixed with the groups: the root object is taken over, with a new end, by the next copy.
  const { span, groups: byRange } = perModel(transformsByRange, model, 'calls', () => {
    const end = model.root.endIndex + 1;
    return { span: end, groups: groupBy(model.transforms, (t) => rangeKey(t.call, end)) };
  });
  let last = -1;
  for (let n: Node | null = call; n; n = n.parent) {
    const key = rangeKey(n, span);
    if (key === last) continue;
    last = key;
    const found = byRange.get(key)?.find((t) => !(t.receiver.startIndex <= call.startIndex && call.endIndex <= t.receiver.endIndex));
    if (found) return found;
  }
  return undefined;
}

/**
 * `start * span + end`: one number per range of the file, distinct for distinct ranges since every
 * offset is below `span` (the text's length plus one), and exact as a double while the file is under
 * 94 million characters (`span` squared below 2^53).
 */
function rangeKey(node: { startIndex: number; endIndex: number }, span: number): number {
  return node.startIndex * span + node.endIndex;
}
