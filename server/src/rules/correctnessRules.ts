import type { Rule } from './rule';

/** Correctness and configuration-consistency rules (PSA503, PSA701-PSA703): code that is silently wrong or fails at runtime. */
export const CORRECTNESS_RULES: readonly Rule[] = [];
