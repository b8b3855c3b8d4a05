import type { Interpreter } from '../model/interpreter';
import { OptionMap } from '../model/optionMap';
import type { Frame, SinkInfo } from '../model/types';
import { exactStringOf, stringOf, stringsOf, UNKNOWN, type Value, type WriterValue } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import type { CallParts } from '../parsing/syntax';
import { FORMAT_METHODS, optionValue, originOf } from './options';
import { runBatchHandler } from './streaming';

/** `df.write` / `df.writeStream` / `df.writeTo(...)` chains, up to the call that makes a sink. */

// `table` ends a Databricks streaming writer (`writeStream...table("name")`, the name before `toTable`).
/**
 * Sinks for looking at data (`console`, `memory`, `noop`): nothing downstream reads what they
 * write, and nobody operates them as a service. The rules that judge a query by where it writes
 * leave these alone, each for its own reason (a demo of triggers, a query nobody monitors, a
 * checkpoint nothing resumes from).
 */
export const DISPLAY_SINK_FORMATS: ReadonlySet<string> = new Set(['console', 'memory', 'noop']);
/**
 * Batch-only data sources: their provider is no streaming sink, so `writeStream.format(...).start()`
 * fails before anything else is checked ("Data source jdbc does not support streamed writing").
 * A micro-batch goes to them through foreachBatch.
 */
export const BATCH_ONLY_SINK_FORMATS: ReadonlySet<string> = new Set(['jdbc']);

/**
 * A format name as Spark looks it up: `DataSource.lookupDataSource` ignores case, so
 * `format("Console")` is the console sink. Surrounding spaces are trimmed as well: no provider's
 * name has them, and a stray one is a typo the rules should not read as another format.
 */
export function formatName(format: string | undefined): string {
  return format?.trim().toLowerCase() ?? '';
}

/** A sink (or source, or bare format name) for looking at data: see DISPLAY_SINK_FORMATS. */
export function isDisplayFormat(format: string | undefined): boolean {
  return DISPLAY_SINK_FORMATS.has(formatName(format));
}

/** A provider no streaming query can write to: see BATCH_ONLY_SINK_FORMATS. */
export function isBatchOnlyFormat(format: string | undefined): boolean {
  return BATCH_ONLY_SINK_FORMATS.has(formatName(format));
}

const WRITER_TERMINALS = new Set([
  'save',
  'saveAsTable',
  'insertInto',
  'parquet',
  'json',
  'csv',
  'orc',
  'text',
  'jdbc',
  'start',
  'toTable',
  'table',
  'delta',
  'xml',
  'avro',
]);
/** DataFrameWriterV2 (`df.writeTo(table)`) verbs that write. */
const V2_TERMINALS = ['create', 'createOrReplace', 'replace', 'append', 'overwritePartitions'];
/** Keywords of a terminal call that are not options. */
const NON_OPTION_KEYWORDS = ['path', 'format', 'mode', 'outputMode', 'queryName', 'trigger', 'name', 'tableName'];

/** `df.write`, `df.writeStream`, `df.writeTo`: a writer of `frame`. */
export function writerAttribute(frame: Frame, attr: string, node: Node, objNode: Node): Value | undefined {
  if (attr !== 'write' && attr !== 'writeStream' && attr !== 'writeTo') return undefined;
  return {
    k: 'writer',
    frame,
    streaming: attr === 'writeStream',
    writerNode: node.childForFieldName('attribute')!,
    receiver: objNode,
    options: new OptionMap(),
    partitionBy: [],
    foreachBatch: false,
  };
}

/** `df.writeTo("table")`: a V2 writer. */
export function v2Writer(frame: Frame, parts: CallParts, pos: Value[]): Value {
  return {
    k: 'writer',
    frame,
    streaming: false,
    writerNode: parts.nameNode!,
    receiver: parts.object!,
    options: new OptionMap(),
    partitionBy: [],
    foreachBatch: false,
    v2Table: stringOf(pos[0]) ?? '',
  };
}

export function writerCall(ip: Interpreter, node: Node, parts: CallParts, w: WriterValue, method: string, pos: Value[], kw: ReadonlyMap<string, Value>): Value {
  switch (method) {
    case 'format':
      return { ...w, format: stringOf(pos[0]), formatUnknown: stringOf(pos[0]) === undefined };
    case 'mode':
      return { ...w, mode: stringOf(pos[0]) };
    case 'outputMode':
      return { ...w, outputMode: stringOf(pos[0]), outputModeUnknown: stringOf(pos[0]) === undefined };
    case 'option': {
      const k = stringOf(pos[0]);
      if (k === undefined) return { ...w, optionsUnknown: true };
      if (!parts.args[1]) return w;
      const options = new OptionMap(w.options);
      options.set(k, { value: optionValue(pos[1]), node: parts.args[1], origin: originOf(pos[1]) });
      return { ...w, options };
    }
    case 'options': {
      const options = new OptionMap(w.options);
      for (const [k, v] of kw) options.set(k, { value: optionValue(v), node: parts.keywords.get(k)!, origin: originOf(v) });
      // `options(**opts)` or `options(opts_dict)`: keys the model cannot see.
      return { ...w, options, optionsUnknown: w.optionsUnknown || parts.args.length > 0 };
    }
    case 'partitionBy': {
      const cols = [...w.partitionBy];
      parts.args.forEach((a, i) => {
        const names = stringsOf(pos[i]);
        if (names && names.length === 1) cols.push({ name: names[0], node: a });
        else if (names) for (const n of names) cols.push({ name: n, node: a });
        else cols.push({ node: a });
      });
      return { ...w, partitionBy: cols };
    }
    case 'foreachBatch':
      runBatchHandler(ip, pos[0] ?? kw.get('func'));
      return { ...w, foreachBatch: true };
    case 'foreach':
      return { ...w, foreachBatch: true };
    case 'trigger':
      return { ...w, trigger: node };
    // Not partition columns: a query's name, and bucketing, which hashes rows into a fixed number of
    // files (bucketBy(16, "customer_id")) instead of making a directory per value.
    case 'queryName':
    case 'bucketBy':
    case 'sortBy':
      return w;
    case 'partitionedBy': {
      // V2 partition transforms (days(col), bucket(n, col)) bound cardinality: only plain columns are kept.
      const cols = [...w.partitionBy];
      parts.args.forEach((a, i) => {
        const name = exactStringOf(pos[i]) ?? ip.functions.columnRef(a);
        if (name !== undefined) cols.push({ name, node: a });
      });
      return { ...w, partitionBy: cols };
    }
    case 'using':
      return { ...w, format: stringOf(pos[0]) };
    case 'clusterBy':
    case 'tableProperty':
      return w;
  }
  if (!WRITER_TERMINALS.has(method) && !V2_TERMINALS.includes(method)) return UNKNOWN;
  const options = new OptionMap(w.options);
  const partitionBy = [...w.partitionBy];
  for (const [k, v] of kw) {
    if (k === 'partitionBy') {
      for (const n of stringsOf(v) ?? []) partitionBy.push({ name: n, node: parts.keywords.get(k)! });
    } else if (!NON_OPTION_KEYWORDS.includes(k)) {
      options.set(k, { value: optionValue(v), node: parts.keywords.get(k)!, origin: originOf(v) });
    }
  }
  const v2 = w.v2Table !== undefined;
  const isTable = v2 || method === 'saveAsTable' || method === 'insertInto' || method === 'toTable' || method === 'table';
  const targetNode = v2 ? w.writerNode : (parts.args[0] ?? parts.keywords.get(isTable ? 'name' : 'path') ?? parts.keywords.get('tableName'));
  const target = v2 ? w.v2Table || undefined : targetNode ? stringOf(pos[0] ?? kw.get(isTable ? 'name' : 'path') ?? kw.get('tableName')) : undefined;
  const pathOpt = options.get('path');
  const splat = parts.args.some((a) => a.type === 'dictionary_splat');
  const sink: SinkInfo = {
    frame: w.frame,
    streaming: w.streaming,
    method,
    call: node,
    writerNode: w.writerNode,
    receiver: w.receiver,
    format: FORMAT_METHODS.has(method) ? method : (stringOf(kw.get('format')) ?? w.format),
    // V2 verbs say what they replace: only append is a plain mode; overwritePartitions is dynamic by design.
    mode: v2
      ? method === 'append'
        ? 'append'
        : undefined
      : (stringOf(kw.get('mode')) ?? (method === 'insertInto' && kw.get('overwrite') ? 'overwrite' : w.mode)),
    outputMode: stringOf(kw.get('outputMode')) ?? w.outputMode,
    outputModeUnknown: splat || (kw.has('outputMode') ? stringOf(kw.get('outputMode')) === undefined : w.outputModeUnknown),
    options,
    partitionBy,
    foreachBatch: w.foreachBatch,
    trigger: w.trigger,
    scope: ip.scope.node,
    optionsUnknown: w.optionsUnknown || splat,
    formatUnknown: splat || (kw.has('format') ? stringOf(kw.get('format')) === undefined : w.formatUnknown),
    path: isTable ? undefined : (target ?? pathOpt?.value),
    pathNode: isTable ? undefined : (targetNode ?? pathOpt?.node),
    table: isTable ? target : undefined,
  };
  if (sink.format === 'jdbc') sink.jdbcTable = stringOf(pos[1] ?? kw.get('table')) ?? options.get('dbtable')?.value;
  ip.model.sinks.push(sink);
  return UNKNOWN;
}
