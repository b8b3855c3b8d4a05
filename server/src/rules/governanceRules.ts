import { hardcodedSecret } from './PSA402-hardcoded-secret';
import { nondeterministicFingerprint } from './PSA403-nondeterministic-fingerprint';
import { unknownSparkConf } from './PSA502-unknown-spark-conf';
import type { Rule } from './rule';

/** Governance and configuration rules (PSA402, PSA403, PSA502). */
export const GOVERNANCE_RULES: readonly Rule[] = [hardcodedSecret, nondeterministicFingerprint, unknownSparkConf];
