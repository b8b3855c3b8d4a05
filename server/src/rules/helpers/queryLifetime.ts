import { findInLineage } from '../../model/lineage';
import type { DataFrameModel, Frame, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { identifiersNamed } from '../../model/syntaxIndex';
import { callParts, sameNode, unwrapParens } from '../../parsing/syntax';
import { sinkOption } from './sessionConf';

// How long a streaming query lives, as the code that starts it says: for the streaming-state
// rules (PSA201-PSA203, PSA205), a query the code itself stops moments later keeps nothing worth bounding
// or restarting (a tutorial's `time.sleep(2); query.stop()`).

/** Waits that never end by themselves: the query runs until killed. */
const UNBOUNDED_WAITS = new Set(['awaitTermination', 'awaitAnyTermination']);
const MAX_STATEMENTS = 200;

/** The name the query handle of `sink` is bound to: `q = df.writeStream...start()`. */
function handleName(sink: SinkInfo): { name: string; statement: Node } | undefined {
  let value: Node = sink.call;
  while (value.parent?.type === 'parenthesized_expression') value = value.parent;
  const assignment = value.parent;
  if (assignment?.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), value)) return undefined;
  const left = assignment.childForFieldName('left');
  const statement = assignment.parent;
  if (left?.type !== 'identifier' || statement?.type !== 'expression_statement') return undefined;
  return { name: left.text, statement };
}

/** Calls in `statement` (itself included), shallow enough for a statement list. */
function callsIn(statement: Node): Node[] {
  return statement.type === 'call' ? [statement] : statement.descendantsOfType('call').filter((c): c is Node => !!c);
}

/**
 * The `q.stop()` that ends the query soon after it starts: a later statement of the same block
 * stops the handle, and no statement between waits for the query without a timeout
 * (`awaitTermination()` with no argument). `time.sleep(2)`, `awaitTermination(10)` or
 * `processAllAvailable()` before the stop still make a bounded run.
 */
export function stoppedSoonAfterStart(sink: SinkInfo): Node | undefined {
  if (!sink.streaming) return undefined;
  const handle = handleName(sink);
  if (!handle) return undefined;
  let n: Node | null = handle.statement.nextNamedSibling;
  for (let i = 0; n && i < MAX_STATEMENTS; n = n.nextNamedSibling, i++) {
    for (const call of callsIn(n)) {
      const parts = callParts(call);
      if (!parts?.name) continue;
      if (UNBOUNDED_WAITS.has(parts.name) && parts.args.length === 0 && !parts.keywords.has('timeout')) return undefined;
      if (parts.name === 'stop' && parts.object && unwrapParens(parts.object).text === handle.name && n.type === 'expression_statement') return call;
    }
    // The handle rebound to another query: a later stop is not this one's.
    if (n.type === 'expression_statement' && n.namedChildren[0]?.type === 'assignment' && n.namedChildren[0].childForFieldName('left')?.text === handle.name)
      return undefined;
  }
  return undefined;
}

/**
 * The streaming queries whose lineage holds the step `call` made on `input` (a `dropDuplicates`, a
 * join): the frame of that step is a parent-of-input step whose expression holds the call.
 */
export function streamingSinksThrough(model: DataFrameModel, input: Frame, call: Node): SinkInfo[] {
  const isStep = (f: Frame) => f.parents.includes(input) && f.node.startIndex <= call.startIndex && call.endIndex <= f.node.endIndex;
  return model.sinks.filter((s) => s.streaming && findInLineage(s.frame, isStep) !== undefined);
}

/**
 * Every query the stateful step feeds is one the code stops moments after starting it, with no
 * checkpoint to resume from (a tutorial's `start(); time.sleep(3); q.stop()`): its state lives for
 * seconds and is dropped with the query, so unbounded growth never happens. A step that feeds no
 * query in this file is not judged here (its query may be started elsewhere).
 */
export function onlyBriefQueries(sinks: readonly SinkInfo[]): boolean {
  return sinks.length > 0 && sinks.every((s) => !s.optionsUnknown && !sinkOption(s, 'checkpointLocation') && stoppedSoonAfterStart(s) !== undefined);
}

/** Reads of a frame that run nothing: its schema, its plan, its columns. */
const INERT_READS = new Set(['printSchema', 'explain', 'schema', 'columns', 'dtypes', 'isStreaming']);

/**
 * No query can ever run the stateful step `call` (an aggregation, a stream-stream join, a dedup) feeds
 * no sink of this file: the value its statement makes of it is thrown away by that statement, handed
 * by it to a batch action alone (`.show()`, `.collect()`), or bound to a name nothing reads again. At the top level of a file that counts only where the file
 * starts other streaming queries: there, the frame was shown, not forgotten (a module of frames with
 * no query at all is read by code elsewhere, or not finished yet). A function's local variable cannot
 * be read from elsewhere: unread, its frame is dead code (a lesson that keeps the previous step's
 * unbounded join with its `writeStream` commented out, and starts the watermarked one).
 */
export function neverStarted(model: DataFrameModel, call: Node): boolean {
  // `stream.groupBy("k").count().show()`: the statement hands the frame to a batch action and to
  // nothing else, so no query is ever started on it (Spark refuses the action itself: PSA209, strict).
  if (consumedByBatchAction(model, call)) return true;
  const kept = keptValue(call);
  if (!kept) return false;
  // A value its own statement throws away: no code, here or elsewhere, can start a query on it
  // (`words.groupBy("value").count()` on a line of its own, then `display(words)`).
  if (kept.parent?.type === 'expression_statement') return model.frames.some((f) => sameNode(f.node, kept));
  const name = assignedName(kept);
  if (!name || !unread(model, name)) return false;
  const scope = name.parent!.parent!.parent;
  if (scope?.type === 'module') return model.sinks.some((s) => s.streaming);
  return scope?.type === 'block' && scope.parent?.type === 'function_definition' && !declaredOuter(scope, name.text);
}

/**
 * Dataset methods that run a batch job (`count`, `collect`, `show`, ...): on a streaming plan Spark's
 * analyzer refuses them ("Queries with streaming sources must be executed with writeStream.start()").
 */
export const BATCH_ACTIONS = new Set([
  'count',
  'collect',
  'first',
  'take',
  'head',
  'show',
  'toPandas',
  'foreach',
  'foreachPartition',
  'isEmpty',
  'toLocalIterator',
  'tail',
]);

/**
 * The chain `call` is part of hands the frame it builds straight to a batch action
 * (`df.groupBy("k").agg(...).show()`, `print(df.withColumn("r", F.rank().over(w)).collect())`): the
 * frame has no name and no other use, so whatever the action does, no streaming query can ever run
 * it. Only an action called on a frame of the chain counts: `writeStream.foreach(...)` is a writer's.
 */
export function consumedByBatchAction(model: DataFrameModel, call: Node): boolean {
  let value: Node = call;
  while (value.parent && (value.parent.type === 'attribute' || value.parent.type === 'call' || value.parent.type === 'parenthesized_expression')) {
    const parent = value.parent;
    if (parent.type === 'attribute' && sameNode(parent.childForFieldName('object'), value)) {
      const method = parent.childForFieldName('attribute')?.text ?? '';
      const invoked = parent.parent?.type === 'call' && sameNode(parent.parent.childForFieldName('function'), parent);
      // `groupBy("k").count()` is GroupedData's aggregation, not the action: the receiver must be a frame.
      const receiver = unwrapParens(value);
      if (invoked && BATCH_ACTIONS.has(method) && model.frames.some((f) => sameNode(f.node, receiver))) return true;
    }
    value = parent;
  }
  return false;
}

/**
 * The whole value a statement makes of `call`: the chain around it (`df.groupBy(...).agg(...)`),
 * or undefined when the value is handed to a call as an argument (`display(df.groupBy(...))`).
 */
function keptValue(call: Node): Node | undefined {
  let value: Node = call;
  while (
    value.parent &&
    (value.parent.type === 'attribute' ||
      value.parent.type === 'call' ||
      value.parent.type === 'parenthesized_expression' ||
      value.parent.type === 'argument_list')
  ) {
    if (value.parent.type === 'argument_list') return undefined;
    value = value.parent;
  }
  return value;
}

/**
 * The name of `name = <value>` as a statement of its own, directly in a module or a function body
 * (not under an `if` or a loop, where another path may read it). (A statement ending in a call that
 * is not a frame, `createOrReplaceTempView(...)` or `writeStream...start()`, is no frame value and
 * hands the frame on.)
 */
function assignedName(value: Node): Node | undefined {
  const assignment = value.parent;
  if (assignment?.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), value)) return undefined;
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'identifier' || assignment.parent?.type !== 'expression_statement') return undefined;
  return left;
}

/** The name is read nowhere in the file (any scope) except for its schema or plan. */
function unread(model: DataFrameModel, name: Node): boolean {
  for (const use of identifiersNamed(model, name.text)) {
    if (sameNode(use, name)) continue;
    const attr = use.parent;
    const inert =
      attr?.type === 'attribute' && sameNode(attr.childForFieldName('object'), use) && INERT_READS.has(attr.childForFieldName('attribute')?.text ?? '');
    if (!inert) return false;
  }
  return true;
}

/** `global name` / `nonlocal name` in the function body: the name outlives the call. */
function declaredOuter(body: Node, name: string): boolean {
  return [...body.descendantsOfType('global_statement'), ...body.descendantsOfType('nonlocal_statement')].some((s) =>
    s?.namedChildren.some((c) => c?.type === 'identifier' && c.text === name),
  );
}
