import type { ActionUse } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode, unwrapParens } from '../../parsing/syntax';

// Actions whose only use is an emptiness test: PSA104 reports them, PSA102/PSA103 leave them to it.

/** How an emptiness test reads: which node the fix replaces, and whether it asks "is it empty?". */
export interface EmptinessCheck {
  action: ActionUse;
  /** The whole test (`df.count() == 0`, `not df.count()`, `len(df.collect()) > 0`, the bare `df.count()` in `if df.count():`). */
  test: Node;
  empty: boolean;
  /** `count` or `collect` (for `len(df.collect())` and `if df.collect():`). */
  via: 'count' | 'collect';
  /**
   * `n = df.count()` whose every later use is an emptiness test (`if n > 0:`): the variable and
   * its tests. `test` is then the `df.count()` call itself.
   */
  stored?: { name: string; tests: Node[] };
}

/** `count() OP n` asking "empty?" (true) or "non-empty?" (false), with the count on the left. */
const LEFT_TESTS: Record<string, Record<string, boolean>> = {
  '==': { '0': true },
  '!=': { '0': false },
  '>': { '0': false },
  '>=': { '1': false },
  '<': { '1': true },
  '<=': { '0': true },
};
/** A comparison operator with its operands swapped (`a < b` is `b > a`). */
export const MIRRORED: Readonly<Record<string, string>> = { '==': '==', '!=': '!=', '>': '<', '<': '>', '>=': '<=', '<=': '>=' };

/** Parents whose child is read only for its truth value. */
function isTruthContext(node: Node): boolean {
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
      return sameNode(p.childForFieldName('condition'), node);
    case 'conditional_expression':
      return sameNode(p.namedChildren[1], node);
    case 'assert_statement':
      return sameNode(p.namedChildren[0], node);
    case 'not_operator':
      return true;
    case 'boolean_operator':
    case 'parenthesized_expression':
      return isTruthContext(p);
    default:
      return false;
  }
}

/** Climbs parentheses: the outermost node that is just `node` in brackets. */
function outerParens(node: Node): Node {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** The node a "what does this value mean" test applies to (`df.count()` or `len(df.collect())`). */
function emptinessTest(value: Node): { test: Node; empty: boolean } | undefined {
  const v = outerParens(value);
  const p = v.parent;
  if (!p) return undefined;
  if (p.type === 'comparison_operator') {
    const operands = p.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (operands.length !== 2) return undefined;
    const op = p.children.find((c) => c && !c.isNamed)?.text;
    if (!op) return undefined;
    const valueLeft = sameNode(operands[0], v);
    const other = unwrapParens(valueLeft ? operands[1] : operands[0]);
    if (other.type !== 'integer') return undefined;
    const normalized = valueLeft ? op : MIRRORED[op];
    const empty = normalized ? LEFT_TESTS[normalized]?.[other.text] : undefined;
    return empty === undefined ? undefined : { test: p, empty };
  }
  if (p.type === 'not_operator') return { test: p, empty: true };
  if (p.type === 'argument_list') {
    const call = p.parent!;
    const parts = callParts(call);
    return parts && !parts.object && parts.name === 'bool' && parts.args.length === 1 ? { test: call, empty: false } : undefined;
  }
  if (isTruthContext(v)) return { test: v, empty: false };
  return undefined;
}

/** `len(<call>)` around a call, when the call is its only argument. */
function lenAround(call: Node): Node | undefined {
  const v = outerParens(call);
  const list = v.parent;
  if (list?.type !== 'argument_list' || !list.parent) return undefined;
  const parts = callParts(list.parent);
  return parts && !parts.object && parts.name === 'len' && parts.args.length === 1 ? list.parent : undefined;
}

/** A `count()` / `collect()` whose only use is to decide whether the frame has rows. */
export function emptinessCheckOf(action: ActionUse): EmptinessCheck | undefined {
  if (action.frame.streaming === true) return undefined;
  if (action.method === 'count') {
    if (action.call.childForFieldName('arguments')?.namedChildren.some((c) => c && c.type !== 'comment')) return undefined;
    const t = emptinessTest(action.call);
    if (t) return { action, ...t, via: 'count' };
    const stored = storedForEmptiness(action.call);
    return stored && { action, test: action.call, empty: false, via: 'count', stored };
  }
  if (action.method === 'collect') {
    const len = lenAround(action.call);
    const t = emptinessTest(len ?? action.call);
    return t && { action, ...t, via: 'collect' };
  }
  return undefined;
}

/** Occurrences of a stored count's name looked at before giving up (a long module). */
const MAX_NODES = 200_000;

/**
 * `n = df.count()` followed only by emptiness tests of `n` in the same scope (`if n == 0: return`).
 * Any other occurrence (a log line, arithmetic, a return, a rebinding, a use before the assignment,
 * a `global`) means the number itself is wanted.
 */
function storedForEmptiness(call: Node): { name: string; tests: Node[] } | undefined {
  const right = outerParens(call);
  const assignment = right.parent;
  if (assignment?.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), right)) return undefined;
  if (assignment.parent?.type !== 'expression_statement') return undefined;
  const target = assignment.childForFieldName('left');
  if (target?.type !== 'identifier') return undefined;
  const scope = enclosingScope(call);
  const tests: Node[] = [];
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length; steps++) {
    if (steps > MAX_NODES) return undefined;
    const cur = stack.pop()!;
    if (cur.type === 'identifier' && cur.text === target.text && !sameNode(cur, target)) {
      if (cur.startIndex < assignment.endIndex) return undefined;
      const t = emptinessTest(cur);
      if (!t) return undefined;
      tests.push(t.test);
    }
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  if (!tests.length) return undefined;
  return { name: target.text, tests: tests.sort((a, b) => a.startIndex - b.startIndex) };
}
