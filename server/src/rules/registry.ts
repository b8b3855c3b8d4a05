import { layerSkip } from './architecture/PSA601-layer-skip';
import { layerBackflow } from './architecture/PSA602-layer-backflow';
import { isGraphRule, type GraphRule } from './helpers/layerGraph';
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
import type { CodeKind } from '../context/codeContext';
import type { Applicability } from '../findings';
import { actionOnStreamingDataFrame } from './streaming/PSA209-action-on-streaming-dataframe';
import { unsupportedOutputModeForSink } from './streaming/PSA210-unsupported-output-mode-for-sink';
import { unionByPositionMismatch } from './correctness/PSA704-union-by-position-mismatch';
import { crossJoinWithoutCondition } from './correctness/PSA705-cross-join-without-condition';
import { notebookDebrisInJob } from './performance/PSA113-notebook-debris-in-job';
import { vacuumRetentionBelowDefault } from './delta/PSA803-vacuum-retention-below-default';
import { zorderOnPartitionColumn } from './delta/PSA802-zorder-on-partition-column';
import { overwriteOfStreamedDeltaTable } from './delta/PSA804-overwrite-of-streamed-delta-table';
import { cacheUsedOnce } from './performance/PSA114-cache-used-once';
import { cacheInLoopNeverReleased } from './performance/PSA115-cache-in-loop-never-released';
import { lastOverDefaultWindowFrame } from './correctness/PSA706-last-over-default-window-frame';
import { untypedNullColumnWritten } from './correctness/PSA707-untyped-null-column-written';
import { mergeWithoutPartitionPruning } from './delta/PSA801-merge-without-partition-pruning';
import { kafkaOptionRejected } from './streaming/PSA211-kafka-option-rejected';
import { inferredSchemaBatchRead } from './partitioning/PSA307-inferred-schema-batch-read';
import { sessionWideMergeSchema } from './partitioning/PSA308-session-wide-merge-schema';
import { streamingDedupOnUniqueRow } from './streaming/PSA212-streaming-dedup-on-unique-row';
import { memorySinkWithoutQueryName } from './streaming/PSA213-memory-sink-without-query-name';
import { unnamedConcurrentQueries } from './streaming/PSA214-unnamed-concurrent-queries';
import { unknownColumn } from './correctness/PSA720-unknown-column';
import { duplicateColumnAfterJoin } from './correctness/PSA708-duplicate-column-after-join';
import { streamingWriteWithoutTrigger } from './streaming/PSA215-streaming-write-without-trigger';
import { statefulQueryWithoutRocksDb } from './streaming/PSA216-stateful-query-without-rocksdb';
import { unsupportedStreamStaticOuterJoin } from './streaming/PSA217-unsupported-stream-static-outer-join';
import { streamStaticJoinFrozenStaticSide } from './streaming/PSA218-stream-static-join-frozen-static-side';
import { nonTimeWindowOnStream } from './streaming/PSA219-non-time-window-on-stream';
import { foreachBatchFunctionSignature } from './streaming/PSA220-foreach-batch-function-signature';
import { floatTypeForMoney } from './correctness/PSA709-float-type-for-money';
import { firstLastWithoutOrdering } from './correctness/PSA710-first-last-without-ordering';
import { innerJoinThenNullHandling } from './correctness/PSA711-inner-join-then-null-handling';
import { broadcastHintIgnored } from './performance/PSA116-broadcast-hint-ignored';
import { missingFPrefixInSinkPath } from './correctness/PSA712-missing-f-prefix-in-sink-path';
import { discardedTransformation } from './correctness/PSA713-discarded-transformation';
import { useOfWriteResult } from './correctness/PSA715-use-of-write-result';
import { dedupAfterSort } from './correctness/PSA716-dedup-after-sort';
import { overwriteOfOwnSource } from './correctness/PSA714-overwrite-of-own-source';
import type { Rule, RuleContext } from './rule';

/** A rule family: one folder of `rules/`, one hundred of codes (performance = PSA1xx ...). */
export const FAMILIES = {
  performance: { digit: '1', title: 'Performance' },
  streaming: { digit: '2', title: 'Streaming' },
  partitioning: { digit: '3', title: 'Partitioning' },
  governance: { digit: '4', title: 'Governance' },
  configuration: { digit: '5', title: 'Configuration' },
  architecture: { digit: '6', title: 'Architecture' },
  correctness: { digit: '7', title: 'Correctness' },
  delta: { digit: '8', title: 'Delta Lake' },
} as const;
export type Family = keyof typeof FAMILIES;

/**
 * Whether a finding comes with a quick fix: `always` (every finding), `sometimes` (only where the
 * edit is safe, e.g. a plain literal or a statement on its own lines), `none`.
 */
export type FixAvailability = 'none' | 'sometimes' | 'always';

/** `file` rules see one file; `project` rules also judge the other files' datasets (the CLI runs them again once every file is known). */
export type RuleScope = 'file' | 'project';

export interface RuleInfo extends Rule {
  readonly family: Family;
  readonly fix: FixAvailability;
  /** What applying its fixes does (see Applicability); a test checks every fix the rule offers against it. */
  readonly fixes: readonly Applicability[];
  readonly scope: RuleScope;
  /** The release that introduced the rule. */
  readonly since: string;
  /**
   * Opt-in: below its precision target on real code (docs/accuracy.md), so it runs only when the
   * user asks for it (`rules.strict`, its code in `--select`, or a severity set for it).
   */
  readonly strict?: boolean;
  /**
   * Kinds of code the rule stays quiet in (server/src/context/codeContext.ts): tests exercise
   * behaviour on purpose, generators fabricate demo data; what costs a job nothing matters there.
   */
  readonly quietIn?: readonly CodeKind[];
  /** A project rule that judges from the file's graph alone (`GraphRule`): the CLI's cross-file pass runs it without a model. */
  readonly checkGraph?: GraphRule['checkGraph'];
}

interface Registration {
  rule: Rule;
  family: Family;
  fix: FixAvailability;
  fixes: readonly Applicability[];
  scope: RuleScope;
  since: string;
  strict?: boolean;
  quietIn?: readonly CodeKind[];
}

const TESTS_AND_GENERATORS: readonly CodeKind[] = ['test', 'generator'];
/** Notebooks and exploratory scripts, where printing rows and counts is the output (docs/context.md). */
const EXPLORATORY: readonly CodeKind[] = ['test', 'generator', 'notebook', 'exploration'];

/**
 * The architecture rules (PSA601, PSA602) judge a pipeline across files. Opt-in: across six corpora
 * every finding they gave was false (layer words used for other zones, whole notebooks taken as one
 * step, JDBC tables as one store); narrowed each time, they now report nothing there, so their
 * precision on real code is unmeasured. See docs/accuracy.md, "PSA601 and PSA602: strict".
 */
const LAYER_RULE: Omit<Registration, 'rule'> = {
  family: 'architecture',
  fix: 'none',
  fixes: [],
  scope: 'project',
  since: '0.1.0',
  strict: true,
  quietIn: TESTS_AND_GENERATORS,
};

/** The one list of rules. Adding a rule: its file under `rules/<family>/`, one line here, a fixture and a docs page. */
const REGISTRATIONS: readonly Registration[] = [
  { rule: layerSkip, ...LAYER_RULE },
  { rule: layerBackflow, ...LAYER_RULE },
  { rule: staticConfAtRuntime, family: 'configuration', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: unknownSparkConf, family: 'configuration', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: conflictingConf, family: 'configuration', fix: 'none', fixes: [], scope: 'file', since: '0.1.0' },
  { rule: invalidConfValue, family: 'configuration', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: shadowedSparkFunction, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: noneComparisonOnColumn, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: pythonBooleanOperatorOnColumn, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  {
    rule: unmaskedPiiAtSink,
    family: 'governance',
    fix: 'sometimes',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.1.0',
    quietIn: EXPLORATORY,
  },
  { rule: hardcodedSecret, family: 'governance', fix: 'sometimes', fixes: ['unsafe', 'display-only'], scope: 'file', since: '0.1.0' },
  { rule: nondeterministicFingerprint, family: 'governance', fix: 'always', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  { rule: sqlBuiltFromJobInput, family: 'governance', fix: 'none', fixes: [], scope: 'file', since: '0.1.0', strict: true },
  {
    rule: singlePartitionWrite,
    family: 'partitioning',
    fix: 'sometimes',
    fixes: ['unsafe', 'display-only'],
    scope: 'file',
    since: '0.1.0',
    // Opt-in since the four corpora (issue #11): most single-file writes on real code are deliberate
    // exports of data the code cannot size (2 of 11 findings worth acting on); see docs/rules/PSA301.md.
    strict: true,
    // One local file of an exploratory script's laptop-sized result is what the author wants.
    quietIn: [...TESTS_AND_GENERATORS, 'exploration'],
  },
  { rule: highCardinalityPartitionColumn, family: 'partitioning', fix: 'none', fixes: [], scope: 'file', since: '0.1.0', quietIn: TESTS_AND_GENERATORS },
  { rule: partitionSizeConfig, family: 'partitioning', fix: 'none', fixes: [], scope: 'file', since: '0.1.0', strict: true, quietIn: TESTS_AND_GENERATORS },
  // Strict since the sixth session: 0 findings on the development corpus after its narrowings, 3 on the seven corpora (1 TP, 1 FP, 1 debatable).
  {
    rule: overwriteDropsPartitions,
    family: 'partitioning',
    fix: 'sometimes',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.1.0',
    strict: true,
    quietIn: TESTS_AND_GENERATORS,
  },
  { rule: extremePartitionCount, family: 'partitioning', fix: 'none', fixes: [], scope: 'file', since: '0.1.0', quietIn: TESTS_AND_GENERATORS },
  { rule: windowWithoutPartition, family: 'partitioning', fix: 'none', fixes: [], scope: 'file', since: '0.1.0', strict: true, quietIn: TESTS_AND_GENERATORS },
  {
    rule: countForMonitoring,
    family: 'performance',
    fix: 'sometimes',
    fixes: ['safe'],
    scope: 'file',
    since: '0.1.0',
    // Notebooks are judged cell by cell in the rule; an exploratory script's printed count is its output.
    quietIn: [...TESTS_AND_GENERATORS, 'exploration'],
  },
  { rule: uncachedReuse, family: 'performance', fix: 'sometimes', fixes: ['safe'], scope: 'file', since: '0.1.0', quietIn: TESTS_AND_GENERATORS },
  {
    rule: unboundedCollect,
    family: 'performance',
    fix: 'sometimes',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.1.0',
    strict: true,
    quietIn: TESTS_AND_GENERATORS,
  },
  { rule: countForEmptiness, family: 'performance', fix: 'always', fixes: ['safe', 'unsafe'], scope: 'file', since: '0.1.0', quietIn: TESTS_AND_GENERATORS },
  { rule: pythonUdfWithBuiltin, family: 'performance', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.1.0' },
  {
    rule: withColumnInLoop,
    family: 'performance',
    fix: 'sometimes',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.1.0',
    strict: true,
    quietIn: TESTS_AND_GENERATORS,
  },
  {
    rule: actionInLoop,
    family: 'performance',
    fix: 'none',
    fixes: [],
    scope: 'file',
    since: '0.1.0',
    // An exploratory script's show() per column or per file in a loop is its output, on local data.
    quietIn: [...TESTS_AND_GENERATORS, 'exploration'],
  },
  { rule: streamingAggregationWithoutWatermark, family: 'streaming', fix: 'sometimes', fixes: ['display-only'], scope: 'file', since: '0.1.0' },
  { rule: streamingDedupWithoutWatermark, family: 'streaming', fix: 'always', fixes: ['display-only'], scope: 'file', since: '0.1.0' },
  { rule: streamJoinWithoutWatermark, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.1.0' },
  {
    rule: ephemeralCheckpointLocation,
    family: 'streaming',
    fix: 'sometimes',
    fixes: ['unsafe', 'display-only'],
    scope: 'file',
    since: '0.1.0',
    quietIn: TESTS_AND_GENERATORS,
  },
  {
    rule: missingCheckpointLocation,
    family: 'streaming',
    fix: 'sometimes',
    fixes: ['unsafe', 'display-only'],
    scope: 'file',
    since: '0.1.0',
    quietIn: TESTS_AND_GENERATORS,
  },
  { rule: watermarkColumnMismatch, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.1.0' },
  { rule: triggerOnceDeprecated, family: 'streaming', fix: 'always', fixes: ['unsafe'], scope: 'file', since: '0.1.0', quietIn: TESTS_AND_GENERATORS },
  { rule: streamingFileSourceWithoutSchema, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.1.0' },
  { rule: actionOnStreamingDataFrame, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: unsupportedOutputModeForSink, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0' },
  { rule: unionByPositionMismatch, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0', strict: true },
  { rule: crossJoinWithoutCondition, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: notebookDebrisInJob, family: 'performance', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0', quietIn: EXPLORATORY, strict: true },
  { rule: cacheUsedOnce, family: 'performance', fix: 'sometimes', fixes: ['safe'], scope: 'file', since: '0.2.0', quietIn: TESTS_AND_GENERATORS, strict: true },
  { rule: cacheInLoopNeverReleased, family: 'performance', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', quietIn: TESTS_AND_GENERATORS, strict: true },
  { rule: lastOverDefaultWindowFrame, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0', strict: true },
  { rule: untypedNullColumnWritten, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: duplicateColumnAfterJoin, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: floatTypeForMoney, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true, quietIn: EXPLORATORY },
  { rule: mergeWithoutPartitionPruning, family: 'delta', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true, quietIn: TESTS_AND_GENERATORS },
  { rule: zorderOnPartitionColumn, family: 'delta', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: overwriteOfStreamedDeltaTable, family: 'delta', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  {
    rule: vacuumRetentionBelowDefault,
    family: 'delta',
    fix: 'sometimes',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.2.0',
    quietIn: EXPLORATORY,
    strict: true,
  },
  {
    rule: inferredSchemaBatchRead,
    family: 'partitioning',
    fix: 'none',
    fixes: [],
    scope: 'file',
    since: '0.2.0',
    strict: true,
    quietIn: EXPLORATORY,
  },
  { rule: sessionWideMergeSchema, family: 'partitioning', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', quietIn: TESTS_AND_GENERATORS, strict: true },
  { rule: streamingDedupOnUniqueRow, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: memorySinkWithoutQueryName, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  {
    rule: unnamedConcurrentQueries,
    family: 'streaming',
    fix: 'none',
    fixes: [],
    scope: 'file',
    since: '0.2.0',
    quietIn: EXPLORATORY,
  },
  {
    rule: streamingWriteWithoutTrigger,
    family: 'streaming',
    fix: 'always',
    fixes: ['display-only'],
    scope: 'file',
    since: '0.2.0',
    strict: true,
    quietIn: [...TESTS_AND_GENERATORS, 'notebook'],
  },
  {
    rule: statefulQueryWithoutRocksDb,
    family: 'streaming',
    fix: 'always',
    fixes: ['unsafe'],
    scope: 'file',
    since: '0.2.0',
    strict: true,
    quietIn: [...TESTS_AND_GENERATORS, 'notebook'],
  },
  { rule: unsupportedStreamStaticOuterJoin, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  {
    rule: streamStaticJoinFrozenStaticSide,
    family: 'streaming',
    fix: 'none',
    fixes: [],
    scope: 'file',
    since: '0.2.0',
    strict: true,
    quietIn: EXPLORATORY,
  },
  { rule: kafkaOptionRejected, family: 'streaming', fix: 'sometimes', fixes: ['safe', 'unsafe'], scope: 'file', since: '0.2.0', strict: true },
  { rule: unknownColumn, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0', strict: true },
  { rule: firstLastWithoutOrdering, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0' },
  { rule: innerJoinThenNullHandling, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0', strict: true },
  { rule: broadcastHintIgnored, family: 'performance', fix: 'none', fixes: [], scope: 'file', since: '0.2.0', strict: true },
  { rule: missingFPrefixInSinkPath, family: 'correctness', fix: 'always', fixes: ['unsafe'], scope: 'file', since: '0.2.0' },
  { rule: nonTimeWindowOnStream, family: 'streaming', fix: 'none', fixes: [], scope: 'file', since: '0.2.0' },
  { rule: foreachBatchFunctionSignature, family: 'streaming', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0' },
  { rule: discardedTransformation, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0' },
  { rule: overwriteOfOwnSource, family: 'correctness', fix: 'none', fixes: [], scope: 'file', since: '0.2.0' },
  { rule: useOfWriteResult, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0' },
  { rule: dedupAfterSort, family: 'correctness', fix: 'sometimes', fixes: ['unsafe'], scope: 'file', since: '0.2.0' },
];

/** Every rule with its metadata, in code order. Codes are stable API. */
export const RULES: readonly RuleInfo[] = REGISTRATIONS.map(({ rule, ...meta }) => ({
  code: rule.code,
  name: rule.name,
  summary: rule.summary,
  defaultSeverity: rule.defaultSeverity,
  ...meta,
  check: (ctx: RuleContext) => rule.check(ctx),
  ...(isGraphRule(rule) ? { checkGraph: rule.checkGraph.bind(rule) } : {}),
})).sort((a, b) => a.code.localeCompare(b.code));

export function ruleByCode(code: string): RuleInfo | undefined {
  return RULES.find((r) => r.code === code);
}

/** Codes of the rules that look across files. */
export const PROJECT_RULE_CODES: readonly string[] = RULES.filter((r) => r.scope === 'project').map((r) => r.code);

/** Per rule code, the applicabilities its fixes can have. */
export function fixApplicabilities(): Map<string, readonly Applicability[]> {
  return new Map(RULES.map((r) => [r.code, r.fixes]));
}
