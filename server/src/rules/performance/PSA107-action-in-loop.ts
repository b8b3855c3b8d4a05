import type { RelatedLocation } from '../../findings';
import { filterLineage } from '../../model/lineage';
import type { ActionUse, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isTryBody, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import { PER_ROW_PROJECTIONS } from '../../spark/frames';
import type { Rule, RuleContext } from '../rule';
import { COMPREHENSIONS, isWithin, repeatingConstructAround, SCOPE_BOUNDARIES } from '../helpers/loops';
import { identifiersNamed } from '../../model/syntaxIndex';
import { BINDING_PARENTS, constantInteger } from '../helpers/integerConstants';
import { targetIdentifiers } from '../helpers/columnExpressions';
import { boundBefore, grownInPlace } from '../helpers/literalBindings';

/** Frames upstream of `frame` (itself included) that are sources. */
function sourcesOf(frame: Frame): Frame[] {
  return filterLineage(frame, (f) => !!f.source || f.parents.length === 0);
}

/** A read inside the loop whose table/path/query the tool cannot pin to one constant: a different input per iteration. */
function readsPerIterationInput(source: Frame, loop: Node): boolean {
  const s = source.source;
  if (!s) return false;
  const target = s.kind === 'table' ? s.table : s.kind === 'read' ? s.path : undefined;
  const varying = s.kind === 'sql' ? literalString(callParts(s.node)?.args[0]) === undefined : target === undefined || target.includes('{');
  if (!isWithin(s.node, loop)) return varying && readByHelperCalledIn(s.node, loop);
  // A polling loop (`while True: df = spark.read...; if df.count(): ...`) re-reads on purpose.
  if (loop.type === 'while_statement') return true;
  return varying;
}

/**
 * `def load(name): return spark.read.table(f"gold.{name}")` called inside the loop
 * (`for t in tables: df = load(t)`): the helper reads a different input on each call.
 */
function readByHelperCalledIn(read: Node, loop: Node): boolean {
  let fn: Node | null = read.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const name = fn?.childForFieldName('name')?.text;
  if (!fn || !name || isWithin(loop, fn)) return false;
  const stack: Node[] = [loop];
  for (let steps = 0; stack.length && steps < 50_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'call') {
      const callee = n.childForFieldName('function');
      const called = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
      if (called === name) return true;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function jumpsOut(loop: Node): boolean {
  return leavesLoop(loop.childForFieldName('body'));
}

/** `for attempt in ...: try: df.collect(); break; except ...:` runs the action once per failure, not per item. */
function isRetry(call: Node, loop: Node): boolean {
  if (!loop.type.endsWith('_statement') || !jumpsOut(loop)) return false;
  for (let p = call.parent; p && !sameNode(p, loop); p = p.parent) {
    if (isTryBody(p)) {
      return p.parent!.namedChildren.some((c) => c?.type === 'except_clause' || c?.type === 'except_group_clause');
    }
  }
  return false;
}

/** Whether `block` (an `if` consequence) leaves the loop: a `break` or `return`, not inside a nested loop or scope. */
function leavesLoop(block: Node | null | undefined): boolean {
  const stack: Node[] = block ? [block] : [];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'break_statement' || n.type === 'return_statement') return true;
    if (SCOPE_BOUNDARIES.has(n.type) || n.type === 'for_statement' || n.type === 'while_statement') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function mentions(node: Node | null | undefined, name: string): boolean {
  return !!node && new RegExp(`(^|[^A-Za-z0-9_.])${name}([^A-Za-z0-9_]|$)`).test(node.text);
}

/** The tests of `if <test>: break/return` anywhere in the loop body (not in nested loops or scopes). */
function exitTests(loop: Node): Node[] {
  const out: Node[] = [];
  const body = loop.childForFieldName('body');
  const stack: Node[] = body ? [body] : [];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (SCOPE_BOUNDARIES.has(n.type) || n.type === 'for_statement' || n.type === 'while_statement') continue;
    if (n.type === 'if_statement' || n.type === 'elif_clause') {
      const test = n.childForFieldName('condition');
      if (test && leavesLoop(n.childForFieldName('consequence'))) out.push(test);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

/** Plain names assigned by `name = ...` statements under `root`, before `before` (not in nested scopes). */
function namesAssignedIn(root: Node | null | undefined, before = Infinity): Set<string> {
  const out = new Set<string>();
  const stack: Node[] = root ? [root] : [];
  for (let steps = 0; stack.length && steps < 50_000; steps++) {
    const n = stack.pop()!;
    if (n.startIndex >= before || (n !== root && SCOPE_BOUNDARIES.has(n.type))) continue;
    const left = n.type === 'assignment' ? n.childForFieldName('left') : null;
    if (left?.type === 'identifier' && n.endIndex <= before) out.add(left.text);
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

/** Names the loop rebinds that already held a value before it: state carried from one iteration to the next. */
function loopCarriedNames(loop: Node): string[] {
  let scope = loop.parent;
  while (scope && !SCOPE_BOUNDARIES.has(scope.type)) scope = scope.parent;
  const before = namesAssignedIn(scope, loop.startIndex);
  return [...namesAssignedIn(loop.childForFieldName('body'))].filter((n) => before.has(n));
}

/**
 * An iterative algorithm (graph search, convergence loop): the frame is built in the loop from a
 * variable the loop itself rebinds (`frontier = nxt`), and the action's result decides whether the
 * loop stops (`if nxt.isEmpty(): break`, `found = nxt.first()` then `if found: return ...`, or the
 * `while` condition). Each iteration needs the previous one's result, so the jobs cannot be merged.
 */
function isIterativeAlgorithm(action: ActionUse, loop: Node): boolean {
  if (!loop.type.endsWith('_statement')) return false;
  const carried = loopCarriedNames(loop);
  if (carried.length === 0) return false;
  const inLoop = filterLineage(action.frame, (f) => isWithin(f.node, loop));
  const receiver = action.call.childForFieldName('function')?.childForFieldName('object');
  if (![receiver, ...inLoop.map((f) => f.node)].some((n) => carried.some((name) => mentions(n, name)))) return false;
  const condition = loop.type === 'while_statement' ? loop.childForFieldName('condition') : undefined;
  if (condition && isWithin(action.call, condition)) return true;
  const tests = exitTests(loop);
  if (tests.some((t) => isWithin(action.call, t))) return true;
  let stmt: Node = action.call;
  while (stmt.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'expression_statement') stmt = stmt.parent;
  const target = stmt.type === 'assignment' ? stmt.childForFieldName('left') : undefined;
  return target?.type === 'identifier' && tests.some((t) => mentions(t, target.text));
}

/** Names one turn of a `for` loop binds: its target's names, and those its body assigns before `before`. */
function namesBoundByTurn(loop: Node, before: number): Set<string> {
  const out = namesAssignedIn(loop.childForFieldName('body'), before);
  const stack: Node[] = [];
  const left = loop.childForFieldName('left');
  if (left) stack.push(left);
  for (let steps = 0; stack.length && steps < 1_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.add(n.text);
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

/** The arguments of the `.option(...)` / `.options(...)` calls of a read chain (`spark.read....load(p)`). */
function readOptionArguments(read: Node): Node[] {
  const out: Node[] = [];
  let n: Node | null | undefined = read;
  for (let steps = 0; n && steps < 100; steps++) {
    if (n.type === 'call') {
      const parts = callParts(n);
      if ((parts?.name === 'option' || parts?.name === 'options') && parts.argumentList) out.push(parts.argumentList);
      n = parts?.object;
    } else if (n.type === 'attribute') n = n.childForFieldName('object');
    else n = undefined;
  }
  return out;
}

/**
 * A source read inside the `for` loop whose input is the turn's own although its path or table is
 * one constant: an option carries the turn's value (`option("versionAsOf", row["version"])`,
 * `option("timestampAsOf", ts)`: time travel, one version per turn), or the turn wrote that path or
 * table before reading it back (`write.mode(mode).parquet(p)`, then `spark.read.parquet(p)`).
 */
function readsTurnInput(ctx: RuleContext, source: Frame, loop: Node): boolean {
  const s = source.source;
  if (!s || (s.kind !== 'read' && s.kind !== 'table') || s.streaming || !isWithin(s.node, loop)) return false;
  const names = namesBoundByTurn(loop, s.node.startIndex);
  if (readOptionArguments(s.node).some((args) => [...names].some((name) => mentions(args, name)))) return true;
  return ctx.model.sinks.some(
    (k) =>
      !k.streaming &&
      isWithin(k.call, loop) &&
      k.call.endIndex <= s.node.startIndex &&
      ((s.path !== undefined && k.path === s.path) || (s.table !== undefined && k.table === s.table)),
  );
}

/**
 * `for row in history: spark.read.format("delta").option("versionAsOf", row["version"]).load(T).count()`:
 * the first action of a turn on a frame read from the turn's own input (see readsTurnInput) reads
 * that turn's data, so it recomputes nothing of an earlier turn, and one job per version (or per
 * write) is what the loop is for; the message (recomputed lineage, cache it, one groupBy instead)
 * would misstate it. A later action or write of the same turn on that read recomputes it, and is
 * still reported. A read with a varying path or table is readsPerIterationInput's, as before.
 */
function firstActionOnTurnInput(ctx: RuleContext, action: ActionUse, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const turnReads = sourcesOf(action.frame).filter((f) => readsTurnInput(ctx, f, loop));
  if (turnReads.length === 0) return false;
  const readsTurnInputToo = (frame: Frame) => sourcesOf(frame).some((f) => turnReads.some((t) => sameNode(t.node, f.node)));
  const earlier = (call: Node) => isWithin(call, loop) && call.endIndex <= action.call.startIndex;
  return (
    !ctx.model.actions.some((a) => a !== action && earlier(a.call) && readsTurnInputToo(a.frame)) &&
    !ctx.model.sinks.some((k) => earlier(k.call) && readsTurnInputToo(k.frame))
  );
}

/** The loop an action runs in, when running it once per iteration is avoidable work. */
export function wastefulLoopOf(action: ActionUse): Node | undefined {
  if (action.frame.streaming === true) return undefined;
  const loop = action.inLoop && action.loop ? action.loop : repeatingConstructAround(action.call);
  if (!loop) return undefined;
  const sources = sourcesOf(action.frame);
  if (sources.every((s) => s.source?.kind === 'createDataFrame')) return undefined;
  if (sources.some((s) => readsPerIterationInput(s, loop))) return undefined;
  if (isRetry(action.call, loop)) return undefined;
  if (isIterativeAlgorithm(action, loop)) return undefined;
  return loop;
}

function loopHeader(loop: Node): RelatedLocation {
  const body = loop.childForFieldName('body');
  const end = body && loop.type.endsWith('_statement') ? body.startIndex : loop.endIndex;
  const text = loop.text.slice(0, end - loop.startIndex).trimEnd();
  return { start: loop.startIndex, end: loop.startIndex + text.length, message: 'the loop' };
}

const FEW = 10;

const CACHING = new Set(['cache', 'persist', 'checkpoint', 'localCheckpoint']);

/**
 * `matches = build(country); matches.persist(); matches.count()` in a loop: the frame of this
 * iteration is cached inside the loop before the action, so the action computes it once to fill
 * the cache (or reads the cache) that the rest of the iteration uses. Nothing is recomputed, and one
 * frame per iteration is the loop's design, which the message (recomputed lineage, cache the
 * reused frame) would misstate. A frame cached once before the loop and filtered per value inside
 * it is not this: each iteration still scans it, and a groupBy would do them all in one job.
 */
function readsIterationCache(ctx: RuleContext, action: ActionUse, loop: Node): boolean {
  const cachedHere = (node: Node) => isWithin(node, loop) && node.endIndex <= action.call.startIndex;
  const cached = (f: Frame) =>
    (CACHING.has(f.op) && cachedHere(f.node)) || ctx.model.transforms.some((t) => CACHING.has(t.method) && t.frame.id === f.id && cachedHere(t.call));
  // `matches.dropna(subset=["score"]).count()`: per-row steps on the cached frame read the cache too.
  let frame = action.frame;
  for (let steps = 0; steps < 50; steps++) {
    if (cached(frame)) return true;
    if (frame.parents.length !== 1 || !NARROW.has(frame.op)) return false;
    frame = frame.parents[0];
  }
  return false;
}

/**
 * The frame cached once before the loop that this action reads through steps of one input each
 * (`base = spark.read...cache()` then `base.filter(col("country") == c).count()` per value): each
 * iteration's job scans that cache and redoes only the steps after it, so the message must not say
 * the sources are re-read, nor advise the cache already there. Undefined when another input joins
 * in, or nothing upstream is cached before the loop.
 */
function cachedBeforeLoop(ctx: RuleContext, action: ActionUse, loop: Node): Node | undefined {
  const before = (node: Node) => node.endIndex <= loop.startIndex;
  // The call that caches: the frame's own step, or a `frame.cache()` statement of its own.
  const cacheCall = (f: Frame) =>
    CACHING.has(f.op) && before(f.node) ? f.node : ctx.model.transforms.find((t) => CACHING.has(t.method) && t.frame.id === f.id && before(t.call))?.call;
  let frame = action.frame;
  for (let steps = 0; steps < 50; steps++) {
    const call = cacheCall(frame);
    if (call) return call;
    if (frame.parents.length !== 1) return undefined;
    frame = frame.parents[0];
  }
  return undefined;
}

/** Steps that read their input row by row, with no shuffle: on a cached frame they read the cache. */
const NARROW = new Set<string>([...PER_ROW_PROJECTIONS, 'filter', 'where', 'dropna', 'alias']);

/** Actions that stop at their first rows: Spark scans one partition, then more only if it found too few. */
const FIRST_ROWS = new Set(['first', 'head', 'take']);
/** The most rows `head(n)` / `take(n)` may ask for and still be a first-rows read. */
const FEW_ROWS = 100;
/** Row-preserving, per-row methods: no filter, join, shuffle or sort between the source and the action. */
const PROJECTIONS = new Set<string>([...PER_ROW_PROJECTIONS, 'alias', 'cache', 'persist']);

/**
 * `brokers.select("broker_id").first()` in a loop: the frame is a table or file read with only
 * per-row projections on it, so every row qualifies and the job reads the first rows of one
 * partition. Each iteration costs a small job, not a recomputation of the lineage the message
 * describes. A filter, join, aggregate, sort, window or SQL query upstream makes the same action a
 * scan (it may need every partition to find its row), and is still reported. A literal
 * `SELECT cols FROM t LIMIT 1` query is the same projection of a table, written in SQL.
 */
function readsFirstRowsOfProjection(action: ActionUse): boolean {
  if (!FIRST_ROWS.has(action.method)) return false;
  const args = callParts(action.call)?.args ?? [];
  if (args.length > 1) return false;
  if (args.length === 1) {
    const n = unwrapParens(args[0]).text;
    if (!/^\d+$/.test(n) || Number(n) > FEW_ROWS) return false;
  } else if (action.method === 'take') return false;
  let frame = action.frame;
  for (let steps = 0; steps < 200; steps++) {
    if (frame.parents.length === 0) return frame.source?.kind === 'table' || frame.source?.kind === 'read' || projectsOneTable(frame);
    if (frame.parents.length !== 1 || !PROJECTIONS.has(frame.op)) return false;
    const parent = frame.parents[0];
    // A select of aggregates (`select(F.max("x"))`) is a global aggregate: it reads everything.
    if (frame.bounded && !parent.bounded) return false;
    const call = callParts(frame.node);
    if (call && [...call.args, ...call.keywords.values()].some((a) => /\.over\s*\(/.test(a.text))) return false;
    frame = parent;
  }
  return false;
}

/**
 * `SELECT <columns> FROM <table> [LIMIT n]`, written out as a literal: a projection of one table (no
 * WHERE, JOIN, GROUP BY, ORDER BY, function or window), the SQL spelling of `spark.table(t).select(...)`.
 */
const PLAIN_SELECT = /^\s*select\s+[^()]+?\s+from\s+[\w.`]+(?:\s+(?:as\s+)?(?!limit\b)\w+)?(?:\s+limit\s+\d+)?\s*;?\s*$/i;
const CLAUSE = /\b(where|join|group|order|having|union|distinct|qualify|tablesample|lateral|pivot)\b/i;

function projectsOneTable(frame: Frame): boolean {
  if (frame.source?.kind !== 'sql') return false;
  const query = literalString(callParts(frame.source.node)?.args[0]);
  return query !== undefined && PLAIN_SELECT.test(query) && !CLAUSE.test(query);
}

/**
 * `for i in range(5)`, `while n <= 5`: a counted handful of repetitions (polling a demo table, making
 * a few commits), written that way on purpose. A loop over values (`for region in ["eu", "us"]`) is
 * still the one-job-per-value pattern a groupBy replaces.
 */
function fewIterations(ctx: RuleContext, loop: Node): boolean {
  const counted = (right: Node | null | undefined) => countedRange(ctx, right) || fewCollectedRows(ctx, right);
  if (loop.type === 'for_statement') return counted(loop.childForFieldName('right'));
  // `[df.limit(3).collect()[i][0] for i in range(3)]`: the same counted handful, written as a
  // comprehension. Every `for` clause must count: a nested clause over values still multiplies.
  if (COMPREHENSIONS.has(loop.type)) {
    const clauses = loop.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
    return clauses.length > 0 && clauses.every((c) => counted(c.childForFieldName('right')));
  }
  if (loop.type === 'while_statement') {
    // `while (count <= 5):` is the same condition, parenthesised.
    const condition = loop.childForFieldName('condition');
    const m = /^[A-Za-z_]\w*\s*(<=?)\s*(\d+)$/.exec(condition ? unwrapParens(condition).text : '');
    return !!m && Number(m[2]) <= FEW;
  }
  return false;
}

/** `range(5)`, `range(1, 5)`, `range(k)` with `k` bound once to a small integer: at most FEW iterations. */
function countedRange(ctx: RuleContext, right: Node | null | undefined): boolean {
  const it = right ? unwrapParens(right) : undefined;
  if (!it) return false;
  const m = /^range\(\s*(?:\d+\s*,\s*)?(\d+|[A-Za-z_]\w*)\s*\)$/.exec(it.text);
  if (!m) return false;
  const bound = /^\d+$/.test(m[1]) ? Number(m[1]) : constantInteger(ctx, m[1]);
  return bound !== undefined && bound <= FEW;
}

/**
 * `top = df.orderBy(F.desc("n")).limit(3).select("id").rdd.flatMap(lambda r: r).collect()` ...
 * `for t in top:`: the loop runs over the rows of a collect whose frame was cut to a small literal
 * `limit(k)` (or `take(k)` / `head(k)`), so it runs at most k times: the counted handful of
 * `range(k)`, with the count written in the query (the top three papers, the five best models)
 * instead of in the loop. A collect of a frame with no such limit, or with a step after the limit that
 * can add rows (a join, an explode, a flatMap other than the identity on one column), is still a loop
 * over values.
 */
function fewCollectedRows(ctx: RuleContext, right: Node | null | undefined): boolean {
  let it = right ? unwrapParens(right) : undefined;
  // `for i, row in enumerate(rows)`: as many turns as rows.
  const enumerated = it?.type === 'call' && it.childForFieldName('function')?.text === 'enumerate' ? callParts(it)?.args : undefined;
  if (enumerated?.length === 1) it = unwrapParens(enumerated[0]);
  if (!it) return false;
  if (it.type === 'identifier') {
    const bound = singleBinding(ctx, it.text);
    return !!bound && collectsFewRows(ctx, unwrapParens(bound));
  }
  return collectsFewRows(ctx, it);
}

/** Steps between `limit(k)` and the collect that keep at most one value per row. */
const ROW_KEEPING = new Set([
  'select',
  'selectExpr',
  'alias',
  'drop',
  'withColumn',
  'withColumnRenamed',
  'toDF',
  'filter',
  'where',
  'orderBy',
  'sort',
  'distinct',
  'dropDuplicates',
  'rdd',
  'map',
  'cache',
  'persist',
]);

/**
 * `<frame>.limit(k)<row-keeping steps>.collect()`, `<frame>.take(k)`, `<frame>.head(k)` with k a
 * small integer. `rdd.flatMap(lambda r: r)` straight after a one-column select is the usual way to
 * collect a column's values: one value per row (a `map` before it may build several).
 */
function collectsFewRows(ctx: RuleContext, expr: Node): boolean {
  const outer = callParts(expr);
  const method = outer ? expr.childForFieldName('function')?.childForFieldName('attribute')?.text : undefined;
  if (!outer || !method) return false;
  if (method === 'take' || method === 'head') return outer.args.length === 1 && smallCount(ctx, outer.args[0]);
  if (method !== 'collect' || outer.args.length > 0) return false;
  let node = expr.childForFieldName('function')?.childForFieldName('object');
  let oneColumn = false;
  let flattened = false;
  for (let steps = 0; node && steps < 50; steps++) {
    const call = node.type === 'call' ? callParts(node) : undefined;
    const access = node.type === 'call' ? node.childForFieldName('function') : node;
    if (access?.type !== 'attribute') return false;
    const name = access.childForFieldName('attribute')?.text ?? '';
    if (name === 'limit') return !!call && call.args.length === 1 && smallCount(ctx, call.args[0]) && (!flattened || oneColumn);
    if (name === 'flatMap') {
      const fn = call?.args.length === 1 ? unwrapParens(call.args[0]) : undefined;
      const params = fn?.type === 'lambda' ? fn.childForFieldName('parameters')?.text : undefined;
      if (!params || fn?.childForFieldName('body')?.text !== params) return false;
      flattened = true;
    } else if (!ROW_KEEPING.has(name) || (flattened && name === 'map')) return false;
    if (name === 'select' && call) oneColumn = call.args.length === 1 && call.keywords.size === 0;
    const inner = access.childForFieldName('object');
    node = inner ? unwrapParens(inner) : undefined;
  }
  return false;
}

/** An integer literal, or a name bound only to integer literals, of at most FEW. */
function smallCount(ctx: RuleContext, arg: Node): boolean {
  const n = unwrapParens(arg);
  const value = /^\d+$/.test(n.text) ? Number(n.text) : n.type === 'identifier' ? constantInteger(ctx, n.text) : undefined;
  return value !== undefined && value <= FEW;
}

/** The right-hand side of the one plain assignment that binds `name` in the file, if that is its only binding. */
function singleBinding(ctx: RuleContext, name: string): Node | undefined {
  let value: Node | undefined;
  for (const id of identifiersNamed(ctx.model, name)) {
    const parent = id.parent;
    if (!parent) continue;
    if (parent.type === 'assignment' && sameNode(parent.childForFieldName('left'), id)) {
      if (value) return undefined;
      value = parent.childForFieldName('right') ?? undefined;
      if (!value) return undefined;
    } else if (
      parent.type === 'augmented_assignment' ||
      // `for x in rows`: the loop reads the name it iterates; only its target is bound.
      (BINDING_PARENTS.has(parent.type) && !sameNode(parent.childForFieldName('right'), id)) ||
      parent.type === 'pattern_list' ||
      parent.type === 'tuple_pattern'
    ) {
      return undefined;
    }
  }
  return value;
}

/**
 * `for name, df in [("articles", articles), ("customers", customers)]: print(name, df.count())`: the
 * action is on the loop's own variable, which a literal list or tuple binds to a different frame each
 * turn (the model walks such a loop once per element). Each turn counts another frame once: there is no
 * lineage recomputed per value and no groupBy that would do the turns in one job, so the message would be
 * wrong. The list may be bound to a name first, in the loop's scope, if nothing grows it in place. A
 * frame derived from the variable inside the loop (a filter, a join with another frame) is not this
 * case and is still judged.
 */
function actsOnLiteralLoopVariable(action: ActionUse, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const items = loop.childForFieldName('right');
  let iterable = items ? unwrapParens(items) : undefined;
  // `tables = [("orders", orders_raw, orders), ...]` on lines of its own, then `for name, raw, clean in
  // tables:`: the same literal list given through a name. A list grown in place (`parts.append(
  // df.filter(...))` per value) is not a list of written-out frames, so it stays judged.
  if (iterable?.type === 'identifier') iterable = grownInPlace(iterable.text, loop) ? undefined : boundBefore(iterable.text, loop);
  if (iterable?.type !== 'list' && iterable?.type !== 'tuple') return false;
  const receiver = action.call.childForFieldName('function')?.childForFieldName('object');
  const name = receiver ? unwrapParens(receiver) : undefined;
  if (name?.type !== 'identifier') return false;
  const target = loop.childForFieldName('left');
  return !!target && targetIdentifiers(target).some((t) => t.text === name.text);
}

export const actionInLoop: Rule = {
  code: 'PSA107',
  name: 'action-in-loop',
  summary: 'A Spark action inside a Python loop: one full job per iteration, each recomputing the lineage.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const action of ctx.model.actions) {
      // show() in a loop prints: the loop is the output (a few columns at a time, one sample per value),
      // and each show is a limited job that stops at its first rows. PSA113 is the rule for shows left in a job.
      if (action.method === 'show') continue;
      const loop = wastefulLoopOf(action);
      if (
        !loop ||
        fewIterations(ctx, loop) ||
        actsOnLiteralLoopVariable(action, loop) ||
        readsFirstRowsOfProjection(action) ||
        readsIterationCache(ctx, action, loop) ||
        firstActionOnTurnInput(ctx, action, loop)
      )
        continue;
      const parts = action.call.childForFieldName('function');
      const name = parts?.childForFieldName('attribute');
      const kind = COMPREHENSIONS.has(loop.type) ? 'comprehension' : 'loop';
      const cache = cachedBeforeLoop(ctx, action, loop);
      const oneJob =
        'Compute everything in one job instead: group by the value you loop over ' +
        '(groupBy(key).agg(...) / one pivot), or build the per-iteration frames, union them and run one action';
      ctx.report({
        start: (name ?? action.call).startIndex,
        end: action.call.endIndex,
        message: cache
          ? `${action.method}() inside a Python ${kind}: every iteration launches a separate Spark job. The frame is cached (or checkpointed) ` +
            'before the loop, so each job reads the cache rather than the sources, but it still scans the whole cached ' +
            `frame and redoes the steps after it once per iteration, so the cost grows with the number of iterations. ${oneJob}.`
          : `${action.method}() inside a Python ${kind}: every iteration launches a separate Spark job that recomputes this ` +
            "DataFrame's whole lineage (re-reading its sources, redoing joins and shuffles), so the cost grows with the " +
            `number of iterations. ${oneJob}; if the loop must stay, cache() the frame it reuses.`,
        related: cache ? [loopHeader(loop), { start: cache.startIndex, end: cache.endIndex, message: 'cached before the loop here' }] : [loopHeader(loop)],
      });
    }
  },
};
