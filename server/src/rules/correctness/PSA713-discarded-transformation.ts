import type { Fix } from '../../findings';
import type { DiscardedValue, Frame, SinkInfo } from '../../model/types';
import { findInLineage } from '../../model/lineage';
import { isAncestorFrame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { besideParseError, callParts, enclosingScope, isTryBody, literalString, unwrapParens } from '../../parsing/syntax';
import { isDynamicFrame } from '../../spark/glue';
import { isDisplayFormat } from '../../spark/writers';
import { ScopeIndex, type ScopeInfo } from '../helpers/pythonScopes';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * `df.withColumn("x", ...)`, `df.dropDuplicates()`, `df.na.fill(0)` on a line of their own: a
 * DataFrame is immutable, the call returns a new one and the statement throws it away, so `df` is
 * unchanged and whatever is written afterwards lacks the change. And a writer built and never told
 * to write (`df.write.mode("overwrite").format("delta")` with no save/saveAsTable/...): nothing is
 * written.
 *
 * Only what the model knows: a transformation of a Spark DataFrame (not a Glue DynamicFrame, whose
 * `spigot` writes) made by the statement's own call, or a writer value. Left alone: the calls made
 * for their side effect (cache, persist, unpersist, checkpoints, `transform` running a function),
 * reads and `spark.sql` (DDL runs eagerly), the last expression of a notebook cell (the notebook
 * displays it: that is exploration), and statements whose point may be to raise (inside `try`, or
 * `pytest.raises` / `assertRaises`: Spark analyses a transformation when it is made, so
 * `df.select("missing")` fails there).
 */

/** Frame-returning calls made for their side effect: the receiver is marked, or data is materialized, or a function runs. */
const SIDE_EFFECT = new Set(['cache', 'persist', 'unpersist', 'checkpoint', 'localCheckpoint', 'transform']);
/** The calls that end a writer, by kind, for the message. */
const BATCH_TERMINALS = 'save(), saveAsTable(), insertInto() or a format method (parquet(), csv())';
const STREAM_TERMINALS = 'start() or toTable()';
const V2_TERMINALS = 'append(), create(), createOrReplace() or overwritePartitions()';

export const discardedTransformation: Rule = {
  code: 'PSA713',
  name: 'discarded-transformation',
  summary:
    'A DataFrame transformation (df.withColumn(...), df.dropDuplicates(), df.na.fill(0)) or a writer without save()/start() as a statement of its own: the result is thrown away, df is unchanged and nothing is written.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    const frames: { entry: DiscardedValue; frame: Frame }[] = [];
    for (const entry of ctx.model.discarded) {
      if (seen.has(entry.statement.id)) continue;
      if (mayRaiseOnPurpose(entry.statement) || hasSyntaxErrorNear(entry.statement)) continue;
      if (entry.writer) {
        // `writer.option(...)` on a writer kept in a variable sets it (DataFrameWriter's methods
        // change the writer and return it): only a writer this statement makes is lost with it.
        if (!madeHere(entry)) continue;
        seen.add(entry.statement.id);
        reportWriter(ctx, entry);
        continue;
      }
      const frame = entry.frame;
      if (!frame || !isDiscardedTransformation(entry.expression, frame)) continue;
      if (ctx.code.endsCell(entry.statement)) continue;
      // `df.select(...)` then `df = df.select(...)` on the next line: the change is kept, the bare line is an echo.
      if (repeatedByNextAssignment(entry)) continue;
      // In a notebook, an exploratory script, a test or a generator a bare expression is mostly a
      // display the author left or forgot (`df.select(...)` without show()): what matters there is a
      // change lost before a write.
      if (ctx.code.isExploratory(entry.statement) && !laterWrite(ctx, entry, frame)) continue;
      seen.add(entry.statement.id);
      frames.push({ entry, frame });
    }
    if (!frames.length) return;
    const roots = new Set<string>();
    for (const { entry } of frames) {
      const root = chainRoot(entry.expression);
      if (namesFrame(ctx, root)) roots.add(root.text);
    }
    const index = roots.size ? new ScopeIndex(ctx.model.root, (n) => roots.has(n)) : undefined;
    for (const { entry, frame } of frames) {
      const root = chainRoot(entry.expression);
      // Nothing reads the frame afterwards: the lost change has no effect (dead code, not a bug).
      const reader = namesFrame(ctx, root) && index?.complete ? readAfter(index, entry.statement, root) : undefined;
      if (reader) reportFrame(ctx, entry, frame, reader === 'caller' ? undefined : index);
    }
  },
};

/**
 * The next statement assigns the same expression to the name the chain starts from
 * (`request_stats.select(...)` followed by `request_stats = request_stats.select(...)`): a line tried
 * bare in a notebook and then kept. Nothing runs between the two, so the change is applied and no
 * later read or write misses it; the bare line computes nothing (dead code, like a change no one reads).
 */
function repeatedByNextAssignment(entry: DiscardedValue): boolean {
  let next = entry.statement.nextNamedSibling;
  while (next && next.type === 'comment') next = next.nextNamedSibling;
  const assignment = next?.type === 'expression_statement' ? next.namedChildren[0] : undefined;
  if (assignment?.type !== 'assignment') return false;
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  const root = chainRoot(entry.expression);
  if (!left || !right || left.type !== 'identifier' || root.type !== 'identifier' || left.text !== root.text) return false;
  return sameCode(unwrapParens(right).text, unwrapParens(entry.expression).text);
}

/** Two expressions written alike, whitespace, line continuations and trailing commas aside. */
function sameCode(a: string, b: string): boolean {
  return sameCodeForm(a) === sameCodeForm(b);
}

/** Code text with whitespace, line continuations and trailing commas dropped, for comparing what is written. */
function sameCodeForm(t: string): string {
  return t
    .replace(/\\\n/g, ' ')
    .replace(/,(\s*[)\]])/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/ ?([()[\],.=]) ?/g, '$1');
}

/** The writer's `.write` / `.writeStream` / `.writeTo` is in the statement: the writer object is made, and lost, here. */
function madeHere(entry: DiscardedValue): boolean {
  const at = entry.writer!.writerNode;
  return at.startIndex >= entry.expression.startIndex && at.endIndex <= entry.expression.endIndex;
}

/**
 * The name the chain starts from is read again after the statement (or anywhere in the loop the
 * statement is in), or it is a parameter the function never rebinds: the caller's frame, which the
 * author meant to change (`def clean(df): df.na.fill(0)`). Otherwise nothing sees the change.
 */
function readAfter(index: ScopeIndex, statement: Node, root: Node): 'later' | 'caller' | undefined {
  const scope = index.scopes.get(enclosingScope(root).id);
  let owner: ScopeInfo | undefined;
  for (let s = scope, first = true; s && !owner; s = s.parent, first = false) {
    if (!first && s.node.type === 'class_definition') continue;
    if (index.binds(s, root.text)) owner = s;
  }
  // A global the function reads, or a name bound nowhere: others may read it.
  if (!owner || owner !== scope) return 'later';
  const refs = index.referencesTo(owner, root.text);
  const loop = enclosingLoop(statement, owner.node);
  const from = loop ? loop.startIndex : statement.endIndex;
  if (refs.some((o) => o.role !== 'bind' && o.node.id !== root.id && o.node.startIndex >= from)) return 'later';
  const bindings = refs.filter((o) => o.role === 'bind');
  return bindings.length > 0 && bindings.every((o) => o.kind === 'param') ? 'caller' : undefined;
}

/** The outermost `for` / `while` around the statement inside the scope, if any. */
function enclosingLoop(statement: Node, scope: Node): Node | undefined {
  let loop: Node | undefined;
  for (let n: Node | null = statement.parent, i = 0; n && n.id !== scope.id && i < 500; n = n.parent, i++) {
    if (n.type === 'for_statement' || n.type === 'while_statement') loop = n;
  }
  return loop;
}

/** The statement's own call made the frame from a Spark DataFrame: a transformation, not a read, a helper's result or a side effect. */
function isDiscardedTransformation(expression: Node, frame: Frame): boolean {
  const call = unwrapParens(expression);
  if (call.type !== 'call' || frame.node.id !== call.id) return false;
  if (frame.source || !frame.parents.length || SIDE_EFFECT.has(frame.op)) return false;
  if (isDynamicFrame(frame) || frame.parents.some(isDynamicFrame)) return false;
  // pandas' `df.drop(..., inplace=True)` on a frame the model took for Spark's: it does change df.
  if (callParts(call)?.keywords.has('inplace')) return false;
  return !dropsNothing(frame, call);
}

/**
 * `df.drop("value")` where the model knows every column of df and "value" is none of them: Spark
 * ignores a missing column, so the statement would change nothing even if it were assigned.
 */
function dropsNothing(frame: Frame, call: Node): boolean {
  const parent = frame.parents[0];
  if (frame.op !== 'drop' || !parent.columnsComplete) return false;
  const names = (callParts(call)?.args ?? []).map((a) => literalString(a));
  return names.length > 0 && names.every((n) => n !== undefined && !parent.columns.has(n));
}

/**
 * A statement whose point may be the exception it raises: in a `try` body, or under
 * `pytest.raises(...)` / `self.assertRaises(...)`.
 */
function mayRaiseOnPurpose(statement: Node): boolean {
  for (let n: Node | null = statement.parent, i = 0; n && i < 200; n = n.parent, i++) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
    if (isTryBody(n)) return true;
    if (n.type === 'with_statement' && /\b(raises|assertRaises\w*)\s*\(/.test(n.child(1)?.text ?? '')) return true;
  }
  return false;
}

/**
 * `df.write.mode("x")` followed by a line starting with `.save(...)`: a broken chain the parser split, not a
 * finished statement. Or the statement is what error recovery left of an assignment: after a chain
 * continued on a line with no backslash, the parser can swallow `df =` of the next line into the
 * ERROR node, so `df = df.drop(...)` reads as a bare `df.drop(...)` starting on the row the ERROR ends.
 */
function hasSyntaxErrorNear(statement: Node): boolean {
  const previous = statement.previousSibling;
  const swallowedTarget = previous?.type === 'ERROR' && previous.endPosition.row === statement.startPosition.row;
  return besideParseError(statement) || swallowedTarget;
}

/** The expression the chain starts from: `df` in `df.na.fill(0).withColumn(...)`, `spark.read` in `spark.read.csv(p).filter(...)`. */
function chainRoot(expression: Node): Node {
  let n = unwrapParens(expression);
  for (let i = 0; i < 500; i++) {
    const next = n.type === 'call' ? n.childForFieldName('function') : n.type === 'attribute' ? n.childForFieldName('object') : null;
    if (!next) return n;
    const inner = unwrapParens(next);
    // Walk through calls and method lookups, and through a frame's `.na` / `.write` / `.writeStream` accessor.
    const accessor = inner.type === 'attribute' && /^(na|write|writeStream)$/.test(inner.childForFieldName('attribute')?.text ?? '');
    if (n.type === 'attribute' && inner.type !== 'call' && !accessor) return inner;
    // `load().filter(...)`: the chain starts from a plain call's result.
    if (n.type === 'call' && inner.type !== 'attribute') return n;
    n = inner;
  }
  return n;
}

/** The chain starts from a name that holds a frame (not `spark.read...`, not a helper's result). */
function namesFrame(ctx: RuleContext, root: Node): boolean {
  return root.type === 'identifier' && ctx.model.frameRefs.has(root.startIndex);
}

/** The method the statement calls last: `withColumn` in `df.filter(...).withColumn(...)`. */
function methodOf(expression: Node): string {
  return callParts(unwrapParens(expression))?.name ?? 'the call';
}

/** The chain from its root with each argument list shortened: `orders.na.fill(...)`, `df.filter(...).dropDuplicates(...)`. */
function shortChain(expression: Node, root: Node): string {
  const steps: string[] = [];
  let n = unwrapParens(expression);
  for (let i = 0; i < 500 && n.id !== root.id; i++) {
    if (n.type === 'call') {
      steps.push('(...)');
      n = unwrapParens(n.childForFieldName('function') ?? root);
    } else if (n.type === 'attribute') {
      steps.push(`.${n.childForFieldName('attribute')?.text ?? ''}`);
      n = unwrapParens(n.childForFieldName('object') ?? root);
    } else break;
  }
  const text = root.text + steps.reverse().join('');
  return text.length <= 80 ? text : `${root.text}. ... .${methodOf(expression)}(...)`;
}

/** A write after the statement, in the same function, of the frame the statement started from (or of one derived from it). */
function laterWrite(ctx: RuleContext, entry: DiscardedValue, frame: Frame): SinkInfo | undefined {
  const base = frame.parents[0];
  return ctx.model.sinks.find(
    (s) =>
      s.scope.id === entry.scope.id &&
      s.call.startIndex > entry.statement.endIndex &&
      !isAncestorFrame(frame, s.frame) &&
      isAncestorFrame(base, s.frame) &&
      !appliedAgain(frame, base, s.frame),
  );
}

/**
 * The written frame's lineage applies the lost step again after `base`: the same method with the
 * same arguments (a notebook cell that dropped `df.drop("a")` and the next cell that repeats it
 * assigned, `df = df.drop("a")`). The write has the change; it misses nothing.
 */
function appliedAgain(lost: Frame, base: Frame, written: Frame): boolean {
  const args = argumentsText(lost.node);
  if (args === undefined) return false;
  return !!findInLineage(written, (f) => f !== base && f.op === lost.op && argumentsText(f.node) === args && isAncestorFrame(base, f));
}

/** A call's arguments as written, layout aside; undefined for anything else. */
function argumentsText(node: Node): string | undefined {
  const args = node.type === 'call' ? node.childForFieldName('arguments') : null;
  return args ? sameCodeForm(args.text) : undefined;
}

/** `index` undefined: the frame is the caller's (a parameter the function never rebinds nor reads again). */
function reportFrame(ctx: RuleContext, entry: DiscardedValue, frame: Frame, index: ScopeIndex | undefined): void {
  const root = chainRoot(entry.expression);
  const name = root.text;
  const method = methodOf(entry.expression);
  const chain = shortChain(entry.expression, root);
  const write = laterWrite(ctx, entry, frame);
  const head = `${method}() returns a new DataFrame and this statement throws it away: DataFrames are immutable`;
  const message = !index
    ? `${head}, so neither '${name}' nor the caller's DataFrame changes. Return the result (return ${chain}) and assign it where the function is called.`
    : `${head}, so '${name}' is unchanged${write ? `, and the write below (${write.method}()) writes it without this change` : ', and this change is lost'}. ` +
      `Assign the result (${name} = ${chain}) or remove the line.`;
  ctx.report({
    node: unwrapParens(entry.expression),
    message,
    related: write ? [related(write.call, `writes '${name}' without the ${method}()`)] : [],
    why: `the value of ${method}() is not assigned, returned or passed on, and ${index ? `'${name}' is read afterwards` : `'${name}' is the caller's DataFrame`}`,
    fixes: index ? assignFix(entry, root, index) : [],
  });
}

function reportWriter(ctx: RuleContext, entry: DiscardedValue): void {
  const w = entry.writer!;
  const expression = unwrapParens(entry.expression);
  const terminals = w.v2 ? V2_TERMINALS : w.streaming ? STREAM_TERMINALS : BATCH_TERMINALS;
  // A noop, console or memory writer is there to run the query, not to keep its rows: say that nothing runs.
  const display = isDisplayFormat(w.format);
  const what = w.streaming
    ? `no streaming query starts${display ? '' : ' and nothing is written'}`
    : display
      ? 'no job runs and nothing is computed'
      : 'nothing is written';
  ctx.report({
    node: expression,
    message:
      `This ${w.streaming ? 'streaming ' : ''}writer is never told to write: no ${terminals} ends the chain. A writer only collects settings, so ${what}. ` +
      `End the chain with the call that writes.`,
    why: 'the writer is not assigned, returned or passed on, and no call that writes ends it',
  });
}

/**
 * `df = df.withColumn(...)`: only when the chain starts from a plain name bound in the statement's
 * own scope (assigning a global inside a function would make it local there: UnboundLocalError).
 * Unsafe: it changes what the job computes, and the author may have meant to delete the line.
 */
function assignFix(entry: DiscardedValue, root: Node, index: ScopeIndex): Fix[] {
  const statement = entry.statement;
  if (unwrapParens(entry.expression).startIndex !== statement.startIndex) return [];
  const scopeNode = enclosingScope(statement);
  const scope = index.scopes.get(scopeNode.id);
  if (!scope || !index.binds(scope, root.text)) return [];
  return [
    {
      title: `Assign the result to '${root.text}'`,
      edits: [{ start: statement.startIndex, end: statement.startIndex, newText: `${root.text} = ` }],
      applicability: 'unsafe',
      reason: 'changes what the job computes: the transformation takes effect from here on',
    },
  ];
}
