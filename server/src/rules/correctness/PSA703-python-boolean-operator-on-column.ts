import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { sameNode, unwrapParens } from '../../parsing/syntax';
import { ColumnExpressions } from '../helpers/columnExpressions';
import { showsMistakeOnPurpose } from '../helpers/deliberateMistake';
import type { Rule, RuleContext } from '../rule';

const BOOLEAN = new Set(['boolean_operator', 'not_operator']);
/** Operands `&`, `|` and `~` can take without parentheses. */
const PRIMARY = new Set(['call', 'attribute', 'subscript', 'identifier', 'parenthesized_expression']);
const MAX_OPERANDS = 200;

export const pythonBooleanOperatorOnColumn: Rule = {
  code: 'PSA703',
  name: 'python-boolean-operator-on-column',
  summary: '`and` / `or` / `not` applied to a Column: raises "Cannot convert column into bool"; use &, |, ~ with parentheses.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const columns = new ColumnExpressions(ctx.model);
    for (const node of booleanRoots(ctx.model.root)) {
      const converted = convertedOperand(node, (n) => columns.isColumn(n));
      if (!converted || showsMistakeOnPurpose(node, true) || looseInParseError(node)) continue;
      const keyword = converted.operator;
      const replacement = rewrite(node, (n) => columns.isColumn(n));
      const fixes: Fix[] =
        replacement && node.descendantsOfType('comment').length === 0
          ? [
              {
                title: `Replace with ${short(replacement)}`,
                edits: [{ start: node.startIndex, end: node.endIndex, newText: replacement }],
                // `and`/`or` on Columns raised ValueError: the rewritten condition runs.
                applicability: 'unsafe',
                reason: 'the condition now runs instead of raising ValueError',
              },
            ]
          : [];
      ctx.report({
        node,
        message:
          `Python \`${keyword}\` calls bool() on the Column \`${short(converted.operand.text)}\`: that raises "ValueError: Cannot ` +
          `convert column into bool: please use '&' for 'and', '|' for 'or', '~' for 'not'". Combine Column conditions with ` +
          `&, | and ~, parenthesising each comparison (& and | bind tighter than ==)${replacement ? `: ${short(replacement)}` : ''}.`,
        fixes,
      });
    }
  },
};

/**
 * The outermost `and`/`or`/`not` of each expression (parentheses do not break a chain), found
 * top-down: asking each node for its parent costs a walk from the root in tree-sitter.
 */
function booleanRoots(root: Node): Node[] {
  // A boolean expression nested in another (directly or through parentheses) is part of that one.
  return root.descendantsOfType([...BOOLEAN]).filter((node) => {
    let up = node.parent;
    while (up?.type === 'parenthesized_expression') up = up.parent;
    return !up || !BOOLEAN.has(up.type) || sameNode(node, root);
  });
}

/**
 * The `and`/`or` sits loose among tokens the parser could not read as a statement (its parent,
 * through parentheses, is an ERROR node): in study notes saved as .py, a heading such as
 * `ii. Use of map_keys() and map_values:` parses that way. The words are prose, not a condition, so
 * nothing calls bool() on them. Code inside a broken region is still read when the operator belongs
 * to a call, an assignment or any other construct the parser recovered.
 */
function looseInParseError(node: Node): boolean {
  let up = node.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  return up?.type === 'ERROR';
}

/**
 * An operand Python certainly converts with bool(): the left side of `and`/`or` and the argument
 * of `not`. The last operand of a chain is returned as is, so `flag and F.col("a") > 1` is legal.
 */
function convertedOperand(root: Node, isColumn: (n: Node) => boolean): { operand: Node; operator: string } | undefined {
  const stack = [root];
  for (let steps = 0; stack.length && steps < MAX_OPERANDS; steps++) {
    const n = unwrapParens(stack.pop()!);
    if (n.type === 'not_operator') {
      const arg = n.childForFieldName('argument');
      if (!arg) continue;
      if (isColumn(arg)) return { operand: arg, operator: 'not' };
      stack.push(arg);
    } else if (n.type === 'boolean_operator') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const op = n.childForFieldName('operator')?.text ?? 'and';
      if (l && isColumn(l)) return { operand: l, operator: op };
      if (r) stack.push(r);
      if (l) stack.push(l);
    }
  }
  return undefined;
}

/** `A and B or not C` -> `(A) & (B) | ~(C)`, when every operand is a Column; else undefined. */
function rewrite(root: Node, isColumn: (n: Node) => boolean): string | undefined {
  let budget = MAX_OPERANDS;
  const render = (node: Node): string | undefined => {
    if (--budget < 0) return undefined;
    const n = unwrapParens(node);
    if (n.type === 'boolean_operator') {
      const op = n.childForFieldName('operator')?.text;
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!l || !r || (op !== 'and' && op !== 'or')) return undefined;
      const left = operand(l, op);
      const right = operand(r, op, true);
      return left === undefined || right === undefined ? undefined : `${left} ${op === 'and' ? '&' : '|'} ${right}`;
    }
    if (n.type === 'not_operator') {
      const arg = n.childForFieldName('argument');
      const inner = arg ? render(arg) : undefined;
      if (inner === undefined || !arg) return undefined;
      return `~${BOOLEAN.has(unwrapParens(arg).type) || !PRIMARY.has(arg.type) ? `(${stripParens(inner)})` : inner}`;
    }
    if (!isColumn(n)) return undefined;
    return node.text;
  };
  /** Keeps `A & B & C` flat for a left-nested chain of one operator; parenthesises the rest. */
  const operand = (node: Node, parentOp: string, right = false): string | undefined => {
    const n = unwrapParens(node);
    const text = render(node);
    if (text === undefined) return undefined;
    const sameChain = n.type === 'boolean_operator' && n.childForFieldName('operator')?.text === parentOp && !right && node.type !== 'parenthesized_expression';
    if (sameChain || (PRIMARY.has(node.type) && !BOOLEAN.has(n.type))) return text;
    if (n.type === 'not_operator') return text; // `~` binds tighter than & and |
    return `(${stripParens(text)})`;
  };
  return render(root);
}

/** `(x)` -> `x`: avoids `((a == 1))` when an operand already had parentheses. */
function stripParens(s: string): string {
  let t = s;
  while (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1);
  return t;
}

function balanced(s: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function short(s: string): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length > 70 ? `${one.slice(0, 67)}...` : one;
}
