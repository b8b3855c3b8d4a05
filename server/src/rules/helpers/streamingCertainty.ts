import type { DataFrameModel } from '../../model/types';
import { contains } from '../../model/branches';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { callsNamed } from './callIndex';

/**
 * Certainty for the streaming rules: a use guarded by `isStreaming`, a use inside a foreachBatch
 * function. Whether a stream is built on every path to a use lives with the model
 * (model/branches.ts), which asks it too when it follows a temp view; re-exported here for the rules.
 */
export { builtOnEveryPath, streamingOnEveryPath } from '../../model/branches';

const MAX_UP = 10_000;

/** Whether `use` sits under an `if`/conditional whose test reads `isStreaming` (the code checks before acting). */
export function guardedByIsStreaming(use: Node): boolean {
  let n: Node | null = use.parent;
  for (let i = 0; n && i < MAX_UP; i++) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'module') break;
    const test = n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'while_statement' ? n.childForFieldName('condition') : undefined;
    if (test && /\bisStreaming\b/.test(test.text)) return true;
    if (n.type === 'conditional_expression' && /\bisStreaming\b/.test(n.text)) return true;
    n = n.parent;
  }
  return false;
}

const handlerCache = new WeakMap<DataFrameModel, { names: Set<string>; lambdas: Node[] }>();

/** Functions handed to `foreachBatch(...)`/`foreach(...)` of a stream writer: they see a static batch frame. */
function batchHandlers(model: DataFrameModel): { names: Set<string>; lambdas: Node[] } {
  let h = handlerCache.get(model);
  if (h) return h;
  h = { names: new Set(), lambdas: [] };
  for (const call of callsNamed(model, 'foreachBatch')) {
    const parts = callParts(call);
    if (parts?.name !== 'foreachBatch' || !parts.object) continue;
    for (const a of [...parts.args, ...parts.keywords.values()]) {
      const arg = unwrapParens(a);
      if (arg.type === 'lambda') h.lambdas.push(arg);
      // `process`, `self.process`, `partial(process, ...)`, `Handler(...).process`: any identifier in it.
      for (const id of arg.descendantsOfType('identifier')) if (id) h.names.add(id.text);
      if (arg.type === 'identifier') h.names.add(arg.text);
    }
  }
  handlerCache.set(model, h);
  return h;
}

/** Whether `use` runs inside a function (or lambda) given to `foreachBatch`, or a function nested in one. */
export function insideBatchHandler(model: DataFrameModel, use: Node): boolean {
  const h = batchHandlers(model);
  if (h.lambdas.some((l) => contains(l, use))) return true;
  let n: Node | null = use.parent;
  for (let i = 0; n && i < MAX_UP; i++) {
    if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text;
      if (name && h.names.has(name)) return true;
    }
    n = n.parent;
  }
  return false;
}
