import type { Node } from '../parsing/pythonParser';
import { lineage } from './lineage';
import type { Frame } from './types';

/**
 * Whether code runs on every path to a later use. The model binds names path-insensitively (the
 * last assignment wins), so a frame read with `readStream` in one branch of an `if` and with `read`
 * in the other looks streaming after the `if`; what says "this is surely a stream" (a rule, or the
 * model following a temp view) asks here first.
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

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * The first construct around `node` that may not run, but whose run does not decide whether `use` runs.
 * With `tryBodyRuns`, a `try` body is not such a construct: a frame built there exists whenever the
 * body got that far, and no other frame is bound in its place (only its `except` arms are branches).
 */
export function branchExcluding(node: Node, use: Node, tryBodyRuns = false): Node | undefined {
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
