import type { ActionUse } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, escapeRegExp, sameNode, unwrapParens } from '../../parsing/syntax';
import type { RuleContext } from '../rule';
import { MIRRORED } from './emptiness';
import { integerExpressionBounds } from './integerConstants';

// A collect run only when a count of the same frame said it is small:
//   n = values.count()
//   if n < 50: print(values.collect())
// The count bounds the rows collected, whatever the frame's lineage.

/** Comparisons whose true branch holds a count below the bound: `count OP bound`. */
const BELOW = new Set(['<', '<=']);
const ABOVE = new Set(['>', '>=']);
/** Statements between the count and the test looked at before giving up. */
const MAX_SIBLINGS = 50;

/**
 * The collecting action sits in a branch of an `if` that runs only when a count of the very same
 * frame is below a bound the code fixes (an integer literal or a name bound only to integer
 * literals): `if n < 50:` around it, or `if n > 50: ... else:` with it in the `else`. The count is
 * either in the test itself (`if df.count() <= 100:`) or stored just before it (`n = df.count()`,
 * in the same block, the name not bound again in between).
 */
export function boundedByCountGuard(ctx: RuleContext, action: ActionUse): boolean {
  let child: Node = action.call;
  for (let n = action.call.parent, depth = 0; n && depth < 200; child = n, n = n.parent, depth++) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition' || n.type === 'module') return false;
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition');
    if (!condition || sameNode(condition, child)) continue;
    const consequence = n.childForFieldName('consequence');
    // Only the `if`'s own body or a final `else` (an `elif` has a test of its own in between).
    const inBody = !!consequence && sameNode(consequence, child);
    const inElse = child.type === 'else_clause';
    if (!inBody && !inElse) continue;
    if (n.namedChildren.some((c) => c?.type === 'elif_clause') && inElse) continue;
    if (guards(ctx, action, n, condition, inBody ? BELOW : ABOVE)) return true;
  }
  return false;
}

/** `condition` compares a count of the action's frame with a fixed bound, the count on the side `wanted` says. */
function guards(ctx: RuleContext, action: ActionUse, ifStatement: Node, condition: Node, wanted: ReadonlySet<string>): boolean {
  const test = unwrapParens(condition);
  if (test.type !== 'comparison_operator') return false;
  const operands = test.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const operators = test.children.filter((c) => c && !c.isNamed);
  if (operands.length !== 2 || operators.length !== 1) return false;
  const op = operators[0]!.text;
  for (const [countSide, boundSide, normalized] of [
    [operands[0], operands[1], op],
    [operands[1], operands[0], MIRRORED[op]],
  ] as const) {
    if (!normalized || !wanted.has(normalized)) continue;
    const bound = integerExpressionBounds(ctx, boundSide);
    if (!bound) continue;
    if (countsFrame(ctx, action, ifStatement, unwrapParens(countSide))) return true;
  }
  return false;
}

/** `expr` is a count of the action's frame: the call itself, or a name the count was stored in just before the `if`. */
function countsFrame(ctx: RuleContext, action: ActionUse, ifStatement: Node, expr: Node): boolean {
  const isCountOfFrame = (call: Node) =>
    ctx.model.actions.some((a) => a.method === 'count' && a.frame === action.frame && sameNode(a.call, call) && !callParts(call)?.args.length);
  if (expr.type === 'call') return isCountOfFrame(expr);
  if (expr.type !== 'identifier') return false;
  const rebinds = new RegExp(`(^|[^\\w.])${escapeRegExp(expr.text)}\\s*([-+*/%|&]|//)?=(?!=)`);
  let sibling = ifStatement.previousNamedSibling;
  for (let i = 0; sibling && i < MAX_SIBLINGS; sibling = sibling.previousNamedSibling, i++) {
    if (sibling.type === 'comment') continue;
    const assignment = sibling.type === 'expression_statement' ? sibling.namedChildren[0] : undefined;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === expr.text) {
      const right = assignment.childForFieldName('right');
      return !!right && unwrapParens(right).type === 'call' && isCountOfFrame(unwrapParens(right));
    }
    if (rebinds.test(sibling.text)) return false;
  }
  return false;
}
