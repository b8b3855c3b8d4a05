import type { Fix } from '../../findings';
import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, literalString, unwrapParens } from '../../parsing/syntax';
import { equiJoinKeys } from '../helpers/joinKeys';
import { related, type Rule, type RuleContext } from '../rule';

/** Steps after the join whose expressions are searched for null handling. */
const SEARCHED = new Set(['filter', 'where', 'withColumn', 'withColumns', 'select', 'fillna']);
/** Steps that keep the join's rows and columns as they are (the search walks through them). */
const PASS_THROUGH = new Set([
  'filter',
  'where',
  'withColumn',
  'withColumns',
  'withColumnRenamed',
  'select',
  'drop',
  'alias',
  'cache',
  'persist',
  'fillna',
  'dropDuplicates',
  'distinct',
  'orderBy',
  'sort',
  'repartition',
  'coalesce',
]);
const MAX_STEPS = 12;
const MAX_NODES = 2_000;
/** Functions that test or replace a null: their first argument is the value that may be missing. */
const NULL_CHECKS = new Set(['coalesce', 'nvl', 'ifnull', 'nvl2', 'isnull']);

interface Sides {
  /** The right frame's variable name (`dim` of `facts.join(dim, ...)`), for `dim.col` / `dim["col"]`. */
  rightName?: string;
  leftName?: string;
  left: Frame;
  right: Frame;
}

/** The column of the right side an expression names for certain: `dim.x`, `dim["x"]`, or a name only the right side has. */
function rightOnlyColumn(ctx: RuleContext, sides: Sides, expr: Node): string | undefined {
  const n = unwrapParens(expr);
  if (n.type === 'attribute' || n.type === 'subscript') {
    const obj = n.childForFieldName(n.type === 'attribute' ? 'object' : 'value');
    const name = n.type === 'attribute' ? n.childForFieldName('attribute')?.text : literalString(n.childForFieldName('subscript'));
    if (obj?.type === 'identifier' && name !== undefined && obj.text === sides.rightName && obj.text !== sides.leftName) return name;
    return undefined;
  }
  const name = ctx.functions.columnRef(n) ?? literalString(n);
  return name !== undefined && onlyOnRight(sides, name) ? name : undefined;
}

/** Known on the right side, and the left side's columns are fully known without it. */
function onlyOnRight(sides: Sides, name: string): boolean {
  const lower = name.toLowerCase();
  const has = (f: Frame) => [...f.columns.keys()].some((k) => k.toLowerCase() === lower);
  return sides.left.columnsComplete && !has(sides.left) && has(sides.right);
}

/** The first null handling of a right-side column inside `root`: `x.isNull()`, `coalesce(x, ...)`, `fillna` of it. */
function nullHandling(ctx: RuleContext, sides: Sides, root: Node, fillna: boolean): { node: Node; column: string } | undefined {
  if (fillna) {
    const parts = callParts(root);
    const targets: Node[] = [];
    const first = parts?.args[0] ? unwrapParens(parts.args[0]) : undefined;
    if (first?.type === 'dictionary') for (const p of first.namedChildren) if (p?.type === 'pair') targets.push(p.childForFieldName('key')!);
    const subset = parts?.args[1] ?? parts?.keywords.get('subset');
    if (subset) {
      const s = unwrapParens(subset);
      if (s.type === 'list' || s.type === 'tuple')
        for (const c of s.namedChildren)
          if (c && !isExtra(c)) targets.push(c);
          else targets.push(s);
    }
    for (const t of targets) {
      const name = literalString(t);
      if (name !== undefined && onlyOnRight(sides, name)) return { node: t, column: name };
    }
    return undefined;
  }
  const stack: Node[] = [root];
  for (let steps = 0; stack.length && steps < MAX_NODES; steps++) {
    const n = stack.pop()!;
    if (n.type === 'call') {
      const parts = callParts(n);
      if (parts?.object && parts.name === 'isNull' && parts.args.length === 0) {
        const column = rightOnlyColumn(ctx, sides, parts.object);
        if (column !== undefined) return { node: n, column };
      }
      const fn = ctx.functions.nameOf(n);
      if (fn && NULL_CHECKS.has(fn) && parts?.args[0]) {
        const column = rightOnlyColumn(ctx, sides, parts.args[0]);
        if (column !== undefined) return { node: n, column };
      }
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return undefined;
}

export const innerJoinThenNullHandling: Rule = {
  code: 'PSA711',
  name: 'inner-join-then-null-handling',
  summary:
    'A join with no how= (an inner join) whose result then looks for missing right-side values (isNull(), coalesce(), fillna() of a right-side column): the inner join already dropped the rows without a match.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const children = new Map<number, Frame[]>();
    for (const f of ctx.model.frames) for (const p of f.parents) children.set(p.id, [...(children.get(p.id) ?? []), f]);
    const seen = new Set<number>();
    for (const join of ctx.model.frames) {
      if (join.op !== 'join' || join.parents.length !== 2 || join.node.type !== 'call' || seen.has(join.node.id)) continue;
      const parts = callParts(join.node);
      if (parts?.name !== 'join' || !parts.object || !parts.nameNode || !parts.argumentList) continue;
      // No how: two positional arguments, or the other side and on=.
      const onKeyword = parts.keywords.size === 1 && parts.keywords.has('on');
      if (!(parts.args.length === 2 && parts.keywords.size === 0) && !(parts.args.length === 1 && onKeyword)) continue;
      if (parts.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) continue;
      const on = parts.args[1] ?? parts.keywords.get('on');
      if (!on || unwrapParens(on).type === 'none') continue;
      seen.add(join.node.id);
      const rightExpr = unwrapParens(parts.args[0]);
      const leftExpr = unwrapParens(parts.object);
      const sides: Sides = {
        left: join.parents[0],
        right: join.parents[1],
        rightName: rightExpr.type === 'identifier' ? rightExpr.text : undefined,
        leftName: leftExpr.type === 'identifier' ? leftExpr.text : undefined,
      };
      const found = downstreamNullHandling(ctx, sides, join, children);
      if (!found) continue;
      const lastArg = parts.argumentList.namedChildren.filter((c): c is Node => !!c && !isExtra(c)).pop()!;
      const fixes: Fix[] = [
        {
          title: 'Keep the unmatched rows: how="left"',
          edits: [{ start: lastArg.endIndex, end: lastArg.endIndex, newText: ', how="left"' }],
          applicability: 'unsafe',
          reason: 'rows of the left side with no match are then kept, with nulls in the right-side columns',
        },
      ];
      // An equi-join key of the right side is never null after an inner join: the handling never applies.
      const onKey = [...equiJoinKeys(on)].some((k) => k.toLowerCase() === found.column.toLowerCase());
      ctx.report({
        start: parts.nameNode.startIndex,
        end: join.node.endIndex,
        message:
          'join() with no how= is an inner join: every row of the left side without a match on the right is dropped. ' +
          `Yet the code then handles a missing "${found.column}" from the right side, as if unmatched rows were still ` +
          (onKey
            ? `there: "${found.column}" is a join key, so after this join it is never null and that handling never applies. `
            : 'there: after this join that handling can only see nulls stored in the data, never a missing match. ') +
          'If the unmatched rows should be kept, write how="left"; if dropping them is intended, write how="inner" ' +
          'so the next reader knows.',
        related: [related(found.node, `missing "${found.column}" handled here`)],
        fixes,
      });
    }
  },
};

function downstreamNullHandling(ctx: RuleContext, sides: Sides, join: Frame, children: Map<number, Frame[]>): { node: Node; column: string } | undefined {
  const queue: [Frame, number][] = [[join, 0]];
  const visited = new Set<number>();
  while (queue.length) {
    const [f, depth] = queue.shift()!;
    for (const c of children.get(f.id) ?? []) {
      if (visited.has(c.id) || c.parents.length !== 1 || !PASS_THROUGH.has(c.op) || c.node.type !== 'call') continue;
      visited.add(c.id);
      if (SEARCHED.has(c.op)) {
        const parts = callParts(c.node);
        if (c.op === 'fillna') {
          const hit = nullHandling(ctx, sides, c.node, true);
          if (hit) return hit;
        } else
          for (const a of [...(parts?.args ?? []), ...(parts?.keywords.values() ?? [])]) {
            const hit = nullHandling(ctx, sides, a, false);
            if (hit) return hit;
          }
      }
      if (depth + 1 < MAX_STEPS) queue.push([c, depth + 1]);
    }
  }
  return undefined;
}
