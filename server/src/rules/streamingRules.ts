import type { Rule } from './rule';

/** Streaming and partitioning rules (PSA202-PSA207, PSA303-PSA306). */
export const STREAMING_RULES: readonly Rule[] = [];
