import { streamingDedupWithoutWatermark } from './PSA202-streaming-dedup-without-watermark';
import { streamJoinWithoutWatermark } from './PSA203-stream-join-without-watermark';
import { missingCheckpointLocation } from './PSA205-missing-checkpoint-location';
import { watermarkColumnMismatch } from './PSA206-watermark-column-mismatch';
import { triggerOnceDeprecated } from './PSA207-trigger-once-deprecated';
import { streamingFileSourceWithoutSchema } from './PSA208-streaming-file-source-without-schema';
import { partitionSizeConfig } from './PSA303-partition-size-config';
import { overwriteDropsPartitions } from './PSA304-overwrite-drops-partitions';
import { extremePartitionCount } from './PSA305-extreme-partition-count';
import { windowWithoutPartition } from './PSA306-window-without-partition';
import type { Rule } from './rule';

/** Streaming and partitioning rules (PSA202-PSA208, PSA303-PSA306). */
export const STREAMING_RULES: readonly Rule[] = [
  streamingDedupWithoutWatermark,
  streamJoinWithoutWatermark,
  missingCheckpointLocation,
  watermarkColumnMismatch,
  triggerOnceDeprecated,
  streamingFileSourceWithoutSchema,
  partitionSizeConfig,
  overwriteDropsPartitions,
  extremePartitionCount,
  windowWithoutPartition,
];
