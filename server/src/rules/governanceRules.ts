import { hardcodedSecret } from './PSA402-hardcoded-secret';
import { nondeterministicFingerprint } from './PSA403-nondeterministic-fingerprint';
import { sqlBuiltFromJobInput } from './PSA404-sql-built-from-job-input';
import { unknownSparkConf } from './PSA502-unknown-spark-conf';
import type { Rule } from './rule';

/** Governance and configuration rules (PSA402-PSA404, PSA502). */
export const GOVERNANCE_RULES: readonly Rule[] = [hardcodedSecret, nondeterministicFingerprint, sqlBuiltFromJobInput, unknownSparkConf];
