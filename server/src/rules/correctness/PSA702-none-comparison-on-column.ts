import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { unwrapParens } from '../../parsing/syntax';
import { ColumnExpressions, comparisonOperator } from '../helpers/columnExpressions';
import { showsMistakeOnPurpose } from '../helpers/deliberateMistake';
import type { Rule, RuleContext } from '../rule';
import { nodesOfType } from '../../model/syntaxIndex';

/** Expressions `.isNull()` can hang off without parentheses. */
const PRIMARY = new Set(['call', 'attribute', 'subscript', 'identifier', 'parenthesized_expression']);

const MESSAGES: Record<string, { method: 'isNull' | 'isNotNull'; why: string }> = {
  '==': {
    method: 'isNull',
    why: 'builds the SQL expression `= NULL`: that is NULL for every row (NULL is never equal to anything, not even NULL), so a filter on it keeps no rows and a when() on it never matches.',
  },
  '!=': {
    method: 'isNotNull',
    why: 'builds the SQL expression `<> NULL`: that is NULL for every row (comparing with NULL is never true), so a filter on it keeps no rows and a when() on it never matches.',
  },
  is: {
    method: 'isNull',
    why: 'is a Python identity test on the Column object, not on its values: it is always False, and filter()/when() reject a plain bool.',
  },
  'is not': {
    method: 'isNotNull',
    why: 'is a Python identity test on the Column object, not on its values: it is always True, and filter()/when() reject a plain bool.',
  },
};

export const noneComparisonOnColumn: Rule = {
  code: 'PSA702',
  name: 'none-comparison-on-column',
  summary: 'A Column compared with None (`== None`, `!= None`, `is None`): always NULL or a constant bool; use isNull()/isNotNull().',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const columns = new ColumnExpressions(ctx.model);
    for (const cmp of nodesOfType(ctx.model, 'comparison_operator')) {
      if (!cmp) continue;
      const c = comparisonOperator(cmp);
      const m = c && MESSAGES[c.op];
      if (!c || !m) continue;
      const leftNone = unwrapParens(c.left).type === 'none';
      const rightNone = unwrapParens(c.right).type === 'none';
      if (leftNone === rightNone) continue;
      const column = leftNone ? c.right : c.left;
      // A lesson's "# Wrong: returns 0 rows" line shows the mistake beside isNull() on purpose.
      if (!columns.isColumn(column) || showsMistakeOnPurpose(cmp, false)) continue;
      const replacement = `${PRIMARY.has(column.type) ? column.text : `(${column.text})`}.${m.method}()`;
      // `== None` matched no row (null); isNull() matches the null ones: a different result, the intended one.
      const fix: Fix = {
        title: `Replace with ${short(replacement)}`,
        edits: [{ start: cmp.startIndex, end: cmp.endIndex, newText: replacement }],
        applicability: 'unsafe',
        reason: 'matches nulls, where == None matched no row',
      };
      ctx.report({
        node: cmp,
        message: `\`${short(cmp.text)}\` ${m.why} Use ${short(replacement)}.`,
        fixes: hasComment(cmp) ? [] : [fix],
      });
    }
  },
};

function short(s: string): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length > 70 ? `${one.slice(0, 67)}...` : one;
}

function hasComment(node: Node): boolean {
  return node.descendantsOfType('comment').length > 0;
}
