import type { Rule } from './rule';

/** Performance rules (PSA102-PSA107): jobs run more often or heavier than needed. */
export const PERFORMANCE_RULES: readonly Rule[] = [];
