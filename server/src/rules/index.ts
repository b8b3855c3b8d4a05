import { layerSkip } from './architecture/PSA601-layer-skip';
import { layerBackflow } from './architecture/PSA602-layer-backflow';
import { staticConfAtRuntime } from './configuration/PSA501-static-conf-at-runtime';
import { unknownSparkConf } from './configuration/PSA502-unknown-spark-conf';
import { conflictingConf } from './configuration/PSA503-conflicting-conf';
import { invalidConfValue } from './configuration/PSA504-invalid-conf-value';
import { shadowedSparkFunction } from './correctness/PSA701-shadowed-spark-function';
import { noneComparisonOnColumn } from './correctness/PSA702-none-comparison-on-column';
import { pythonBooleanOperatorOnColumn } from './correctness/PSA703-python-boolean-operator-on-column';
import { unmaskedPiiAtSink } from './governance/PSA401-unmasked-pii-at-sink';
import { hardcodedSecret } from './governance/PSA402-hardcoded-secret';
import { nondeterministicFingerprint } from './governance/PSA403-nondeterministic-fingerprint';
import { sqlBuiltFromJobInput } from './governance/PSA404-sql-built-from-job-input';
import { singlePartitionWrite } from './partitioning/PSA301-single-partition-write';
import { highCardinalityPartitionColumn } from './partitioning/PSA302-high-cardinality-partition-column';
import { partitionSizeConfig } from './partitioning/PSA303-partition-size-config';
import { overwriteDropsPartitions } from './partitioning/PSA304-overwrite-drops-partitions';
import { extremePartitionCount } from './partitioning/PSA305-extreme-partition-count';
import { windowWithoutPartition } from './partitioning/PSA306-window-without-partition';
import { countForMonitoring } from './performance/PSA101-count-for-monitoring';
import { uncachedReuse } from './performance/PSA102-uncached-reuse';
import { unboundedCollect } from './performance/PSA103-unbounded-collect';
import { countForEmptiness } from './performance/PSA104-count-for-emptiness';
import { pythonUdfWithBuiltin } from './performance/PSA105-python-udf-with-builtin';
import { withColumnInLoop } from './performance/PSA106-withcolumn-in-loop';
import { actionInLoop } from './performance/PSA107-action-in-loop';
import { streamingAggregationWithoutWatermark } from './streaming/PSA201-streaming-aggregation-without-watermark';
import { streamingDedupWithoutWatermark } from './streaming/PSA202-streaming-dedup-without-watermark';
import { streamJoinWithoutWatermark } from './streaming/PSA203-stream-join-without-watermark';
import { ephemeralCheckpointLocation } from './streaming/PSA204-ephemeral-checkpoint-location';
import { missingCheckpointLocation } from './streaming/PSA205-missing-checkpoint-location';
import { watermarkColumnMismatch } from './streaming/PSA206-watermark-column-mismatch';
import { triggerOnceDeprecated } from './streaming/PSA207-trigger-once-deprecated';
import { streamingFileSourceWithoutSchema } from './streaming/PSA208-streaming-file-source-without-schema';
import type { Rule } from './rule';

/** Every rule, in code order. Codes are stable API. */
export const RULES: readonly Rule[] = [
  layerSkip,
  layerBackflow,
  staticConfAtRuntime,
  unknownSparkConf,
  conflictingConf,
  invalidConfValue,
  shadowedSparkFunction,
  noneComparisonOnColumn,
  pythonBooleanOperatorOnColumn,
  unmaskedPiiAtSink,
  hardcodedSecret,
  nondeterministicFingerprint,
  sqlBuiltFromJobInput,
  singlePartitionWrite,
  highCardinalityPartitionColumn,
  partitionSizeConfig,
  overwriteDropsPartitions,
  extremePartitionCount,
  windowWithoutPartition,
  countForMonitoring,
  uncachedReuse,
  unboundedCollect,
  countForEmptiness,
  pythonUdfWithBuiltin,
  withColumnInLoop,
  actionInLoop,
  streamingAggregationWithoutWatermark,
  streamingDedupWithoutWatermark,
  streamJoinWithoutWatermark,
  ephemeralCheckpointLocation,
  missingCheckpointLocation,
  watermarkColumnMismatch,
  triggerOnceDeprecated,
  streamingFileSourceWithoutSchema,
];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code);
}
