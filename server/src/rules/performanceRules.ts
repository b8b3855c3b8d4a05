import { uncachedReuse } from './PSA102-uncached-reuse';
import { unboundedCollect } from './PSA103-unbounded-collect';
import { countForEmptiness } from './PSA104-count-for-emptiness';
import { pythonUdfWithBuiltin } from './PSA105-python-udf-with-builtin';
import { withColumnInLoop } from './PSA106-withcolumn-in-loop';
import { actionInLoop } from './PSA107-action-in-loop';
import type { Rule } from './rule';

/** Performance rules (PSA102-PSA107): jobs run more often or heavier than needed. */
export const PERFORMANCE_RULES: readonly Rule[] = [
  uncachedReuse,
  unboundedCollect,
  countForEmptiness,
  pythonUdfWithBuiltin,
  withColumnInLoop,
  actionInLoop,
];
