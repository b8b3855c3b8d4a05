import type { DataFrameModel, TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { groupBy, perModel } from './scopeIndex';

const transformsByRange = new WeakMap<DataFrameModel, Map<'calls', Map<string, TransformCall[]>>>();

/**
 * The transform whose call is the shortest one around `call` without `call` in its receiver (the
 * first in the model's order among equals): the frame the call is evaluated on. A range of the
 * tree that contains `call`'s (which is never empty) is the range of `call` itself or of one of its
 * ancestors, and nested ranges of different extent differ in length, so the ranges met climbing
 * from `call` are the candidates shortest first. Looked up per range (grouped once per model):
 * every transform of the file scanned per argument of every UDF call grew with the square of the file.
 */
export function innermostTransformAround(model: DataFrameModel, call: Node): TransformCall | undefined {
  const byRange = perModel(transformsByRange, model, 'calls', () => groupBy(model.transforms, (t) => `${t.call.startIndex}:${t.call.endIndex}`));
  let last = '';
  for (let n: Node | null = call; n; n = n.parent) {
    const key = `${n.startIndex}:${n.endIndex}`;
    if (key === last) continue;
    last = key;
    const found = byRange.get(key)?.find((t) => !(t.receiver.startIndex <= call.startIndex && call.endIndex <= t.receiver.endIndex));
    if (found) return found;
  }
  return undefined;
}
