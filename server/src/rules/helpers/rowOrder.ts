import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import type { SparkFunctions } from '../../spark/functions';

/** Steps that keep rows where they are (no shuffle, no new order): a sort before them still holds after them. */
export const ORDER_KEEPING_STEPS: ReadonlySet<string> = new Set([
  'filter',
  'where',
  'select',
  'selectExpr',
  'withColumn',
  'withColumns',
  'withColumnRenamed',
  'withColumnsRenamed',
  'drop',
  'alias',
  'hint',
  'cache',
  'persist',
  'fillna',
  'dropna',
  'replace',
  'withWatermark',
]);

/**
 * The sort (a frame whose op is in `sorts`) that `input` went through just before, over order-keeping
 * steps only: the sign that the code expects the next step to follow that order.
 */
export function sortBefore(input: Frame | undefined, sorts: ReadonlySet<string>): Frame | undefined {
  let f = input;
  for (let i = 0; f && i < 50; i++) {
    if (sorts.has(f.op)) return f;
    if (f.parents.length !== 1 || !ORDER_KEEPING_STEPS.has(f.op)) return undefined;
    f = f.parents[0];
  }
  return undefined;
}

/** Column methods that give a sort direction: `col("ts").desc()`. */
const DIRECTIONS = new Set(['asc', 'desc', 'asc_nulls_first', 'asc_nulls_last', 'desc_nulls_first', 'desc_nulls_last']);

/**
 * The column one sort key orders by: `"ts"`, `col("ts")`, `df["ts"]`, `df.ts`, through `.desc()`-style
 * methods and `F.desc("ts")`; undefined: not read. PSA716 (which column chose the row kept) and PSA306
 * (a window ordered by calendar periods only) read sort keys alike.
 */
export function orderedColumn(fns: SparkFunctions, key: Node): string | undefined {
  let n = unwrapParens(key);
  for (let i = 0; i < 3 && n.type === 'call'; i++) {
    const parts = callParts(n);
    if (!parts?.object || !DIRECTIONS.has(parts.name ?? '') || parts.args.length) break;
    n = unwrapParens(parts.object);
  }
  const direct = literalString(n) ?? fns.columnRef(n);
  if (direct !== undefined) return direct;
  if (n.type === 'call' && DIRECTIONS.has(fns.nameOf(n) ?? '')) {
    const inner = callParts(n)?.args[0];
    return inner ? (literalString(inner) ?? fns.columnRef(inner)) : undefined;
  }
  // `df.ts`: an attribute of a frame names its column.
  return n.type === 'attribute' ? n.childForFieldName('attribute')?.text : undefined;
}
