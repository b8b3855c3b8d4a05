import { identifiersNamed } from '../../model/syntaxIndex';
import type { Node } from '../../parsing/pythonParser';
import { callParts, sameNode, unwrapParens } from '../../parsing/syntax';
import type { RuleContext } from '../rule';

// Integers the code fixes in its own text: loop counts a rule can bound without running anything.

/** Where an identifier is (re)bound rather than read. */
export const BINDING_PARENTS = new Set([
  'for_statement',
  'for_in_clause',
  'parameters',
  'default_parameter',
  'typed_parameter',
  'lambda_parameters',
  'global_statement',
  'nonlocal_statement',
]);

/** The least and the most an integer expression can be. */
export interface IntegerBounds {
  min: number;
  max: number;
}

/**
 * The values a name can hold when every binding of it in the file is an assignment of an integer
 * literal (top-k neighbours, a few retries; a notebook that sets `runs = 3` again in each timing
 * cell): the least and the most of them. A name also bound by a loop, a parameter, an augmented
 * assignment or any other expression has no known bounds.
 */
export function integerBindings(ctx: RuleContext, name: string): IntegerBounds | undefined {
  let bounds: IntegerBounds | undefined;
  for (const id of identifiersNamed(ctx.model, name)) {
    const parent = id.parent;
    if (!parent) continue;
    const target = (parent.type === 'assignment' || parent.type === 'augmented_assignment') && sameNode(parent.childForFieldName('left'), id);
    if (target) {
      const right = parent.childForFieldName('right');
      if (parent.type !== 'assignment' || right?.type !== 'integer' || !/^\d+$/.test(right.text)) return undefined;
      const value = Number(right.text);
      bounds = bounds ? { min: Math.min(bounds.min, value), max: Math.max(bounds.max, value) } : { min: value, max: value };
    } else if (BINDING_PARENTS.has(parent.type) || parent.type === 'pattern_list' || parent.type === 'tuple_pattern') {
      return undefined;
    }
  }
  return bounds;
}

/** The most a name bound only to integer literals can hold (see integerBindings). */
export function constantInteger(ctx: RuleContext, name: string): number | undefined {
  return integerBindings(ctx, name)?.max;
}

/**
 * The bounds of an integer expression written with literals, names bound only to integer literals,
 * `+`, `-`, unary minus and `len(...)` of a collection whose length `lengthOf` knows:
 * `total_lag_time + 1` with `total_lag_time = 6`, `len(OHE_COLUMNS)`. Anything else is unknown.
 */
export function integerExpressionBounds(ctx: RuleContext, expr: Node, lengthOf?: (n: Node) => number | undefined, depth = 0): IntegerBounds | undefined {
  const n = unwrapParens(expr);
  if (depth > 8) return undefined;
  if (n.type === 'integer') return /^\d+$/.test(n.text) ? { min: Number(n.text), max: Number(n.text) } : undefined;
  if (n.type === 'identifier') return integerBindings(ctx, n.text);
  if (n.type === 'unary_operator' && n.childForFieldName('operator')?.text === '-') {
    const inner = n.childForFieldName('argument');
    const b = inner ? integerExpressionBounds(ctx, inner, lengthOf, depth + 1) : undefined;
    return b && { min: -b.max, max: -b.min };
  }
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.text;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const a = left && integerExpressionBounds(ctx, left, lengthOf, depth + 1);
    const b = right && integerExpressionBounds(ctx, right, lengthOf, depth + 1);
    if (!a || !b) return undefined;
    if (op === '+') return { min: a.min + b.min, max: a.max + b.max };
    if (op === '-') return { min: a.min - b.max, max: a.max - b.min };
    return undefined;
  }
  const parts = n.type === 'call' ? callParts(n) : undefined;
  if (lengthOf && parts && !parts.object && parts.name === 'len' && parts.args.length === 1 && parts.keywords.size === 0) {
    const length = lengthOf(unwrapParens(parts.args[0]));
    return length === undefined ? undefined : { min: length, max: length };
  }
  return undefined;
}

/**
 * The most iterations a `range(...)` call can make when its arguments are integer expressions the
 * code fixes (see integerExpressionBounds): `range(1, total_lag_time + 1)`, `range(total_lag_time,
 * 0, -1)`, `range(len(OHE_COLUMNS))`. Undefined for anything else, and for a step that is not a
 * literal (its sign decides which way the range runs).
 */
export function rangeIterations(ctx: RuleContext, call: Node, lengthOf?: (n: Node) => number | undefined): number | undefined {
  const parts = callParts(call);
  if (!parts || parts.object || parts.name !== 'range' || parts.keywords.size || parts.args.length < 1 || parts.args.length > 3) return undefined;
  if (parts.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return undefined;
  const bounds = parts.args.slice(0, 2).map((a) => integerExpressionBounds(ctx, a, lengthOf));
  if (bounds.some((b) => !b)) return undefined;
  const [start, stop] = bounds.length === 1 ? [{ min: 0, max: 0 }, bounds[0]!] : [bounds[0]!, bounds[1]!];
  const stepBounds = parts.args[2] ? integerExpressionBounds(ctx, parts.args[2]) : { min: 1, max: 1 };
  if (!stepBounds || stepBounds.min !== stepBounds.max || stepBounds.min === 0) return undefined;
  const step = stepBounds.min;
  const span = step > 0 ? stop.max - start.min : start.max - stop.min;
  return Math.max(0, Math.ceil(span / Math.abs(step)));
}
