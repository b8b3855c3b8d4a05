import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { enclosingStatement, sameNode, unwrapParens } from '../../parsing/syntax';
import { ColumnExpressions } from '../helpers/columnExpressions';
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
      if (!converted || demonstratesTheError(node)) continue;
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

/** A comment saying the next line fails on purpose: "Will produce an error", "this will fail", "won't work", "the wrong way". */
const ERROR_ON_PURPOSE =
  /\b(will|would|should|this|it|to|which)\s+(\w+\s+)?(produce|raise|throw|give|cause|return|get|show)s?\s+(you\s+)?(an?\s+|the\s+)?(\w+\s+)?(error|exception|valueerror)|\b(this|it|that)\s+(will|would|should)\s+(fail|error|break)\b|\b(won'?t|doesn'?t|does\s+not|will\s+not|cannot|can'?t)\s+work\b|\b(wrong|incorrect)\s+way\b|\bon\s+purpose\b|\b(intentional|deliberate)(ly)?\b/i;

/**
 * Course material that shows the error on purpose: the statement sits under (or ends with) a
 * comment saying it fails, or in a `try` whose `except ValueError` prints the error instead of
 * raising it. A job has no reason for either.
 */
function demonstratesTheError(node: Node): boolean {
  const stmt = enclosingStatement(node);
  if (!stmt) return false;
  const comments: string[] = [];
  for (let c = stmt.previousSibling, row = stmt.startPosition.row; c?.type === 'comment' && c.endPosition.row >= row - 1; c = c.previousSibling) {
    comments.push(c.text);
    row = c.startPosition.row;
  }
  const trailing = stmt.nextSibling;
  if (trailing?.type === 'comment' && trailing.startPosition.row === stmt.endPosition.row) comments.push(trailing.text);
  if (comments.some((c) => ERROR_ON_PURPOSE.test(c))) return true;
  for (let n = stmt.parent, i = 0; n && i < 50; n = n.parent, i++) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'module') break;
    if (n.type !== 'block' || n.parent?.type !== 'try_statement' || !sameNode(n.parent.childForFieldName('body'), n)) continue;
    return n.parent.namedChildren.some(
      (c) => c?.type === 'except_clause' && /^except\s*\(?[^:]*\bValueError\b/.test(c.text) && c.descendantsOfType('raise_statement').length === 0,
    );
  }
  return false;
}

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
