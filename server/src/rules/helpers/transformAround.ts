import type { DataFrameModel, TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { groupBy, perModel } from './scopeIndex';

const transformsByStart = new WeakMap<DataFrameModel, Map<'calls', Map<number, TransformCall[]>>>();

/**
 * The transform whose call is the shortest one around `call` without `call` in its receiver (the
 * first in the model's order among equals): the frame the call is evaluated on. A range of the
 * tree that contains `call`'s (which is never empty) is the range of `call` itself or of one of its
 * ancestors, and nested ranges of different extent differ in length, so the ranges met climbing
 * from `call` are the candidates shortest first. Looked up per range (grouped once per model):
 * every transform of the file scanned per argument of every UDF call grew with the square of the file.
 */
export function innermostTransformAround(model: DataFrameModel, call: Node): TransformCall | undefined {
  // Grouped by start offset (a small integer key), each group in the model's order, and matched on the
  // end when looked up: a key made of both offsets (`start * span + end`) is past the small integers
  // for any file over 46k characters, and a map keyed by such numbers cost a third of this rule.
  const byStart = perModel(transformsByStart, model, 'calls', () => groupBy(model.transforms, (t) => t.call.startIndex));
  let lastStart = -1;
  let lastEnd = -1;
  for (let n: Node | null = call; n; n = n.parent) {
    const start = n.startIndex;
    const end = n.endIndex;
    if (start === lastStart && end === lastEnd) continue;
    lastStart = start;
    lastEnd = end;
    const found = byStart
      .get(start)
      ?.find((t) => t.call.endIndex === end && !(t.receiver.startIndex <= call.startIndex && call.endIndex <= t.receiver.endIndex));
    if (found) return found;
  }
  return undefined;
}
