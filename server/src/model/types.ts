import type { Node } from '../parsing/pythonParser';
import type { ColumnMap } from './columnMap';
import { filterLineage, findInLineage } from './lineage';
import type { OptionSetting, Value } from './values';

/** A column the model knows a frame carries, and whether its values are masked. */
export interface ColumnInfo {
  name: string;
  /** Where the column became known (select, withColumn, schema, ...). */
  node: Node;
  masked: boolean;
  /** For a masked derived column such as `email_masked`: the column it was derived from. */
  maskedCopyOf?: string;
  /** Built from a comparison or a predicate (`isin`, `isNull`, `>`): booleans, whatever the name says. */
  boolean?: boolean;
  /**
   * Set to one value for every row of the frame (`withColumn("run_date", lit(run_date))`): whatever
   * the name suggests, a write partitioned by it makes one directory.
   */
  constant?: boolean;
  /** For a struct column built by `from_json(..., schema)`: its field names (for `select("x.*")`). */
  fields?: string[];
  /**
   * The Spark SQL type when the source says it (a schema field, a DDL string, a cast, a boolean
   * expression), lower case as in DDL: "string", "boolean", "bigint". Undefined: unknown.
   */
  type?: string;
}

export interface SourceInfo {
  /** `foreachBatch`: the static frame of one micro-batch, handed to a foreachBatch function. */
  kind: 'read' | 'table' | 'sql' | 'createDataFrame' | 'range' | 'foreachBatch';
  streaming: boolean;
  format?: string;
  /** Resolved path, with unresolved f-string parts kept as `{name}`. */
  path?: string;
  table?: string;
  /** A JDBC read's database table: `jdbc(url, table)`, `table=`, or the `dbtable` option. */
  jdbcTable?: string;
  /**
   * The SQL a JDBC read has the database run: the `query` option, or a parenthesised subquery given
   * as the table (`(SELECT count(*) AS n FROM t) AS q`), its alias dropped. Unresolved f-string parts
   * kept as `{name}`.
   */
  jdbcQuery?: string;
  /** A `spark.sql` source's query as the model evaluated it, unresolved f-string parts kept as `{name}`. */
  query?: string;
  options: Map<string, string | undefined>;
  node: Node;
  /** `.schema(...)` or `schema=` was given (whatever the model could read of it). */
  schemaGiven?: boolean;
  /** The schema argument as the model evaluated it (a StructType, a DDL string, a list of names). */
  schemaValue?: Value;
  /** Options the model cannot read were given (`options(**opts)`): `options` may be incomplete. */
  optionsUnknown?: boolean;
}

/** One DataFrame-valued expression and what the rules need to know about it. */
export interface Frame {
  id: number;
  node: Node;
  op: string;
  parents: Frame[];
  /** undefined: the model cannot tell (an unbound function parameter, say). */
  streaming: boolean | undefined;
  source?: SourceInfo;
  watermark?: { column?: string; node: Node };
  cached?: Node;
  /** Persistent: a frame derived with a column change holds a new map; its parent's is shared, never changed. */
  columns: ColumnMap;
  /** False when the frame may carry columns the model does not know (a parquet read, `select("*")`). */
  columnsComplete: boolean;
  /** A `coalesce(1)` / `repartition(1)` not undone by a later shuffle. */
  singlePartition?: Node;
  /** Known to be small: `limit(n)`, a global aggregate, a literal `createDataFrame`. */
  bounded: boolean;
  /**
   * `limit(0)`: Spark's optimizer plans it as an empty relation (OptimizeLimitZero), so an action or
   * a write of it computes nothing above it (`df.limit(0).write.saveAsTable(t)` creates the table
   * with df's schema). Set on that frame only; frames derived from it keep their other parents.
   */
  empty?: Node;
  /** The enclosing function (or module) in which the expression was evaluated. */
  scope: Node;
}

export interface ActionUse {
  method: string;
  frame: Frame;
  /** The whole `x.count()` call. */
  call: Node;
  /** The receiver expression (`x`). */
  receiver: Node;
  scope: Node;
  inLoop: boolean;
  /** The innermost `for` / `while` statement around the call, when inLoop. */
  loop?: Node;
}

/** A DataFrame method call that transforms a frame (withColumn, dropDuplicates, ...), with its loop context. */
export interface TransformCall {
  method: string;
  /** The input frame. */
  frame: Frame;
  call: Node;
  methodNode: Node;
  receiver: Node;
  scope: Node;
  /** The innermost loop statement around the call, if any. */
  loop?: Node;
}

export interface SinkInfo {
  frame: Frame;
  streaming: boolean;
  /** Terminal method: save, saveAsTable, insertInto, parquet, start, toTable, ... */
  method: string;
  call: Node;
  /** The `.write` / `.writeStream` attribute node. */
  writerNode: Node;
  /** The frame expression `.write` hangs off. */
  receiver: Node;
  format?: string;
  mode?: string;
  outputMode?: string;
  /** `outputMode(...)` was given a value the model cannot read: `outputMode` undefined does not mean "append". */
  outputModeUnknown?: boolean;
  options: Map<string, OptionSetting>;
  partitionBy: { name?: string; node: Node }[];
  path?: string;
  pathNode?: Node;
  table?: string;
  /** A JDBC write's database table: `jdbc(url, table)`, `table=`, or the `dbtable` option. */
  jdbcTable?: string;
  foreachBatch: boolean;
  /** The `.trigger(...)` call of a streaming writer. */
  trigger?: Node;
  /** An option the model cannot read was set (`options(**opts)`, a computed key): `options` may be incomplete. */
  optionsUnknown?: boolean;
  /** `format(...)` was given a value the model cannot read: `format` undefined does not mean "default". */
  formatUnknown?: boolean;
  scope: Node;
}

/**
 * An expression statement whose value is a frame or a writer (`df.withColumn(...)`,
 * `df.write.mode("overwrite")` on a line of their own): what it computed is thrown away.
 */
export interface DiscardedValue {
  /** The `expression_statement`. */
  statement: Node;
  /** Its expression (the call or attribute whose value is dropped). */
  expression: Node;
  /** The frame the expression evaluated to. */
  frame?: Frame;
  /** The writer the expression evaluated to: built, never told to write. */
  writer?: DiscardedWriter;
  scope: Node;
}

/** What the rules need of a writer left unfinished. */
export interface DiscardedWriter {
  streaming: boolean;
  /** A DataFrameWriterV2 (`df.writeTo(table)`). */
  v2: boolean;
  format?: string;
  /** The `.write` / `.writeStream` attribute (or `writeTo`) that made the writer. */
  writerNode: Node;
}

export interface AggregationInfo {
  kind: 'groupBy' | 'join';
  input: Frame;
  /** For joins: the other side. */
  other?: Frame;
  /** The `groupBy(...)` or `join(...)` call. */
  call: Node;
  /** The `groupBy` / `join` identifier, for a tight range. */
  methodNode: Node;
  /** The receiver expression the call hangs off. */
  receiver: Node;
  /** Grouping key column names (a window counts as "window"); undefined when not all are known. */
  keys?: string[];
  /** The aggregating method (`agg`, `count`, `applyInPandasWithState`, ...). */
  aggMethod?: string;
  /** First argument of `window(...)` / `session_window(...)` among the grouping keys. */
  windowColumn?: string;
  windowNode?: Node;
  /** For joins: the `on` argument (column name(s) or a condition), and `how`. */
  joinCondition?: Node;
  joinHow?: string;
}

export interface ConfSetInfo {
  key?: string;
  keyNode: Node;
  valueNode?: Node;
  call: Node;
  via: 'conf.set' | 'builder.config' | 'sparkconf.set';
}

export interface BuilderInfo {
  /** The `getOrCreate()` / `create()` call that ends the chain. */
  terminal: Node;
  /** The attribute node `.getOrCreate`'s object ends at. */
  terminalObject: Node;
  configs: ConfSetInfo[];
}

export interface ImportInfo {
  /** Names bound to `pyspark.sql.functions` (`F`, `sf`, ...). */
  functionsAliases: Set<string>;
  /** Names imported from `pyspark.sql.functions`. */
  functionNames: Set<string>;
  functionsStar: boolean;
  /** Names imported from `pyspark.sql` and friends (`SparkSession`, `Observation`, `Window`). */
  sqlNames: Set<string>;
  usesPySpark: boolean;
  /** Module-level import statements, in order (fixes add imports after the last). */
  statements: Node[];
}

/** A name in the source that evaluates to a frame: a read of the variable, or the target it was assigned to. */
export interface FrameRef {
  start: number;
  end: number;
  /** The frame, the first one when the name was analysed more than once (a function called with different frames). */
  frame: Frame;
  /** Other frames the same name stood for in later analyses of its function. */
  others?: Frame[];
}

export interface DataFrameModel {
  frames: Frame[];
  actions: ActionUse[];
  sinks: SinkInfo[];
  /** Every transformation call on a known frame, in evaluation order. */
  transforms: TransformCall[];
  /** Expression statements whose frame or writer value nobody keeps, in evaluation order. */
  discarded: DiscardedValue[];
  aggregations: AggregationInfo[];
  confSets: ConfSetInfo[];
  builders: BuilderInfo[];
  imports: ImportInfo;
  /** Statement that last bound a name to a frame, by frame id (for fixes that insert after it). */
  definitions: Map<number, { name: string; statement: Node }>;
  /** Names that evaluate to frames, by start offset (for hovers). */
  frameRefs: Map<number, FrameRef>;
  /**
   * Every call of a module function that returned a frame, in evaluation order. Calls with the same
   * arguments share one analysis and so one result frame: several call sites returning the same frame
   * are several DataFrames at run time, which the frames alone do not tell apart.
   */
  localCalls: LocalCall[];
  /** Temp views registered and dropped, in evaluation order (see spark/tempViews.ts). */
  tempViews: TempView[];
  root: Node;
  /** True when analysis stopped early (depth or size guard). */
  truncated: boolean;
}

/**
 * A temp view registered (`df.createOrReplaceTempView("v")`, `spark.sql("CREATE TEMP VIEW v AS ...")`)
 * or dropped, in evaluation order: what a later `spark.table("v")` or `spark.sql("... FROM v")` reads.
 */
export interface TempView {
  /**
   * The name as Spark resolves it, lower case (temp view names are case-insensitive): `v`, or
   * `global_temp.v` for a global temp view. Unresolved f-string parts are kept as `{name}`.
   */
  name: string;
  /** False when part of the name is not known (`{name}` parts) or the name is not a string the model can read. */
  exact: boolean;
  /** The frame registered; undefined for a view dropped, or registered on a frame the model does not know. */
  frame?: Frame;
  /** The registering (or dropping) call. */
  call: Node;
}

/** A call of a function defined in the file, and the frame it returned. */
export interface LocalCall {
  /** The call expression. */
  site: Node;
  /** The called function's definition. */
  def: Node;
  result: Frame;
}

export function isAncestorFrame(ancestor: Frame, frame: Frame): boolean {
  return findInLineage(frame, (f) => f === ancestor) !== undefined;
}

/** Frames upstream of `frame` (itself included) that were read from a streaming source, nearest first. */
export function streamingSources(frame: Frame): Frame[] {
  return filterLineage(frame, (f) => !!f.source?.streaming);
}
