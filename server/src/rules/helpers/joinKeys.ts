import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, literalString, unwrapParens } from '../../parsing/syntax';

/** How deep a condition of `&`-joined equalities is followed. */
const MAX_DEPTH = 50;
const COLUMN_FUNCTIONS = new Set(['col', 'column']);

/**
 * The columns a join matches on by equality: `"id"`, `["id", "ts"]`, or a Column condition made of
 * `a.ts == b.ts` / `a["ts"] == b["ts"]` / `col("a.ts") == col("b.ts")` terms joined with `&`. An
 * equality counts only when both sides name the same column. Anything else adds nothing.
 */
export function equiJoinKeys(on: Node): Set<string> {
  const keys = new Set<string>();
  collect(unwrapParens(on), keys, 0);
  return keys;
}

function collect(n: Node, keys: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const single = literalString(n);
  if (single !== undefined) {
    keys.add(single);
    return;
  }
  if (n.type === 'list' || n.type === 'tuple') {
    for (const item of n.namedChildren) if (item && !isExtra(item)) collect(unwrapParens(item), keys, depth + 1);
    return;
  }
  if (n.type === 'binary_operator' && n.children.some((c) => c.type === '&')) {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left) collect(unwrapParens(left), keys, depth + 1);
    if (right) collect(unwrapParens(right), keys, depth + 1);
    return;
  }
  if (n.type === 'comparison_operator' && n.children.some((c) => c.type === '==')) {
    const operands = n.namedChildren.filter((c): c is Node => !!c && !isExtra(c));
    if (operands.length !== 2) return;
    const a = columnNamed(operands[0]);
    if (a !== undefined && a === columnNamed(operands[1])) keys.add(a);
  }
}

/** The column an expression names: `df.ts`, `df["ts"]`, `col("a.ts")`, `F.col("ts")`. */
function columnNamed(expr: Node): string | undefined {
  const n = unwrapParens(expr);
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text;
  if (n.type === 'subscript') {
    const s = literalString(n.childForFieldName('subscript') ?? undefined);
    return s?.slice(s.lastIndexOf('.') + 1);
  }
  if (n.type === 'call') {
    const parts = callParts(n);
    if (!parts?.name || !COLUMN_FUNCTIONS.has(parts.name) || parts.args.length !== 1) return undefined;
    const s = literalString(parts.args[0]);
    return s?.slice(s.lastIndexOf('.') + 1);
  }
  return undefined;
}
