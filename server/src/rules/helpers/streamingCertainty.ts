import type { DataFrameModel, Frame } from '../../model/types';
import { lineage } from '../../model/lineage';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { callsNamed } from './callIndex';

/**
 * Whether a streaming frame is streaming on every path that reaches a use of it. The model binds
 * names path-insensitively (the last assignment wins), so a frame read with `readStream` in one
 * branch of an `if` and with `read` in the other looks streaming after the `if`. A rule that says
 * "Spark rejects this" must be silent then.
 */

/** Blocks that may be skipped: the branches of `if`/`try`/`match`, the arms of `x if c else y`, the right side of `and`/`or`. */
const BRANCH_PARENTS = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'case_clause',
  'while_statement',
  'for_statement',
]);

const MAX_UP = 10_000;

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * The first construct around `node` that may not run, but whose run does not decide whether `use` runs.
 * With `tryBodyRuns`, a `try` body is not such a construct: a frame built there exists whenever the
 * body got that far, and no other frame is bound in its place (only its `except` arms are branches).
 */
function branchExcluding(node: Node, use: Node, tryBodyRuns = false): Node | undefined {
  let child = node;
  let n: Node | null = node.parent;
  for (let i = 0; n && i < MAX_UP; i++) {
    if (contains(n, use)) return undefined;
    if (child.type === 'block' && BRANCH_PARENTS.has(n.type) && !(tryBodyRuns && n.type === 'try_statement')) return n;
    if (n.type === 'conditional_expression' || n.type === 'boolean_operator') return n;
    if (n.type === 'function_definition' || n.type === 'lambda') return undefined;
    child = n;
    n = n.parent;
  }
  return undefined;
}

/**
 * True when every streaming frame between `frame` and its streaming sources was built on a path
 * that always runs before `use`: none sits in a branch (of `if`, `try`, a loop, a conditional
 * expression) that does not also hold `use`. A frame returned from a branch of a function
 * (`if streaming: return spark.readStream...`) counts as built in that branch.
 */
export function streamingOnEveryPath(frame: Frame, use: Node, tryBodyRuns = false): boolean {
  for (const f of lineage(frame)) {
    if (f.streaming !== true) continue;
    if (branchExcluding(f.node, use, tryBodyRuns)) return false;
  }
  return true;
}

/** True when none of `frames` is built in a branch (of `if`, `try`, a loop, a conditional expression) that does not also hold `use`. */
export function builtOnEveryPath(frames: Iterable<Frame>, use: Node): boolean {
  for (const f of frames) if (branchExcluding(f.node, use)) return false;
  return true;
}

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
