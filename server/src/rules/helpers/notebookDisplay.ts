import { nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { callsNamed } from './callIndex';

/** A name `display` the file defines or imports itself is not the notebook's. */
export function displayIsLocal(model: DataFrameModel): boolean {
  return (
    nodesOfType(model, 'function_definition').some((d) => d.childForFieldName('name')?.text === 'display') ||
    /^\s*(from\s+\S+\s+import\s+[^\n]*\bdisplay\b|display\s*=)/m.test(model.root.text)
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
  if (displayIsLocal(model)) return [];
  const out: { call: Node; frame: Frame }[] = [];
  for (const call of callsNamed(model, 'display')) {
    const parts = callParts(call);
    if (!parts || parts.object || parts.name !== 'display' || parts.args.length === 0) continue;
    const frame = displayedFrameOf(model, parts.args[0]);
    if (frame) out.push({ call, frame });
  }
  return out;
}
