import type { DataFrameModel, SinkInfo } from '../../model/types';
import { nodesOfType } from '../../model/syntaxIndex';
import type { Node } from '../../parsing/pythonParser';
import { callParts, sameNode, unwrapParens, type CallParts } from '../../parsing/syntax';
import { PER_ROW_PROJECTIONS } from '../../spark/frames';
import { NON_COLUMN_FUNCTIONS, PYSPARK_FUNCTION_NAMES } from '../../spark/functionNames';

/** Calls that only put something on the driver's output: `print(row)`, `display(df)`. */
const DISPLAY_FUNCTIONS = new Set(['print', 'pprint', 'display']);
/** Methods that only show a frame or log a line: `batch_df.show()`, `logger.info(...)`. */
const DISPLAY_METHODS = new Set(['show', 'printSchema', 'display']);
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error']);

/**
 * `writeStream.foreachBatch(lambda df, _: df.show())`, `foreach(print_row)` whose function only
 * prints the row, a ForeachWriter whose `process` only prints: a console sink written by hand.
 * Like the console and memory sinks it keeps no output whose progress a checkpoint would save, and
 * it is a look at the stream, not a query anyone monitors beside the ones that write. Only handlers
 * the file defines and whose every statement shows, prints or logs count: one assignment, one
 * write or one call of anything else, and the handler is a sink like any other.
 */
export function displayOnlyHandler(model: DataFrameModel, sink: SinkInfo): boolean {
  if (!sink.foreachBatch) return false;
  const handler = handlerOf(sink);
  if (!handler) return false;
  const h = unwrapParens(handler);
  if (h.type === 'lambda') {
    const body = h.childForFieldName('body');
    return !!body && isDisplayCall(body);
  }
  const defs = handlerDefinitions(model, h);
  if (defs) return defs.length > 0 && defs.every((d) => displayOnlyBlock(d.childForFieldName('body')) === 'display' || showsWithoutWriting(model, d));
  // `foreach(RowPrinter())`: a writer class whose methods only print (open/close may do nothing).
  const parts = h.type === 'call' ? callParts(h) : undefined;
  if (parts && parts.callee.type === 'identifier' && parts.args.length === 0 && parts.keywords.size === 0) {
    const classes = nodesOfType(model, 'class_definition').filter((c) => c.childForFieldName('name')?.text === parts.name);
    if (classes.length !== 1) return false;
    const methods = (classes[0].childForFieldName('body')?.namedChildren ?? []).filter((m): m is Node => m?.type === 'function_definition');
    const kinds = methods.map((m) => displayOnlyBlock(m.childForFieldName('body')));
    const process = methods.findIndex((m) => m.childForFieldName('name')?.text === 'process');
    return process >= 0 && kinds[process] === 'display' && kinds.every((k) => k !== 'other');
  }
  return false;
}

/**
 * What a handler may call and still write nothing: DataFrame transformations and grouped
 * aggregations of the batch, Column methods, caching, actions that only bring a result to the
 * driver (`count`, `isEmpty`, `take`, ...), and `stop` (of the query or the session). A write
 * (`write...parquet`, `saveAsTable`), a client's `send`/`execute`/`put_item`, `to_csv`, `foreach`,
 * or any method not listed here makes the handler a sink.
 */
const BATCH_METHODS = new Set<string>([
  // transformations and grouped aggregations
  ...PER_ROW_PROJECTIONS,
  'filter',
  'where',
  'groupBy',
  'groupby',
  'agg',
  'sum',
  'avg',
  'mean',
  'min',
  'max',
  'pivot',
  'sort',
  'orderBy',
  'limit',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'join',
  'union',
  'unionByName',
  'dropna',
  'fillna',
  'replace',
  'sample',
  'repartition',
  'coalesce',
  'cache',
  'persist',
  'unpersist',
  // Column methods
  'alias',
  'name',
  'cast',
  'astype',
  'isNull',
  'isNotNull',
  'isin',
  'between',
  'like',
  'rlike',
  'contains',
  'startswith',
  'endswith',
  'substr',
  'otherwise',
  'over',
  'asc',
  'desc',
  'getItem',
  'getField',
  // actions whose result stays in the driver
  'count',
  'isEmpty',
  'first',
  'head',
  'take',
  'collect',
  'describe',
  'summary',
  // stopping the query (at an end-of-input marker) or the session
  'stop',
]);

/**
 * `foreachBatch(process_batch)` where `process_batch` parses the batch, aggregates it and only
 * show()s the results (`if batch.filter(...).count() > 0: query.stop()` around them): a console sink
 * written by hand like `displayOnlyBlock`'s, with computing steps between the shows. Every call
 * must be a display, a Spark step on the batch (BATCH_METHODS), a Spark SQL function (`F.year`,
 * `regexp_extract`, `udf`) or a builtin; what a display's arguments compute is shown, not kept. No
 * write of the model's sinks lies in it, and a function the file defines, called from the handler,
 * makes it a sink like any other (it may write).
 */
function showsWithoutWriting(model: DataFrameModel, def: Node): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  if (model.sinks.some((s) => s.call.startIndex >= body.startIndex && s.call.endIndex <= body.endIndex)) return false;
  const nodes = body.descendantsOfType(['call', 'lambda', 'function_definition', 'class_definition']).filter((n): n is Node => !!n);
  const displays = nodes.filter((n) => n.type === 'call' && isDisplayCall(n));
  const udfs = udfNames(model, body);
  const inDisplay = (n: Node) => displays.some((d) => d.id !== n.id && n.startIndex >= d.startIndex && n.endIndex <= d.endIndex);
  for (const n of nodes) {
    if (n.type !== 'call') return false;
    if (displays.includes(n) || inDisplay(n)) continue;
    const parts = callParts(n);
    if (!parts?.name) return false;
    if (parts.callee.type === 'identifier') {
      if (udfs.has(parts.name)) continue;
      if (definitionsNamed(model, parts.name).length > 0) return false;
      if (!PURE_FUNCTIONS.has(parts.name) && !PYSPARK_FUNCTION_NAMES.has(parts.name) && !NON_COLUMN_FUNCTIONS.has(parts.name)) return false;
    } else if (!BATCH_METHODS.has(parts.name) && !(PYSPARK_FUNCTION_NAMES.has(parts.name) && parts.object?.type === 'identifier')) {
      return false;
    }
  }
  return displays.length > 0;
}

/**
 * Names the handler may call as Spark UDFs: bound in it to `udf(f)` / `F.pandas_udf(f, ...)`, or
 * functions of the file decorated with `@udf` / `@pandas_udf`. Calling one builds a Column; the
 * Python function runs on the executors over the batch's rows and returns a value, it is not a sink.
 */
function udfNames(model: DataFrameModel, body: Node): Set<string> {
  const names = new Set<string>();
  const isUdfCall = (n: Node | null | undefined) => {
    const parts = n && n.type === 'call' ? callParts(n) : undefined;
    return !!parts?.name && NON_COLUMN_FUNCTIONS.has(parts.name) && parts.name !== 'broadcast';
  };
  for (const a of body.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    if (left?.type === 'identifier' && isUdfCall(a?.childForFieldName('right'))) names.add(left.text);
  }
  for (const d of nodesOfType(model, 'decorated_definition')) {
    const def = d.childForFieldName('definition');
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    const decorators = d.namedChildren.filter((c): c is Node => c?.type === 'decorator');
    if (name && decorators.some((c) => /^@\s*(\w+\.)?(udf|pandas_udf)\b/.test(c.text))) names.add(name);
  }
  return names;
}

/** Calls that bring a micro-batch's rows (or their number) to the driver. */
const COLLECTS = new Set(['toPandas', 'collect', 'take', 'head', 'toLocalIterator', 'count']);
/** Methods that read or update Python objects in the driver's memory: containers, pandas rows, times. */
const DRIVER_METHODS = new Set([
  'append',
  'extend',
  'appendleft',
  'insert',
  'update',
  'setdefault',
  'pop',
  'popleft',
  'remove',
  'discard',
  'clear',
  'get',
  'keys',
  'values',
  'items',
  'copy',
  'iterrows',
  'itertuples',
  'to_dict',
  'tolist',
  'asDict',
  'isoformat',
  'strftime',
  'now',
  'utcnow',
  'time',
  'item',
]);
/** Builtins that compute a value and touch nothing outside it. */
const PURE_FUNCTIONS = new Set([
  'len',
  'str',
  'int',
  'float',
  'bool',
  'round',
  'dict',
  'list',
  'tuple',
  'set',
  'min',
  'max',
  'sum',
  'abs',
  'sorted',
  'enumerate',
  'zip',
  'range',
  'isinstance',
]);

/**
 * `foreachBatch(process_batch)` where `process_batch` collects the batch (`batch_df.toPandas()`) and
 * only keeps the rows in the driver's Python objects (`store["rows"].append(...)`, counters under a
 * lock) for a dashboard or an API the same process serves: the memory sink written by hand. Its
 * output lives in the process, so a restart loses it with or without a checkpoint; what a checkpoint
 * keeps (the offsets already shown) restores nothing. Only functions the file defines, that collect
 * the batch, and whose every call prints, logs, collects, computes a builtin value or reads or
 * updates a Python container count: one call of anything else (a write, `to_csv`, a client's
 * `send`/`execute`, a transformation of the batch) and the handler is a sink like any other.
 */
export function driverMemoryHandler(model: DataFrameModel, sink: SinkInfo): boolean {
  if (!sink.foreachBatch) return false;
  const handler = handlerOf(sink);
  const defs = handler && handlerDefinitions(model, unwrapParens(handler));
  return !!defs && defs.length > 0 && defs.every((d) => keepsBatchInMemory(d.childForFieldName('body')));
}

function keepsBatchInMemory(body: Node | null): boolean {
  if (!body) return false;
  const nodes = body.descendantsOfType(['call', 'lambda', 'function_definition', 'class_definition']).filter((n): n is Node => !!n);
  // What a collect brings to the driver may be computed first (`batch_df.groupBy().agg(...).collect()`):
  // the calls inside a collect, its chain and arguments, run in Spark and keep nothing anywhere.
  const collected = nodes.filter((n) => n.type === 'call' && COLLECTS.has(callParts(n)?.name ?? ''));
  const inCollect = (n: Node) => collected.some((c) => c.id !== n.id && n.startIndex >= c.startIndex && n.endIndex <= c.endIndex);
  for (const n of nodes) {
    if (n.type !== 'call') return false;
    if (inCollect(n)) continue;
    const parts = callParts(n);
    if (!parts?.name) return false;
    if (isDisplayCall(n) || COLLECTS.has(parts.name)) continue;
    if (!(parts.callee.type === 'identifier' ? PURE_FUNCTIONS : DRIVER_METHODS).has(parts.name)) return false;
  }
  return collected.length > 0;
}

/** The `foreachBatch(...)` / `foreach(...)` call in the writer chain that ends at `sink.call`. */
export function handlerCall(sink: SinkInfo): CallParts | undefined {
  let node: Node | undefined = callParts(sink.call)?.object;
  for (let i = 0; node && i < 50 && !sameNode(node, sink.writerNode); i++) {
    if (node.type !== 'call') return undefined;
    const parts = callParts(node);
    if (!parts) return undefined;
    if (parts.name === 'foreachBatch' || parts.name === 'foreach') return parts;
    node = parts.object;
  }
  return undefined;
}

/**
 * `print_row`, `self.print_row` given as a handler: the functions the file defines under that name
 * (none when it defines none); undefined when the handler is no name (a lambda, a call).
 */
function handlerDefinitions(model: DataFrameModel, handler: Node): Node[] | undefined {
  const name = handler.type === 'identifier' ? handler.text : handler.type === 'attribute' ? handler.childForFieldName('attribute')?.text : undefined;
  return name ? definitionsNamed(model, name) : undefined;
}

/** The function definitions of the file named `name` (any scope). */
export function definitionsNamed(model: DataFrameModel, name: string): Node[] {
  return nodesOfType(model, 'function_definition').filter((d) => d.childForFieldName('name')?.text === name);
}

/** The function given to `foreachBatch(...)` / `foreach(...)` in the writer chain that ends at `sink.call`. */
function handlerOf(sink: SinkInfo): Node | undefined {
  const parts = handlerCall(sink);
  return parts && (parts.args[0] ?? parts.keywords.get('func') ?? parts.keywords.get('f'));
}

/**
 * 'display' when every statement prints, shows or logs (with at least one such), 'empty' when the
 * block only passes or documents itself, 'other' as soon as one statement does anything else.
 */
function displayOnlyBlock(block: Node | null | undefined): 'display' | 'empty' | 'other' {
  if (!block) return 'other';
  let shows = false;
  for (const s of block.namedChildren) {
    if (!s || s.type === 'comment' || s.type === 'pass_statement') continue;
    // `return` / `return True` (a ForeachWriter's open() accepting the partition) hands back nothing of the data.
    if (s.type === 'return_statement' && s.namedChildren.every((v) => v && ['true', 'false', 'none'].includes(v.type))) continue;
    if (s.type !== 'expression_statement' || s.namedChildren.length !== 1) return 'other';
    const e = unwrapParens(s.namedChildren[0]!);
    if (e.type === 'string') continue; // a docstring
    if (!isDisplayCall(e)) return 'other';
    shows = true;
  }
  return shows ? 'display' : 'empty';
}

function isDisplayCall(node: Node): boolean {
  const parts = callParts(unwrapParens(node));
  if (!parts?.name) return false;
  if (parts.callee.type === 'identifier') return DISPLAY_FUNCTIONS.has(parts.name);
  if (DISPLAY_METHODS.has(parts.name)) return true;
  return LOG_METHODS.has(parts.name) && /^(log|logger|logging|_log|_logger|LOG|LOGGER)$/.test(parts.object?.text ?? '');
}
