import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import type { Rule, RuleContext } from '../rule';
import { insideAssert, isBareColumnarRead } from '../helpers/fewRows';
import { emptinessCheckOf, type EmptinessCheck } from '../helpers/emptiness';

/**
 * The receiver as it can prefix `.isEmpty()`: one-line primaries as they are, anything else in
 * parentheses (a chain that spanned lines inside the replaced brackets needs its own).
 */
function receiverText(ctx: RuleContext, receiver: Node): string {
  const text = ctx.text.slice(receiver.startIndex, receiver.endIndex);
  if (receiver.type === 'parenthesized_expression') return text;
  const primary = ['identifier', 'attribute', 'call', 'subscript'].includes(receiver.type) && !/[\r\n]/.test(text);
  return primary ? text : `(${text})`;
}

/** Where `not x` may stand without parentheses (it binds looser than comparisons and arithmetic). */
const NOT_SAFE_PARENTS = new Set([
  'if_statement', 'elif_clause', 'while_statement', 'boolean_operator', 'not_operator', 'conditional_expression',
  'assert_statement', 'parenthesized_expression', 'argument_list', 'keyword_argument', 'assignment', 'return_statement',
  'expression_statement', 'lambda', 'pair', 'list', 'tuple', 'expression_list',
]);

function replacement(check: EmptinessCheck, call: string): string {
  if (check.empty) return call;
  const negated = `not ${call}`;
  return NOT_SAFE_PARENTS.has(check.test.parent?.type ?? '') ? negated : `(${negated})`;
}

function fixes(ctx: RuleContext, check: EmptinessCheck): Fix[] {
  const receiver = receiverText(ctx, check.action.receiver);
  const at = { start: check.test.startIndex, end: check.test.endIndex };
  return [
    {
      title: check.empty ? `Replace with ${receiver}.isEmpty()` : `Replace with not ${receiver}.isEmpty()`,
      edits: [{ ...at, newText: replacement(check, `${receiver}.isEmpty()`) }],
      preferred: true,
    },
    {
      title: `Replace with len(${receiver}.take(1)) ${check.empty ? '== 0' : '> 0'} (Spark < 3.3)`,
      edits: [{ ...at, newText: `len(${receiver}.take(1)) ${check.empty ? '== 0' : '> 0'}` }],
    },
  ];
}

export const countForEmptiness: Rule = {
  code: 'PSA104',
  name: 'count-for-emptiness',
  summary: 'df.count() == 0 / len(df.collect()) to test for rows: a full scan to answer a yes/no question.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const action of ctx.model.actions) {
      const check = emptinessCheckOf(action);
      if (!check) continue;
      // Tests and lab check cells (`assert df.count() == 0`) assert on purpose; a bare table or Parquet/Delta
      // read is counted from metadata; a catalog command (`SHOW TABLES`) or driver-built rows are tiny.
      if (ctx.code.isTestOrGenerator(action.call) || insideAssert(action.call)) continue;
      if (action.frame.bounded || isBareColumnarRead(action.frame) || action.frame.source?.kind === 'sql') continue;
      const what = check.via === 'count' ? 'count()' : 'collect()';
      const cost =
        check.via === 'count'
          ? 'count() computes the whole lineage and counts every row'
          : 'collect() computes the whole lineage and ships every row to the driver (risking an out-of-memory error)';
      ctx.report({
        node: check.test,
        message:
          `Testing for rows with ${what}: ${cost} just to answer "is there at least one?". ` +
          `DataFrame.isEmpty() (Spark 3.3+) stops at the first row; on older versions use len(df.take(1)) == 0.`,
        fixes: fixes(ctx, check),
      });
    }
  },
};
