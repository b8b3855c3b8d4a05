import type { Rule } from './rule';

/** Governance and configuration rules (PSA402, PSA403, PSA502). */
export const GOVERNANCE_RULES: readonly Rule[] = [];
