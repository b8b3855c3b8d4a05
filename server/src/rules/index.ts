import { CORRECTNESS_RULES } from './correctnessRules';
import { GOVERNANCE_RULES } from './governanceRules';
import { countForMonitoring } from './PSA101-count-for-monitoring';
import { streamingAggregationWithoutWatermark } from './PSA201-streaming-aggregation-without-watermark';
import { ephemeralCheckpointLocation } from './PSA204-ephemeral-checkpoint-location';
import { singlePartitionWrite } from './PSA301-single-partition-write';
import { highCardinalityPartitionColumn } from './PSA302-high-cardinality-partition-column';
import { unmaskedPiiAtSink } from './PSA401-unmasked-pii-at-sink';
import { staticConfAtRuntime } from './PSA501-static-conf-at-runtime';
import { layerSkip } from './PSA601-layer-skip';
import { layerBackflow } from './PSA602-layer-backflow';
import { PERFORMANCE_RULES } from './performanceRules';
import type { Rule } from './rule';
import { STREAMING_RULES } from './streamingRules';

/** Every rule, in code order. Codes are stable API. */
export const RULES: readonly Rule[] = [
  countForMonitoring,
  streamingAggregationWithoutWatermark,
  ephemeralCheckpointLocation,
  singlePartitionWrite,
  highCardinalityPartitionColumn,
  unmaskedPiiAtSink,
  staticConfAtRuntime,
  layerSkip,
  layerBackflow,
  ...PERFORMANCE_RULES,
  ...STREAMING_RULES,
  ...GOVERNANCE_RULES,
  ...CORRECTNESS_RULES,
].sort((a, b) => a.code.localeCompare(b.code));

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code);
}
