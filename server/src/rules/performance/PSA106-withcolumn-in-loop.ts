import type { Fix } from '../../findings';
import type { TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';
import { rangeIterations } from '../helpers/integerConstants';
import { boundBefore, COLLECTION_LITERALS, grownInPlace, lastAssignmentBefore, literalItemCount } from '../helpers/literalBindings';

/** Loops over a literal list this short add a handful of projections: harmless for the planner. */
const SHORT_LITERAL_LOOP = 10;

/** The identifier a method chain starts from (`df` in `df.withColumn(...).drop(...)`). */
function chainRoot(node: Node): Node | undefined {
  let n = unwrapParens(node);
  for (let i = 0; i < 1000; i++) {
    if (n.type === 'identifier') return n;
    if (n.type === 'call') n = unwrapParens(n.childForFieldName('function') ?? n);
    else if (n.type === 'attribute') n = unwrapParens(n.childForFieldName('object') ?? n);
    else return undefined;
  }
  return undefined;
}

/** The `X = <chain from X>` assignment the call sits in: the loop keeps growing the plan of X. */
function accumulatingAssignment(call: Node): Node | undefined {
  let n: Node = call;
  while (
    n.parent &&
    (n.parent.type === 'attribute' || n.parent.type === 'call' || n.parent.type === 'parenthesized_expression' || n.parent.type === 'argument_list')
  ) {
    // Stop at an argument: `f(df.withColumn(...))` is not part of df's chain.
    if (n.parent.type === 'argument_list') return undefined;
    n = n.parent;
  }
  const assignment = n.parent;
  if (assignment?.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), n)) return undefined;
  const left = assignment.childForFieldName('left');
  const root = chainRoot(n);
  return left?.type === 'identifier' && root && root.text === left.text ? assignment : undefined;
}

function isShortLiteralLoop(ctx: RuleContext, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const right = loop.childForFieldName('right');
  let it = right ? unwrapParens(right) : undefined;
  // `for c in NULLABLE_COLUMNS:` with the name bound once to a short literal list.
  if (it?.type === 'identifier') it = literalBoundBefore(it.text, loop);
  // `range(1, 7)`, `range(1, total_lag_time + 1)` with `total_lag_time = 6`, `range(len(OHE_COLUMNS))`:
  // the count of iterations, not the stop, bounds the projections (`range(95, 100)` makes five).
  if (it?.type === 'call' && callParts(it)?.name === 'range' && !callParts(it)?.object) {
    const iterations = rangeIterations(ctx, it, (n) => literalItemCount(n, loop));
    return iterations !== undefined && iterations <= SHORT_LITERAL_LOOP;
  }
  if (!it || !['list', 'tuple', 'set'].includes(it.type)) return false;
  const items = it.namedChildren.filter((c) => c && c.type !== 'comment');
  return items.every((c) => c?.type !== 'list_splat') && items.length <= SHORT_LITERAL_LOOP;
}

/** The literal list/tuple/set a name was last assigned before `at`, in the same scope (a plain `NAME = [...]`). */
function literalBoundBefore(name: string, at: Node): Node | undefined {
  // An annotation without a value (`NAME: list`) is the last word on the name: no literal then.
  const right = lastAssignmentBefore(name, at, false)?.childForFieldName('right');
  const found = right ? unwrapParens(right) : undefined;
  return found && ['list', 'tuple', 'set'].includes(found.type) ? found : undefined;
}

const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;
const PASS_THROUGH = new Set(['enumerate', 'list', 'tuple', 'sorted', 'reversed']);
const DICT_VIEWS = new Set(['items', 'keys', 'values']);

/** `enumerate(x)`, `sorted(x)`, `x.fields`: the collection itself. */
function iteratedCollection(expr: Node): Node {
  let n = unwrapParens(expr);
  for (let i = 0; i < 10; i++) {
    const parts = n.type === 'call' ? callParts(n) : undefined;
    if (parts && !parts.object && parts.name && PASS_THROUGH.has(parts.name) && parts.args[0]) n = unwrapParens(parts.args[0]);
    // `mapping.items()`: as many turns as the dict has entries.
    else if (parts?.object && parts.name && DICT_VIEWS.has(parts.name) && parts.args.length === 0) n = unwrapParens(parts.object);
    else if (n.type === 'attribute' && ['fields', 'names'].includes(n.childForFieldName('attribute')?.text ?? ''))
      n = unwrapParens(n.childForFieldName('object')!);
    else return n;
  }
  return n;
}

/** A `StructType([...])` literal of at most SHORT_LITERAL_LOOP fields, or a short literal list or dict. */
function shortLiteral(n: Node | undefined): boolean {
  if (!n) return false;
  const parts = n.type === 'call' ? callParts(n) : undefined;
  const list = parts?.name === 'StructType' && parts.args[0] ? unwrapParens(parts.args[0]) : n;
  if (!COLLECTION_LITERALS.has(list.type)) return false;
  const items = list.namedChildren.filter((c) => c && c.type !== 'comment');
  return items.every((c) => c?.type !== 'list_splat' && c?.type !== 'dictionary_splat') && items.length <= SHORT_LITERAL_LOOP;
}

/**
 * What a loop over `expr` at `at` iterates is written in the code, and short: a constant
 * (`RIDE_SCHEMA`, imported or not), a short literal or StructType, the columns of a frame whose few
 * columns the model knows (a literal createDataFrame), or a parameter every call in the file fills
 * with one of these. Data-driven collections (collected rows, file listings, an input's schema) are not.
 */
function codeConstant(ctx: RuleContext, expr: Node, at: Node, depth: number): boolean {
  const n = iteratedCollection(expr);
  if (n.type === 'attribute' && ['columns', 'dtypes', 'schema'].includes(n.childForFieldName('attribute')?.text ?? '')) {
    const object = n.childForFieldName('object');
    const frame = object ? ctx.model.frameRefs.get(unwrapParens(object).startIndex)?.frame : undefined;
    return !!frame && frame.columnsComplete && frame.columns.size > 0 && frame.columns.size <= SHORT_LITERAL_LOOP;
  }
  if (n.type !== 'identifier') return shortLiteral(n);
  if (CONSTANT_NAME.test(n.text)) return true;
  const bound = boundBefore(n.text, at);
  // `features = {}` filled by `features[name] = ...` before the loop: the literal is only the start.
  if (bound?.type === 'dictionary' && grownInPlace(n.text, at)) return false;
  if (bound) return shortLiteral(bound) || (depth < 2 && bound.type === 'identifier' && codeConstant(ctx, bound, at, depth + 1));
  return depth < 2 && parameterFilledWithConstants(ctx, n.text, at, depth);
}

/** `def parse(df, schema): for f in schema: ...` called only as `parse(stream, RIDE_SCHEMA)` in this file. */
function parameterFilledWithConstants(ctx: RuleContext, name: string, at: Node, depth: number): boolean {
  const fn = enclosingScope(at);
  if (fn.type !== 'function_definition') return false;
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => !!p) ?? [];
  const index = params.findIndex((p) => (p.type === 'identifier' ? p.text : (p.childForFieldName('name')?.text ?? p.namedChildren[0]?.text)) === name);
  const fnName = fn.childForFieldName('name')?.text;
  if (index < 0 || !fnName) return false;
  let calls = 0;
  for (const call of callsNamed(ctx.model, fnName)) {
    const parts = callParts(call);
    if (!parts || parts.object || parts.name !== fnName) continue;
    const arg = parts.keywords.get(name) ?? parts.args[index];
    if (!arg || !codeConstant(ctx, arg, call, depth + 1)) return false;
    calls++;
  }
  return calls > 0;
}

function overCodeConstant(ctx: RuleContext, loop: Node): boolean {
  const right = loop.type === 'for_statement' ? loop.childForFieldName('right') : undefined;
  return !!right && codeConstant(ctx, right, loop, 0);
}

/**
 * `for f in files: df = spark.read.csv(f); df = df.withColumn(...)`: each iteration starts from a
 * fresh frame, so the plan does not deepen from one iteration to the next.
 */
function reboundFreshInLoop(assignment: Node, loop: Node): boolean {
  const target = assignment.childForFieldName('left')?.text;
  const body = loop.childForFieldName('body');
  if (!target || !body) return false;
  const stack: Node[] = [body];
  for (let steps = 0; stack.length && steps < 50_000; steps++) {
    const n = stack.pop()!;
    if (n.startIndex >= assignment.startIndex) continue;
    if (n.type === 'function_definition' || n.type === 'class_definition') continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === target) {
      const right = n.childForFieldName('right');
      const root = right ? chainRoot(right) : undefined;
      if (!root || root.text !== target) return true;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function containsComment(node: Node): boolean {
  const stack = [node];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'comment') return true;
    for (const c of n.children) if (c) stack.push(c);
  }
  return false;
}

/** True when `name` is read after `after` in the scope: the loop variable outlives a `for`, not a comprehension. */
function usedAfter(name: string, after: Node): boolean {
  const scope = enclosingScope(after);
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n.text === name && n.startIndex >= after.endIndex) return true;
    if (!sameNode(n, scope) && (n.type === 'function_definition' || n.type === 'class_definition')) continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** `for c in cols:\n    df = df.withColumn(<name>, <expr>)` -> `df = df.withColumns({<name>: <expr> for c in cols})`. */
function withColumnsFix(ctx: RuleContext, t: TransformCall, assignment: Node): Fix | undefined {
  const loop = t.loop;
  if (!loop || loop.type !== 'for_statement' || loop.childForFieldName('alternative') || containsComment(loop)) return undefined;
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  const body = loop.childForFieldName('body');
  if (!left || left.type !== 'identifier' || !right || !body) return undefined;
  const statements = body.namedChildren.filter((c) => c && c.type !== 'comment');
  if (statements.length !== 1 || statements[0]?.type !== 'expression_statement' || !sameNode(statements[0].namedChildren[0], assignment)) return undefined;
  const rhs = assignment.childForFieldName('right');
  const target = assignment.childForFieldName('left')!.text;
  if (!rhs || !sameNode(unwrapParens(rhs), t.call)) return undefined;
  const receiver = unwrapParens(t.receiver);
  const parts = callParts(t.call);
  if (receiver.type !== 'identifier' || receiver.text !== target || !parts || parts.args.length !== 2 || parts.keywords.size) return undefined;
  if (parts.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return undefined;
  if (usedAfter(left.text, loop)) return undefined;
  const src = (n: Node) => ctx.text.slice(n.startIndex, n.endIndex);
  const [name, expr] = parts.args;
  return {
    title: `Replace the loop with one ${target}.withColumns({...}) (Spark 3.3+)`,
    edits: [
      {
        start: loop.startIndex,
        end: loop.endIndex,
        newText: `${target} = ${target}.withColumns({${src(name)}: ${src(expr)} for ${left.text} in ${src(right)}})`,
      },
    ],
    // Each expression now sees the frame before the loop, not the columns earlier iterations added.
    applicability: 'unsafe',
    reason: 'expressions see the frame before the loop; needs Spark 3.3+',
  };
}

/**
 * The loops whose body holds `node`, innermost first, up to its function or class: the statement
 * runs once per iteration of each (a `for` header or `while` condition runs outside the body).
 */
function enclosingLoops(node: Node): Node[] {
  const loops: Node[] = [];
  let child = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') break;
    if ((n.type === 'for_statement' || n.type === 'while_statement') && sameNode(n.childForFieldName('body'), child)) loops.push(n);
  }
  return loops;
}

/**
 * The loop that makes the plan grow: going outward from the innermost loop, the first one the code
 * does not bound to a handful of iterations. A short inner loop (`for i in range(1, 7)`) inside one
 * over every column still adds six projections per column. None when every loop is short, or when
 * a loop's body starts the frame afresh before the call (outer loops then restart it too).
 */
function growingLoop(ctx: RuleContext, assignment: Node, loops: Node[]): Node | undefined {
  for (const loop of loops) {
    if (reboundFreshInLoop(assignment, loop)) return undefined;
    if (!isShortLiteralLoop(ctx, loop) && !overCodeConstant(ctx, loop)) return loop;
  }
  return undefined;
}

export const withColumnInLoop: Rule = {
  code: 'PSA106',
  name: 'withcolumn-in-loop',
  summary: 'df = df.withColumn(...) in a loop: one projection per iteration bloats the plan; use one withColumns/select.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const reported = new Set<number>();
    for (const t of ctx.model.transforms) {
      if (t.method !== 'withColumn' || !t.loop) continue;
      const assignment = accumulatingAssignment(t.call);
      const loop = assignment && growingLoop(ctx, assignment, enclosingLoops(assignment));
      if (!assignment || !loop) continue;
      // One finding per statement: a chain of ten withColumn calls is one problem.
      if (reported.has(assignment.id)) continue;
      reported.add(assignment.id);
      // Folding the inner loop into withColumns would leave one projection per outer iteration.
      const fix = sameNode(loop, t.loop) ? withColumnsFix(ctx, t, assignment) : undefined;
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          'withColumn() in a loop adds one projection to the logical plan per iteration. With tens or hundreds of ' +
          'iterations the analyzer and optimizer re-process an ever deeper plan (driver time grows quadratically, and ' +
          'very deep plans end in a StackOverflowError). Build all the columns in one withColumns({...}) ' +
          '(Spark 3.3+) or one select(*, ...) instead.',
        related: [{ start: loop.startIndex, end: loop.startIndex + (loop.text.split(/\r?\n/)[0]?.length ?? 0), message: 'the loop' }],
        fixes: fix ? [fix] : [],
      });
    }
  },
};
