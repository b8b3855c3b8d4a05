import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, literalString, unwrapParens } from '../../parsing/syntax';
import type { SparkFunctions } from '../../spark/functions';
import { related, type Rule, type RuleContext } from '../rule';
import { nodesInScope } from '../helpers/scopeIndex';

/** `hint(...)` names that ask for a broadcast join (Spark's aliases of BROADCAST). */
const BROADCAST_HINTS = new Set(['broadcast', 'broadcastjoin', 'mapjoin']);
/** Steps through which Spark carries a join hint down to the join (they neither shuffle nor aggregate). */
const HINT_KEEPING = new Set(['alias', 'select', 'filter', 'where', 'withColumn', 'withColumns', 'withColumnRenamed', 'drop', 'hint']);
const MAX_STEPS = 30;

type Side = 'left' | 'right';

/**
 * The sides Spark can broadcast for each outer, semi or anti join type (JoinSelection's
 * canBuildBroadcastLeft / canBuildBroadcastRight): the preserved side of an outer join is never built.
 */
const BUILDABLE: Record<string, readonly Side[]> = {
  left: ['right'],
  leftouter: ['right'],
  leftsemi: ['right'],
  semi: ['right'],
  leftanti: ['right'],
  anti: ['right'],
  right: ['left'],
  rightouter: ['left'],
  full: [],
  fullouter: [],
  outer: [],
};

/** The `broadcast(x)` / `x.hint("broadcast")` call an expression hands to the join, if any. */
function broadcastMarker(fns: SparkFunctions, model: DataFrameModel, expr: Node, depth = 0): Node | undefined {
  let n = unwrapParens(expr);
  for (let i = 0; i < MAX_STEPS; i++) {
    if (n.type === 'identifier') {
      if (depth > 0) return undefined;
      const value = lastAssignment(model, n);
      return value ? broadcastMarker(fns, model, value, depth + 1) : undefined;
    }
    if (n.type !== 'call') return undefined;
    if (fns.nameOf(n) === 'broadcast') return n;
    const parts = callParts(n);
    if (!parts?.object || !parts.name || !HINT_KEEPING.has(parts.name)) return undefined;
    if (parts.name === 'hint' && BROADCAST_HINTS.has(literalString(parts.args[0])?.toLowerCase() ?? '')) return n;
    n = unwrapParens(parts.object);
  }
  return undefined;
}

/** The right-hand side of the last `name = ...` before `use`, in the same scope or the module. */
function lastAssignment(model: DataFrameModel, use: Node): Node | undefined {
  let value: Node | undefined;
  // Another function's variable of the same name is not this one (a parameter here, say).
  for (const a of nodesInScope(model, 'assignment', enclosingScope(use))) {
    if (a.startIndex >= use.startIndex) break;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === use.text) value = a.childForFieldName('right') ?? undefined;
  }
  return value;
}

function joinTypeName(how: string): string {
  return how === 'left' || how === 'leftouter'
    ? 'left outer'
    : how === 'right' || how === 'rightouter'
      ? 'right outer'
      : how === 'full' || how === 'fullouter' || how === 'outer'
        ? 'full outer'
        : how.endsWith('semi')
          ? 'left semi'
          : 'left anti';
}

export const broadcastHintIgnored: Rule = {
  code: 'PSA116',
  name: 'broadcast-hint-ignored',
  summary:
    'A broadcast hint on a side Spark cannot broadcast: the left side of a left outer, semi or anti join, the right side of a right outer join, either side of a full outer join. Spark ignores it and shuffles both sides.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const f of ctx.model.frames) {
      if (f.op !== 'join' || f.node.type !== 'call' || seen.has(f.node.id)) continue;
      seen.add(f.node.id);
      const parts = callParts(f.node);
      if (!parts?.object || parts.name !== 'join' || !parts.args[0]) continue;
      const howNode = parts.args[2] ?? parts.keywords.get('how');
      const how = literalString(howNode)?.toLowerCase().replace(/_/g, '');
      const buildable = how !== undefined ? BUILDABLE[how] : undefined;
      if (!buildable) continue;
      const sides: [Side, Node][] = [
        ['left', parts.object],
        ['right', parts.args[0]],
      ];
      for (const [side, expr] of sides) {
        if (buildable.includes(side)) continue;
        const marker = broadcastMarker(ctx.functions, ctx.model, expr);
        if (!marker) continue;
        const type = joinTypeName(how!);
        const other = buildable[0];
        ctx.report({
          start: marker.startIndex,
          end: marker.endIndex,
          message:
            `Broadcast hint on the ${side} side of a ${type} join: Spark can broadcast only the side the join looks rows up in ` +
            '(the right side of a left outer, semi or anti join, the left side of a right outer join, neither side of a full ' +
            'outer join), never a side whose every row the result keeps. It ignores the hint (only a log line says so) and ' +
            'plans as if there were none: a sort-merge join that shuffles both sides, unless the other side is under the ' +
            `automatic broadcast threshold. Swapping the sides does not help. Drop the hint` +
            (other ? `, or broadcast the ${other} side if that is the small one.` : ', or split the join.'),
          related: [related(howNode!, `the join type is ${type}`)],
        });
      }
    }
  },
};
