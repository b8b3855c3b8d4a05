import { nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { callsNamed } from './callIndex';
import { perModel } from './scopeIndex';

const localMemo = new WeakMap<DataFrameModel, Map<'local', boolean>>();

/**
 * A name `display` the file defines or imports itself is not the notebook's. Once per model: a
 * function of the model alone, and the text search is a pass over the whole file (PSA201 asked it
 * once per streaming aggregation).
 */
export function displayIsLocal(model: DataFrameModel): boolean {
  return perModel(
    localMemo,
    model,
    'local',
    () =>
      nodesOfType(model, 'function_definition').some((d) => d.childForFieldName('name')?.text === 'display') ||
      /^\s*(from\s+\S+\s+import\s+[^\n]*\bdisplay\b|display\s*=)/m.test(model.root.text),
  );
}

/** The frame a `display(...)` argument evaluates to, when the model knows it. */
export function displayedFrameOf(model: DataFrameModel, arg: Node): Frame | undefined {
  const n = unwrapParens(arg);
  const ref = model.frameRefs.get(n.startIndex);
  if (ref && ref.end === n.endIndex) return ref.frame;
  return model.frames.find((f) => f.node.startIndex === n.startIndex && f.node.endIndex === n.endIndex);
}

/** Each bare `display(frame)` call of the notebook (not a method, not a local `display`) with the frame the model knows it shows. */
export function notebookDisplays(model: DataFrameModel): { call: Node; frame: Frame }[] {
  // With no call named `display` the loop finds nothing, local `display` or not: the file is not searched.
  const calls = callsNamed(model, 'display');
  if (calls.length === 0 || displayIsLocal(model)) return [];
  const out: { call: Node; frame: Frame }[] = [];
  for (const call of calls) {
    const parts = callParts(call);
    if (!parts || parts.object || parts.name !== 'display' || parts.args.length === 0) continue;
    const frame = displayedFrameOf(model, parts.args[0]);
    if (frame) out.push({ call, frame });
  }
  return out;
}
