import type { Fix } from '../../findings';
import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { besideParseError, callParts, enclosingScope, enclosingStatement, sameNode, unwrapParens } from '../../parsing/syntax';
import { callsNamedAny } from '../helpers/callIndex';
import { ScopeIndex } from '../helpers/pythonScopes';
import { batchWriterMaker, WRITER_SETUP } from '../helpers/writerChain';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * `df.write...jdbc(url, table, properties=p).save()`: every call that ends a batch DataFrameWriter
 * (`save`, `saveAsTable`, `insertInto`, `jdbc`, and the format methods `parquet`, `csv`, `json`,
 * `orc`, `text`, `xml`) and every DataFrameWriterV2 verb (`append`, `create`, `createOrReplace`,
 * `replace`, `overwritePartitions`) writes and returns None. An attribute read on that result fails
 * with AttributeError, after the write has run: the job stops half way with the data written, and
 * whatever the author meant to set after the terminal call (`.mode("overwrite")`) never applied.
 *
 * Only a writer the model knows is a batch writer of a Spark DataFrame (made by `.write` or
 * `.writeTo(...)`, never `.writeStream`: `start()` and `toTable()` return a StreamingQuery). Left
 * alone: Delta's `merge(...)...execute()`, which returns a DataFrame of metrics on Databricks and in
 * recent Delta releases, and a writer method this rule does not know to return None.
 */

/** DataFrameWriter methods documented `-> None`. */
const BATCH_TERMINALS = new Set(['save', 'saveAsTable', 'insertInto', 'jdbc', 'parquet', 'csv', 'json', 'orc', 'text', 'xml']);
/** DataFrameWriterV2 verbs documented `-> None`. */
const V2_TERMINALS = new Set(['append', 'create', 'createOrReplace', 'replace', 'overwritePartitions']);

export const useOfWriteResult: Rule = {
  code: 'PSA715',
  name: 'use-of-write-result',
  summary:
    'An attribute or call on what a batch write returned (`.jdbc(...).save()`, `.parquet(p).mode("overwrite")`): DataFrameWriter terminals return None, so the job fails with AttributeError after the write ran.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const assigned: { write: WriteCall; name: Node; statement: Node }[] = [];
    let sinks: Map<number, SinkInfo> | undefined;
    const sinkOf = (call: Node) => (sinks ??= sinksByCall(ctx.model.sinks)).get(call.id);
    for (const call of callsNamedAny(ctx.model, TERMINALS)) {
      const write = writeCall(call, sinkOf);
      if (!write) continue;
      const outer = parentOf(call);
      if (outer?.type === 'attribute' && sameNode(unwrapParens(outer.childForFieldName('object')!), call)) {
        // A parse the parser recovered from (a notebook's `%sql` line after the write) can hang the next
        // statement's `spark.sql` off the write: only a statement that parsed cleanly is judged.
        if (inRecoveredParse(outer)) continue;
        reportChained(ctx, write, outer);
        continue;
      }
      const target = assignedName(call);
      if (target) assigned.push({ write, ...target });
    }
    if (assigned.length) reportAssigned(ctx, assigned);
  },
};

const TERMINALS = [...BATCH_TERMINALS, ...V2_TERMINALS];

/** A call that ends a batch write, and what made its writer (`write` or `writeTo`). */
interface WriteCall {
  call: Node;
  method: string;
  maker: 'write' | 'writeTo';
  /** Where the writer was made: the `.write` attribute or the `writeTo` name, when known. */
  makerNode?: Node;
}

/**
 * `call` ends a batch writer whose terminal Spark documents as returning None: read from the chain
 * itself (`x.write.mode(...).jdbc(...)`, which needs no knowledge of `x`), or from the model's sink
 * for a writer kept in a variable (`w = df.write.mode("append"); w.jdbc(...)`).
 */
function writeCall(call: Node, sinkOf: (call: Node) => SinkInfo | undefined): WriteCall | undefined {
  const parts = callParts(call);
  if (!parts?.name || !parts.object) return undefined;
  const method = parts.name;
  let maker = batchWriterMaker(parts.object);
  let makerNode: Node | undefined;
  const sink = sinkOf(call);
  if (sink) {
    if (sink.streaming) return undefined;
    const made = sink.writerNode.text;
    if (made !== 'write' && made !== 'writeTo') return undefined;
    maker ??= made;
    makerNode = sink.writerNode;
  }
  if (maker === 'write' && BATCH_TERMINALS.has(method)) return { call, method, maker, makerNode };
  if (maker === 'writeTo' && V2_TERMINALS.has(method)) return { call, method, maker, makerNode };
  return undefined;
}

/**
 * The first of the model's sinks made by each call, by the call's id (`sameNode` is equality of ids):
 * the sink a search of every sink per terminal call found, made once per model (that search grew with
 * the square of the file).
 */
function sinksByCall(sinks: readonly SinkInfo[]): Map<number, SinkInfo> {
  const byCall = new Map<number, SinkInfo>();
  for (const s of sinks) if (!byCall.has(s.call.id)) byCall.set(s.call.id, s);
  return byCall;
}

/** `node` is in or beside a region the parser recovered from (an ERROR node). */
function inRecoveredParse(node: Node): boolean {
  const statement = enclosingStatement(node);
  return !statement || statement.type === 'ERROR' || besideParseError(statement);
}

/** The node around `node`, past parentheses. */
function parentOf(node: Node): Node | null {
  let p = node.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return p;
}

/** `x = <call>` (a plain name on the left): the name and the statement. */
function assignedName(call: Node): { name: Node; statement: Node } | undefined {
  const assignment = parentOf(call);
  if (assignment?.type !== 'assignment' || !sameNode(unwrapParens(assignment.childForFieldName('right')!), call)) return undefined;
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'identifier' || assignment.parent?.type !== 'expression_statement') return undefined;
  return { name: left, statement: assignment.parent };
}

function reportChained(ctx: RuleContext, write: WriteCall, attribute: Node): void {
  const name = attribute.childForFieldName('attribute')?.text ?? '';
  const after = parentOf(attribute);
  const called = after?.type === 'call' && sameNode(after.childForFieldName('function'), attribute) ? after : undefined;
  const shown = called ? `.${name}()` : `.${name}`;
  const nameNode = attribute.childForFieldName('attribute') ?? attribute;
  // From the name to the end of the call: the whole call node would cover the chain before it.
  ctx.report({
    start: nameNode.startIndex,
    end: (called ?? attribute).endIndex,
    at: nameNode,
    message:
      `${write.method}() returns None, so ${shown} on its result raises AttributeError ('NoneType' object has no attribute '${name}'): ` +
      `the write in ${write.method}(...) has already run when the job fails here. ${advice(write, name)}`,
    related: [related(write.call, `${write.method}(...) writes and returns None`)],
    fixes: called ? dropTrailingSave(ctx, write, called, name) : undefined,
    why: `${write.maker === 'writeTo' ? 'a DataFrameWriterV2' : 'a DataFrameWriter'}${write.makerNode ? ` made on line ${write.makerNode.startPosition.row + 1}` : ''}`,
  });
}

function advice(write: WriteCall, name: string): string {
  if (name === 'save' && BATCH_TERMINALS.has(write.method)) return `${write.method}(...) is the write: drop the .save() after it.`;
  // A writer set-up method after the terminal call was meant to shape the write that already ran.
  if (WRITER_SETUP.has(name))
    return `The ${name}(...) after it was meant for that write and never applied: call it on the writer before .${write.method}(...).`;
  return 'Nothing comes back from a write: use the DataFrame, or read the written data again.';
}

/**
 * `.jdbc(...).save()` as a statement of its own: the write is the terminal call, the trailing
 * `.save()` only raises. Removing it leaves the write as it was. Unsafe: the statements after it,
 * which never ran (the job stopped at the AttributeError), now run.
 */
function dropTrailingSave(ctx: RuleContext, write: WriteCall, call: Node, name: string): Fix[] | undefined {
  if (name !== 'save' || !BATCH_TERMINALS.has(write.method)) return undefined;
  const parts = callParts(call);
  if (!parts || parts.args.length || parts.keywords.size || parts.argumentList?.namedChildren.length) return undefined;
  // Only where the `.save()` ends the statement: its value is thrown away, so nothing else reads it.
  let top: Node = call;
  while (top.parent?.type === 'parenthesized_expression') top = top.parent;
  if (top.parent?.type !== 'expression_statement') return undefined;
  const removed = ctx.text.slice(write.call.endIndex, call.endIndex);
  // A comment between the two calls would go with the `.save()`.
  if (removed.includes('#')) return undefined;
  return [
    {
      title: `Remove the .save() after ${write.method}(...), which already writes`,
      edits: [{ start: write.call.endIndex, end: call.endIndex, newText: '' }],
      applicability: 'unsafe',
      reason: 'the statements after the write, which never ran, now run',
    },
  ];
}

/**
 * `result = df.write.parquet(p)` and then `result.something`: the name holds None. Judged only for
 * a name this assignment binds once in its function (or module), every read of which, after the
 * assignment and in the same scope, is an attribute of it: a test (`if result:`) or a hand-off
 * (`return result`) may be the author knowing it is None.
 */
function reportAssigned(ctx: RuleContext, assigned: { write: WriteCall; name: Node; statement: Node }[]): void {
  const names = new Set(assigned.map((a) => a.name.text));
  const index = new ScopeIndex(ctx.model.root, (n) => names.has(n));
  if (!index.complete) return;
  for (const { write, name, statement } of assigned) {
    const scope = index.scopes.get(enclosingScope(statement).id);
    if (!scope || scope.node.type === 'class_definition') continue;
    if (index.bindingsOf(scope, name.text).length !== 1) continue;
    const refs = index.referencesTo(scope, name.text).filter((o) => o.role !== 'bind');
    if (!refs.length || refs.some((o) => o.node.startIndex < statement.endIndex || !sameNode(o.scope, scope.node) || !isAttributeObject(o.node))) continue;
    const first = refs[0].node.parent!;
    const attr = first.childForFieldName('attribute')?.text ?? '';
    ctx.report({
      node: first,
      message:
        `${write.method}() returns None, so ${name.text}.${attr} raises AttributeError ('NoneType' object has no attribute '${attr}'): ` +
        `the name ${name.text} holds what the write returned, and the write in ${write.method}(...) has already run when the job fails here. ` +
        'Nothing comes back from a write: use the DataFrame, or read the written data again.',
      related: [related(name, `${name.text} is assigned what ${write.method}(...) returned`)],
      why: `${name.text} is assigned on line ${name.startPosition.row + 1}, once in its scope`,
    });
  }
}

function isAttributeObject(id: Node): boolean {
  const parent = id.parent;
  return parent?.type === 'attribute' && sameNode(parent.childForFieldName('object'), id);
}
