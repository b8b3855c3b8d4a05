import { conflictingConf } from './PSA503-conflicting-conf';
import { invalidConfValue } from './PSA504-invalid-conf-value';
import { shadowedSparkFunction } from './PSA701-shadowed-spark-function';
import { noneComparisonOnColumn } from './PSA702-none-comparison-on-column';
import { pythonBooleanOperatorOnColumn } from './PSA703-python-boolean-operator-on-column';
import type { Rule } from './rule';

/** Correctness and configuration-consistency rules (PSA503, PSA504, PSA701-PSA703): code that is silently wrong or fails at runtime. */
export const CORRECTNESS_RULES: readonly Rule[] = [conflictingConf, invalidConfValue, shadowedSparkFunction, noneComparisonOnColumn, pythonBooleanOperatorOnColumn];
