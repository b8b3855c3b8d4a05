import { isDynamicFrame } from '../../spark/glue';
import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import type { Rule, RuleContext } from '../rule';
import { insideAssert, isCatalogMetadata } from '../helpers/fewRows';
import { countedFromFooters, rowsComeFromGroupedAggregate } from '../helpers/actionCost';
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
  'if_statement',
  'elif_clause',
  'while_statement',
  'boolean_operator',
  'not_operator',
  'conditional_expression',
  'assert_statement',
  'parenthesized_expression',
  'argument_list',
  'keyword_argument',
  'assignment',
  'return_statement',
  'expression_statement',
  'lambda',
  'pair',
  'list',
  'tuple',
  'expression_list',
]);

/** `len(x.take(1)) > 0` is a comparison, which binds looser than arithmetic (`1 + bool(...)`): bare only where `not x` may stand. */
function takeTest(check: EmptinessCheck, receiver: string): string {
  const test = `len(${receiver}.take(1)) ${check.empty ? '== 0' : '> 0'}`;
  return NOT_SAFE_PARENTS.has(check.test.parent?.type ?? '') ? test : `(${test})`;
}

function replacement(check: EmptinessCheck, call: string): string {
  if (check.empty) return call;
  const negated = `not ${call}`;
  return NOT_SAFE_PARENTS.has(check.test.parent?.type ?? '') ? negated : `(${negated})`;
}

function fixes(ctx: RuleContext, check: EmptinessCheck): Fix[] {
  // A Glue DynamicFrame has neither take() nor isEmpty(): its DataFrame has.
  const receiver = receiverText(ctx, check.action.receiver) + (isDynamicFrame(check.action.frame) ? '.toDF()' : '');
  const at = { start: check.test.startIndex, end: check.test.endIndex };
  if (check.stored) {
    // Every test of the variable compares it with 0 or 1 (or reads its truth): 0 or 1 rows answer each the same.
    return [
      {
        title: `Replace with len(${receiver}.take(1)) (${check.stored.name} is only tested for rows)`,
        edits: [{ ...at, newText: `len(${receiver}.take(1))` }],
        applicability: 'safe',
        preferred: true,
      },
    ];
  }
  // take(1) answers the same on every Spark version; isEmpty() raises AttributeError before 3.3.
  return [
    {
      title: `Replace with len(${receiver}.take(1)) ${check.empty ? '== 0' : '> 0'}`,
      edits: [{ ...at, newText: takeTest(check, receiver) }],
      applicability: 'safe',
      preferred: true,
    },
    {
      title: check.empty ? `Replace with ${receiver}.isEmpty()` : `Replace with not ${receiver}.isEmpty()`,
      edits: [{ ...at, newText: replacement(check, `${receiver}.isEmpty()`) }],
      applicability: 'unsafe',
      reason: 'DataFrame.isEmpty needs Spark 3.3+',
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
      // A notebook's check cells (`assert df.count() == 0`) assert on purpose (tests: the registry's quietIn); catalog metadata
      // (`SHOW TABLES` filtered to one name, an information_schema lookup) or rows built on the driver are tiny.
      if (ctx.code.isExploratory(action.call) && insideAssert(action.call)) continue;
      if (action.frame.bounded || isCatalogMetadata(action.frame)) continue;
      // An unfiltered table or Parquet/Delta/ORC/Iceberg read is counted from the Delta log, file footers or Iceberg manifests,
      // not by a scan: `spark.table(t).count() > 0` costs what isEmpty() would.
      // The same for a union of such reads with only column steps on top.
      if (check.via === 'count' && countedFromFooters(action.frame)) continue;
      // Rows that come out of a grouped aggregate: the shuffle reads every input row before the first
      // group exists, so isEmpty() would save only the last stage of a job that runs either way.
      if (check.via === 'count' && rowsComeFromGroupedAggregate(action.frame)) continue;
      const what = check.via === 'count' ? 'count()' : 'collect()';
      const cost =
        check.via === 'count'
          ? 'count() computes the whole lineage and counts every row'
          : 'collect() computes the whole lineage and ships every row to the driver (risking an out-of-memory error)';
      const stored = check.stored;
      ctx.report({
        node: check.test,
        message: stored
          ? `Testing for rows with count(): '${stored.name}' is only used to ask whether there are rows, but ${cost}. ` +
            `DataFrame.isEmpty() (Spark 3.3+) stops at the first row; on older versions len(df.take(1)) gives 0 or 1, which every test of '${stored.name}' reads the same.`
          : `Testing for rows with ${what}: ${cost} just to answer "is there at least one?". ` +
            `DataFrame.isEmpty() (Spark 3.3+) stops at the first row; on older versions use len(df.take(1)) == 0.`,
        related: stored?.tests.map((t) => ({ start: t.startIndex, end: t.endIndex, message: `'${stored.name}' is tested for rows here` })),
        fixes: fixes(ctx, check),
      });
    }
  },
};
