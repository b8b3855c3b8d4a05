import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, literalString, unwrapParens } from '../../parsing/syntax';

// Whether a stream-stream join's condition bounds event time, so that Spark can drop buffered rows
// (PSA203 reports joins that cannot; PSA216 leaves alone the state such a join keeps small).

const RANGE_OPERATORS = new Set(['<', '<=', '>', '>=']);
/** SQL text that bounds time: a range comparison, BETWEEN, an interval. */
const RANGE_SQL = /<|>|\bbetween\b|\binterval\b/i;
/** How much of a condition expression is inspected. */
const MAX_NODES = 2_000;

export type Bound = 'bounded' | 'unbounded' | 'unknown';

/**
 * Whether the `on` argument bounds event time. Column names are an equi-join (bounded only when a
 * key is a watermarked column); a Column condition is bounded by a range comparison, `between`,
 * SQL with `<`/`>`/BETWEEN/INTERVAL, or any mention of a watermarked column. A condition held in
 * a variable or built by a helper is unknown.
 */
export function conditionBound(on: Node | undefined, watermarkColumns: ReadonlySet<string>): Bound {
  if (!on) return 'unbounded'; // no condition at all: a cross join of two streams
  const n = unwrapParens(on);
  const names = columnNames(n);
  if (names) return names.some((k) => watermarkColumns.has(k) || k === 'window') ? 'bounded' : 'unbounded';
  if (
    n.type !== 'comparison_operator' &&
    n.type !== 'boolean_operator' &&
    n.type !== 'call' &&
    n.type !== 'list' &&
    n.type !== 'tuple' &&
    n.type !== 'binary_operator'
  ) {
    return 'unknown';
  }
  let sawComparison = false;
  const stack: Node[] = [n];
  for (let visited = 0; stack.length; visited++) {
    if (visited > MAX_NODES) return 'unknown';
    const cur = stack.pop()!;
    if (cur.type === 'comparison_operator') {
      sawComparison = true;
      for (const op of cur.children) if (op && RANGE_OPERATORS.has(op.type)) return 'bounded';
    } else if (cur.type === 'call') {
      const parts = callParts(cur);
      if (parts?.name === 'between') return 'bounded';
      if (parts?.name === 'eqNullSafe') sawComparison = true;
      if (parts?.name === 'expr') {
        const sql = literalString(parts.args[0]);
        if (sql === undefined) return 'unknown';
        if (RANGE_SQL.test(sql)) return 'bounded';
        if (sql.includes('=')) sawComparison = true;
      }
    } else if (cur.type === 'string') {
      const s = literalString(cur);
      // An f-string may hide anything; a column name may be qualified (`"c.event_time"`).
      if (s === undefined || watermarkColumns.has(s.slice(s.lastIndexOf('.') + 1))) return 'bounded';
    } else if (cur.type === 'identifier' && watermarkColumns.has(cur.text)) {
      return 'bounded'; // `a.event_time == b.event_time`: equality on the watermarked column bounds state too
    }
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  // Without a comparison we are looking at something else (a helper call returning a Column).
  return sawComparison ? 'unbounded' : 'unknown';
}

/** `"id"` or `["id", "day"]`: the equi-join column names, else undefined. */
function columnNames(n: Node): string[] | undefined {
  const single = literalString(n);
  if (single !== undefined) return [single];
  if (n.type !== 'list' && n.type !== 'tuple') return undefined;
  const out: string[] = [];
  for (const item of n.namedChildren) {
    if (!item || isExtra(item)) continue;
    const s = literalString(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out.length ? out : undefined;
}
