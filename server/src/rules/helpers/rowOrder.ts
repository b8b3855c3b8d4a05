import type { Frame } from '../../model/types';

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
