import type { Fix } from '../../findings';
import type { ActionUse } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { emptinessCheckOf } from '../helpers/emptiness';
import type { Rule, RuleContext } from '../rule';
import { isSmall, sizeFacts, type Functions } from '../helpers/fewRows';
import { boundedByCountGuard } from '../helpers/countGuard';

const SUGGESTED_LIMIT = 1000;
const COLLECTING = new Set(['collect', 'toPandas']);

/** Where `collect()` is iterated over once, so an iterator can replace the list. */
function isIterated(call: Node): boolean {
  let n = call;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'for_statement') return p.childForFieldName('right')?.id === n.id;
  if (p?.type === 'for_in_clause') return p.childForFieldName('right')?.id === n.id;
  return false;
}

/** `df.collect()` or `display(df.toPandas())` as a statement of its own: the notebook shows the result. */
function isCellOutput(call: Node): boolean {
  let n = call;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  if (n.parent?.type === 'expression_statement') return true;
  const outer = n.parent?.type === 'argument_list' ? n.parent.parent : undefined;
  const name = outer?.type === 'call' ? outer.childForFieldName('function')?.text : undefined;
  return !!name && /^(display|print|pprint)$/.test(name) && outer!.parent?.type === 'expression_statement';
}

function fixes(action: ActionUse): Fix[] {
  const out: Fix[] = [];
  const attr = action.call.childForFieldName('function');
  const name = attr?.childForFieldName('attribute');
  const receiver = attr?.childForFieldName('object');
  if (!name || !receiver) return out;
  if (action.method === 'collect' && isIterated(action.call)) {
    out.push({
      title: 'Stream rows with toLocalIterator() instead of collect()',
      edits: [{ start: name.startIndex, end: name.endIndex, newText: 'toLocalIterator' }],
      // The same rows, but computed while the loop body runs (which may write what the frame reads).
      applicability: 'unsafe',
      reason: 'rows are computed while the loop runs',
    });
  }
  out.push({
    title: `Add .limit(${SUGGESTED_LIMIT}) before ${action.method}()`,
    edits: [{ start: receiver.endIndex, end: receiver.endIndex, newText: `.limit(${SUGGESTED_LIMIT})` }],
    applicability: 'unsafe',
    reason: `keeps only the first ${SUGGESTED_LIMIT} rows`,
  });
  return out;
}

export const unboundedCollect: Rule = {
  code: 'PSA103',
  name: 'unbounded-collect',
  summary: 'collect()/toPandas() of a DataFrame nothing bounds: every row is pulled into the driver.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const fx: Functions = sizeFacts(ctx);
    for (const action of ctx.model.actions) {
      if (!COLLECTING.has(action.method) || action.frame.streaming !== false) continue;
      // `len(df.collect()) == 0` is PSA104's, whose fix avoids the collect altogether.
      if (isSmall(fx, action.frame) || emptinessCheckOf(action)) continue;
      // `if n_unique < 50: values.collect()` after `n_unique = values.count()`: the count bounds the rows.
      if (boundedByCountGuard(ctx, action)) continue;
      // A notebook cell that only shows `df.collect()` displays it (tests and generators: the registry's quietIn).
      if (ctx.code.isExploratory(action.call) && isCellOutput(action.call)) continue;
      const name = action.call.childForFieldName('function')?.childForFieldName('attribute');
      ctx.report({
        start: (name ?? action.call).startIndex,
        end: action.call.endIndex,
        message:
          `${action.method}() pulls every row of this DataFrame into the driver's memory: nothing upstream bounds ` +
          'its size (no limit(), aggregate or small lookup source). On production volumes the driver dies with an ' +
          'OutOfMemoryError or the job fails on spark.driver.maxResultSize. Keep the work distributed (write the ' +
          'result, join instead of collecting keys), or bound it with limit()' +
          (action.method === 'collect' ? ', or stream it with toLocalIterator().' : '.'),
        fixes: fixes(action),
      });
    }
  },
};
