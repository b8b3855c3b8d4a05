import { pyString } from './parsing/syntax';

/**
 * Python text that quick fixes and snippets both write. One source for each idiom means a fix
 * and the snippet a user starts from never disagree on what the "right" code looks like.
 *
 * Every function takes identifiers and values as plain strings and returns Python source. The
 * snippet generator passes snippet placeholders such as `${1:event_time}` as the values; that is
 * why string values are quoted with `pyString` (JSON quoting leaves `$`, `{`, `}` and `:` alone).
 * Chain segments start with `.` so a caller can append them to any frame expression.
 */

/** Delay a watermark gets when nothing better is known: late data up to this old is still counted. */
export const DEFAULT_WATERMARK_DELAY = '10 minutes';

/** Name of the metric `observationTemplate` collects. */
export const ROW_COUNT_METRIC = 'row_count';

/** `.withWatermark("event_time", "10 minutes")`: bounds streaming state by event time. */
export function watermarkCall(column: string, delay: string = DEFAULT_WATERMARK_DELAY): string {
  return `.withWatermark(${pyString(column)}, ${pyString(delay)})`;
}

/**
 * `F.sha2(F.col("email").cast("string"), 256)`: a one-way hash, so joins on the hashed value
 * still work while the clear text never reaches a sink. The cast lets it hash non-string columns.
 */
export function maskColumnCall(column: string, F: string): string {
  return `${F}.sha2(${F}.col(${pyString(column)}).cast("string"), 256)`;
}

/**
 * `.withColumns({"email": <mask>, ...})`: masks each column in place in one projection (a chain
 * of withColumn calls adds one projection per column). With `indent`, one column per line, the
 * closing `})` at `indent`; without, a single line.
 */
export function maskColumnsCall(columns: readonly string[], F: string, indent?: string): string {
  const pairs = columns.map((c) => `${pyString(c)}: ${maskColumnCall(c, F)}`);
  if (indent === undefined) return `.withColumns({${pairs.join(', ')}})`;
  return `.withColumns({\n${pairs.map((p) => `${indent}    ${p},\n`).join('')}${indent}})`;
}

/** `.option("partitionOverwriteMode", "dynamic")`: an overwrite replaces only the partitions it writes. */
export function dynamicOverwriteOption(): string {
  return '.option("partitionOverwriteMode", "dynamic")';
}

/** `.option("checkpointLocation", "s3://...")`: one durable checkpoint per streaming query. */
export function checkpointOption(path: string): string {
  return `.option("checkpointLocation", ${pyString(path)})`;
}

/** `.trigger(availableNow=True)`: processes everything available in bounded batches, then stops (replaces `once=True`). */
export function availableNowTrigger(): string {
  return '.trigger(availableNow=True)';
}

/** `os.environ["NAME"]`: a secret read from the environment instead of the source (needs `import os`). */
export function environmentSecret(variable: string): string {
  return `os.environ[${pyString(variable)}]`;
}

/** `df = df.cache()`: computes the frame once for several actions. */
export function cacheStatement(frameVar: string): string {
  return `${frameVar} = ${frameVar}.cache()`;
}

export interface ObservationTemplate {
  /** The variable holding the `Observation`: `orders_observation`. */
  observation: string;
  /** Statements to put right after the frame is defined (needs `Observation` from `pyspark.sql`). */
  statements: string[];
  /** Expression reading the count, valid only after an action on the frame: `orders_observation.get["row_count"]`. */
  rowCount: string;
}

/**
 * Counts rows as a side effect of the job that already runs (the write), instead of a separate
 * `count()` job: `observe` attaches the metric, `Observation.get` reads it after the action.
 */
export function observationTemplate(frameVar: string, F: string): ObservationTemplate {
  const observation = `${frameVar}_observation`;
  return {
    observation,
    statements: [
      `${observation} = Observation(${pyString(`${frameVar}_metrics`)})`,
      `${frameVar} = ${frameVar}.observe(${observation}, ${F}.count(${F}.lit(1)).alias(${pyString(ROW_COUNT_METRIC)}))`,
    ],
    rowCount: `${observation}.get[${pyString(ROW_COUNT_METRIC)}]`,
  };
}
