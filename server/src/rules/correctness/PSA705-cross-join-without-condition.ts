import { lineage } from '../../model/lineage';
import type { Frame } from '../../model/types';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';

export const crossJoinWithoutCondition: Rule = {
  code: 'PSA705',
  name: 'cross-join-without-condition',
  summary: 'join(other) with no join condition: a cartesian product (every row paired with every row), unless that is said with crossJoin() or how="cross".',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const f of ctx.model.frames) {
      if (f.op !== 'join' || f.parents.length !== 2 || f.node.type !== 'call' || seen.has(f.node.id)) continue;
      seen.add(f.node.id);
      const parts = callParts(f.node);
      if (!parts?.nameNode || parts.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) continue;
      // Glue's `Join.apply(frame1, frame2, keys1, keys2)`: the keys are its third and fourth arguments.
      const glueJoin = parts.name === 'apply' && parts.object?.text === 'Join';
      const on = glueJoin ? (parts.keywords.get('keys1') ?? parts.args[2]) : (parts.args[1] ?? parts.keywords.get('on'));
      if (on && unwrapParens(on).type !== 'none') continue;
      const howNode = parts.args[2] ?? parts.keywords.get('how');
      if (howNode && unwrapParens(howNode).type !== 'none') {
        const how = literalString(howNode)?.toLowerCase();
        // how="cross" says it; a how the model cannot read might.
        if (how === undefined || how === 'cross') continue;
      }
      const analyses = ctx.model.frames.filter((g) => g.node.id === f.node.id && g.op === 'join');
      // Pairing every row with a frame known to be tiny (a global aggregate, a limit, driver-local rows) is the usual way to attach a constant row.
      if (analyses.some((g) => g.parents.some(smallSide))) continue;
      // `a.join(b).where(a.k == b.k)`: the optimizer turns the filter into the join condition.
      if (ctx.model.frames.some((g) => (g.op === 'filter' || g.op === 'where') && analyses.includes(g.parents[0]))) continue;
      const right = f.parents[1];
      ctx.report({
        start: parts.nameNode.startIndex,
        end: f.node.endIndex,
        message:
          'join() with no join condition: Spark pairs every row of the left side with every row of the right side ' +
          '(a cartesian product: 1 million × 1 million rows is 10^12 rows), usually because the on= argument was ' +
          'forgotten. Pass the join keys or condition, or write crossJoin(other) if every pair is what you want.',
        related: [related(right.node, 'the right side comes from here')],
      });
    }
  },
};

/** Known to be small: bounded, or built only from driver-local data (`createDataFrame`, `range`). */
function smallSide(side: Frame): boolean {
  if (side.bounded) return true;
  let sources = 0;
  for (const f of lineage(side)) {
    if (f.parents.length > 0) continue;
    sources++;
    if (f.op !== 'createDataFrame' && f.op !== 'range') return false;
  }
  return sources > 0;
}
