import { findInLineage } from '../../model/lineage';
import type { DataFrameModel, Frame, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
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
