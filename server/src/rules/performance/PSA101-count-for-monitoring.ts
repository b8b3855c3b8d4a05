import type { Fix } from '../../findings';
import { deleteStatement, insertAfterStatement, ownsItsLines, planImports } from '../../fixes/edits';
import { isAncestorFrame, type ActionUse, type DataFrameModel, type Frame, type SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, sameNode, enclosingStatement, eolOf, escapeRegExp, indentAt, literalString, unwrapParens } from '../../parsing/syntax';
import { cacheStatement, observationTemplate } from '../../templates';
import { related, type Rule, type RuleContext } from '../rule';
import { boundedThroughViews, insideAssert, isBareColumnarRead, tempViewNames } from '../helpers/fewRows';
import { findInLineage } from '../../model/lineage';
import { assignedOnlyForReporting, isReportingCall, reportingCallOf } from '../helpers/reporting';
import { pythonStepInLineage } from '../helpers/pythonCode';
import { isDynamicFrame } from '../../spark/glue';
import { nodesInScope, perModel } from '../helpers/scopeIndex';
import { fabricated } from '../helpers/fabricated';
import { cachedByHelper } from '../helpers/cachedByHelper';
import { sinksInScope } from '../helpers/sinksByScope';
import { TEMP_VIEW_METHODS } from '../../spark/tempViews';
import { countedFromFooters, lineageWithoutShuffle } from '../helpers/actionCost';
import { callsNamed } from '../helpers/callIndex';

const MONITORED_ACTIONS = new Set(['count', 'collect', 'first', 'take', 'head']);
/** Actions that fetch a few rows rather than all of them. */
const ROW_FETCHES = new Set(['first', 'take', 'head']);

export const countForMonitoring: Rule = {
  code: 'PSA101',
  name: 'count-for-monitoring',
  summary:
    'An action (count/collect/first/take) whose result only feeds logging or metrics, on a frame the job also writes, returns or counts again: a full extra Spark job per call.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const reportedInHelpers = new Set<number>();
    for (const action of ctx.model.actions) {
      if (!MONITORED_ACTIONS.has(action.method)) continue;
      // A count on a streaming frame fails outright; a cached frame is computed once anyway.
      if (action.frame.streaming !== false || isCachedAt(action)) continue;
      // Rows built on the driver are cheap to count (tests and generators: the registry's quietIn),
      // also when queried back through a temp view.
      if (action.frame.bounded || boundedThroughViews(ctx, action.frame)) continue;
      // Rows fabricated with spark.range: counting them again regenerates them, nothing is re-read.
      if (fabricated(action.frame)) continue;
      const reporting = reportingCallOf(action.call);
      if (!reporting && !assignedOnlyForReporting(action.call)) continue;
      // A count of a bare Parquet/Delta/ORC/Iceberg read or a table is answered from footers, the log or the manifests: cheap.
      // So is one of a union of such reads with only column steps on top (the count prunes them).
      if (isBareColumnarRead(action.frame) || (action.method === 'count' && countedFromFooters(action.frame))) continue;
      // first()/head()/take(n) over a lineage with no shuffle is a LIMIT job: Spark reads partitions
      // until it has the rows, so nothing is computed twice that is worth caching for.
      if (ROW_FETCHES.has(action.method) && lineageWithoutShuffle(action.frame, tempViewNames(ctx.model))) continue;
      if (timedOnPurpose(ctx, action)) continue;
      // Cached through a helper it was handed to above (this file's, or one the project imports).
      if (cachedByHelper(ctx, action)) continue;
      // A book or course example that shows the frame and prints its schema and its count: the three
      // together are the example's output (what the reader is meant to see), not a job's monitoring.
      // Nobody monitors a schema: printSchema() beside the rows is what marks the inspection.
      if (reporting && ctx.code.teaching && !ctx.code.notebooksAreJobs && inspectedInScope(ctx, action)) continue;
      // `dyf.toDF().count()`: the rows of the DynamicFrame, which the job writes as such.
      const counted =
        action.frame.op === 'toDF' && action.frame.parents.length === 1 && isDynamicFrame(action.frame.parents[0]) ? action.frame.parents[0] : action.frame;
      // The first sink of the action's scope (grouped once per model) that writes the counted lineage.
      const sink = action.scope ? sinksInScope(ctx.model, action.scope).find((s) => isAncestorFrame(counted, s.frame)) : undefined;
      // The cost is the lineage computed twice: by the write, by the caller the frame is returned to,
      // or by another action. Without any of these the count may be the point (a notebook cell's output).
      const escape = sink ? undefined : escapesScope(ctx, action);
      // A script that writes nothing is a report: its printed counts are its output. So is a function
      // of a job that only prints what its own reads come to (a diagnostic routine beside the job).
      // An action that computes the counted frame itself is named first: it is what a cache would save.
      const again =
        sink || escape || ctx.code.isExploratory(action.call) || !ctx.model.sinks.length || reportOnlyFunction(ctx, action)
          ? undefined
          : (otherActionOnLineage(ctx, action, true) ?? otherActionOnLineage(ctx, action));
      if (!sink && !escape && !again) {
        const helper = helperCalledBeforeWrite(ctx, action);
        if (helper && !reportedInHelpers.has(action.call.id)) {
          reportedInHelpers.add(action.call.id);
          reportHelperCount(ctx, action, helper);
        }
        continue;
      }
      // In an exploratory notebook a count printed in one cell and a write or view in a later one is
      // how notebooks are run, a cell at a time: the count is that cell's output. It is a cost when
      // the same cell recomputes the frame, or when the lineage runs Python per row (a UDF, applyInPandas).
      const recompute = sink?.call ?? escape?.node;
      if (
        recompute &&
        ctx.code.at(action.call).kind === 'notebook' &&
        !recomputedInCell(ctx, action, sink ? undefined : escape, recompute) &&
        !pythonStepInLineage(ctx.model, action.frame)
      )
        continue;
      // The other action only shares an ancestor with the counted frame (sibling filters of one read,
      // each counted): caching the counted frame saves nothing, nothing reads its rows again.
      const sharedOnly = !!again && again.frame !== action.frame && !isAncestorFrame(action.frame, again.frame);
      const what = action.method === 'count' ? 'count()' : `${action.method}()`;
      const cost = sink
        ? sink.call.startIndex > action.call.startIndex
          ? ', and the write below computes it again.'
          : ' after the write above already computed it.'
        : escape
          ? `, and ${escape.how} computes it again.`
          : ', and another action on the same lineage computes it again.';
      ctx.report({
        node: action.call,
        message:
          `${what} here only feeds logging/metrics: it runs the whole lineage of this DataFrame as a separate Spark job` +
          cost +
          (isDynamicFrame(counted)
            ? ' A DynamicFrame cannot be cached: convert it once (df = dyf.toDF().cache()) and count and write that, or log a figure the job already computes.'
            : sharedOnly
              ? action.method === 'count'
                ? ' Compute such figures together in one aggregation (agg(sum(when(...))) over the frame they share), or cache() that frame first.'
                : ' Cache the frame they share first, or log something the job already computed.'
              : action.method === 'count'
                ? ' Collect the count while writing with DataFrame.observe(Observation(...)), or cache() the frame first.'
                : ' Cache the frame first, or log something the job already computed.'),
        related: sink
          ? [related(sink.call, 'the frame is computed again by this write')]
          : escape
            ? [related(escape.node, `the frame is computed again by ${escape.how}`)]
            : again
              ? [related(again.call, 'another action on the same lineage')]
              : [],
        // A DynamicFrame has neither cache() nor observe(): no edit applies to it; nor does caching a
        // frame no other action reads (sharedOnly).
        fixes: isDynamicFrame(counted) || sharedOnly ? [] : fixesFor(ctx, action, reporting, sink),
        why:
          `its result only feeds ${reporting ? 'a print or log call' : 'a value used only in logging'}, the frame is not cached, and ` +
          (sink
            ? `the ${sink.method}() ${sink.call.startIndex > action.call.startIndex ? 'below' : 'above'} computes the same lineage`
            : escape
              ? `${escape.how} computes the same lineage`
              : `this job also runs ${again!.method}() on the same lineage`),
      });
    }
  },
};

interface HelperUse {
  /** The call of the helper in the function that writes the frame. */
  call: Node;
  sink: SinkInfo;
  name: string;
}

/**
 * `def log_rows(df): print(df.count())`, called by a job that then writes `df`: the count runs in
 * the helper, the recomputation in its caller. Only a helper that does nothing but report (its
 * statements print, log or keep a value for them), counting the very frame it was handed.
 */
function helperCalledBeforeWrite(ctx: RuleContext, action: ActionUse): HelperUse | undefined {
  const def = action.scope;
  // The caller cached the frame (anywhere: the helper's text may sit above the cache): the write reads the cache.
  if (def.type !== 'function_definition' || sameNode(action.frame.scope, def) || action.frame.cached) return undefined;
  const name = def.childForFieldName('name')?.text;
  if (!name || !onlyReports(def)) return undefined;
  for (const sink of ctx.model.sinks) {
    if (sink.streaming || sameNode(sink.scope, def) || !isAncestorFrame(action.frame, sink.frame)) continue;
    const caller = sink.scope;
    for (const call of nodesInScope(ctx.model, 'call', caller)) {
      const parts = callParts(call);
      if (parts?.name !== name || parts.object) continue;
      const handsFrame = [...parts.args, ...parts.keywords.values()].some((a) => ctx.model.frameRefs.get(unwrapParens(a).startIndex)?.frame === action.frame);
      if (!handsFrame) continue;
      // A notebook run a cell at a time: the helper's printed count is that cell's output, unless the cell also writes.
      if (ctx.code.at(call).kind === 'notebook' && !ctx.code.sameCell(call.startIndex, sink.call.startIndex)) continue;
      return { call, sink, name };
    }
  }
  return undefined;
}

/** Every statement of the function reports: a print or log call, a value kept only for one, a bare return. */
function onlyReports(def: Node): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  let statements = 0;
  for (const stmt of body.namedChildren) {
    if (!stmt || stmt.type === 'comment') continue;
    statements++;
    if (stmt.type === 'return_statement' && !stmt.namedChildren.some((c) => c && c.type !== 'comment')) continue;
    if (stmt.type !== 'expression_statement') return false;
    const expr = stmt.namedChildren[0];
    if (!expr) return false;
    // A docstring.
    if (expr.type === 'string' && statements === 1) continue;
    if (expr.type === 'call' && isReportingCall(expr)) continue;
    if (expr.type === 'assignment') {
      const right = expr.childForFieldName('right');
      const value = right && unwrapParens(right);
      if (value?.type === 'call' && assignedOnlyForReporting(value)) continue;
    }
    return false;
  }
  return statements > 0;
}

function reportHelperCount(ctx: RuleContext, action: ActionUse, helper: HelperUse): void {
  const what = action.method === 'count' ? 'count()' : `${action.method}()`;
  ctx.report({
    node: action.call,
    message:
      `${what} in ${helper.name}() only feeds logging/metrics: it runs the whole lineage of the DataFrame its caller hands it as a separate Spark job, ` +
      `and the caller's write computes it again.` +
      (action.method === 'count'
        ? ' Collect the count while writing with DataFrame.observe(Observation(...)), or cache() the frame in the caller first.'
        : ' Cache the frame in the caller first, or log something the job already computed.'),
    related: [related(helper.call, `${helper.name}() is called here with the frame`), related(helper.sink.call, 'the frame is computed again by this write')],
    why: `${helper.name}() only prints or logs, the frame it counts is its caller's, not cached, and the caller's ${helper.sink.method}() computes the same lineage`,
  });
}

/** Cached before this action: `df = df.cache()` upstream or `df.cache()` on a line above. */
function isCachedAt(action: ActionUse): boolean {
  const cached = action.frame.cached;
  return !!cached && cached.startIndex < action.call.startIndex;
}

/** The frame itself is shown (`show()`) and its schema printed (`printSchema()`) in the same function or top level. */
function inspectedInScope(ctx: RuleContext, action: ActionUse): boolean {
  const same = (frame: Frame, scope: Node) => frame === action.frame && sameNode(scope, action.scope);
  return (
    ctx.model.actions.some((a) => a.method === 'show' && same(a.frame, a.scope)) &&
    ctx.model.transforms.some((t) => t.method === 'printSchema' && same(t.frame, t.scope))
  );
}

const CLOCK = /\b(time\.(time|perf_counter|monotonic)|perf_counter|monotonic|timeit\.default_timer|datetime\.now)\s*\(/;

/**
 * Timing a query is a benchmark: `start = time.time(); n = df.count(); print(time.time() - start)`.
 * The frame may be built between the clock and the action (`start = time.time(); df =
 * spark.read.csv(p); n = df.count(); elapsed = time.time() - start`): what is timed is still this one
 * job. Any other statement in between (another action, a transform of another frame) makes the clock
 * a stage's timer, and the count that stage's log line.
 */
function timedOnPurpose(ctx: RuleContext, action: ActionUse): boolean {
  const stmt = enclosingStatement(action.call);
  if (!stmt) return false;
  const after = stmt.nextNamedSibling;
  if (CLOCK.test(stmt.text)) return true;
  if (!after || !CLOCK.test(after.text)) return false;
  let before = stmt.previousNamedSibling;
  for (let steps = 0; before && steps < 10 && !CLOCK.test(before.text); steps++) {
    if (!buildsCountedFrame(ctx, before, action.frame)) return false;
    before = before.previousNamedSibling;
  }
  return !!before && CLOCK.test(before.text);
}

/** `df = <frame expression>` building a frame the counted one derives from (or is), with no action in it. */
function buildsCountedFrame(ctx: RuleContext, stmt: Node, counted: Frame): boolean {
  const assignment = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.type !== 'identifier') return false;
  const inside = (node: Node) => node.startIndex >= stmt.startIndex && node.endIndex <= stmt.endIndex;
  return findInLineage(counted, (f) => inside(f.node)) !== undefined && !ctx.model.actions.some((a) => inside(a.call));
}

const HANDS_TO_WRITER =
  /^(write|save|upsert|merge|insert|load|publish|export|sink)(_\w*)?$|_(write|save|upsert|merge|insert|load|publish|export)$|^(write|save|upsert|merge|insert|load)[A-Z]/;
/** Where the counted frame leaves its scope: the call (or return) and, for a temp view, the view's name when written out. */
interface Escape {
  node: Node;
  how: string;
  view?: string;
}

/**
 * Whether the notebook cell of the count also computes the frame again. A write or a return is that
 * computation. Registering a temp view computes nothing: a query on the view does, so the count's
 * cell recomputes the frame only when it also reads the view (`spark.sql("... FROM v")`,
 * `spark.table("v")`). A view whose name is not written out is taken at its registration, as before.
 */
function recomputedInCell(ctx: RuleContext, action: ActionUse, escape: Escape | undefined, recompute: Node): boolean {
  const view = escape?.view;
  if (view === undefined || !/^\w+$/.test(view)) return ctx.code.sameCell(action.call.startIndex, recompute.startIndex);
  const named = new RegExp(`(^|[^\\w.])${escapeRegExp(view)}([^\\w]|$)`, 'i');
  return ctx.model.frames.some((f) => {
    const s = f.source;
    if (!s) return false;
    const reads = s.kind === 'table' ? s.table?.toLowerCase() === view.toLowerCase() : s.kind === 'sql' && !!s.query && named.test(s.query);
    return reads && s.node.startIndex > recompute.endIndex && ctx.code.sameCell(action.call.startIndex, s.node.startIndex);
  });
}

/** The frame (or one derived from it) leaves the function: returned to the caller or registered as a view. */
function escapesScope(ctx: RuleContext, action: ActionUse): Escape | undefined {
  const scope = action.scope;
  const derived = (expr: Node | null | undefined): boolean => {
    if (!expr || describesOnly(expr)) return false;
    const ref = ctx.model.frameRefs.get(unwrapParens(expr).startIndex);
    return !!ref && [ref.frame, ...(ref.others ?? [])].some((f) => isAncestorFrame(action.frame, f));
  };
  if (scope.type === 'function_definition') {
    for (const ret of nodesInScope(ctx.model, 'return_statement', scope)) {
      if (ret.startIndex < action.call.endIndex) continue;
      const value = ret.namedChildren.find((c) => c && c.type !== 'comment');
      if (derived(value) && !returnDiscardedByEveryCall(ctx, scope)) return { node: ret, how: 'the caller it is returned to' };
    }
  }
  for (const call of escapeCallsInScope(ctx, scope)) {
    const parts = callParts(call)!;
    const name = parts.name!;
    if (TEMP_VIEW_METHODS.has(name) && parts.object && derived(parts.object)) {
      return { node: call, how: 'the query on the view it is registered as', view: literalString(parts.args[0]) };
    }
    // Handed to the project's own writer (`writer.write(df, target)`, `save_to_table(df)`) after the count.
    if (call.startIndex > action.call.endIndex && HANDS_TO_WRITER.test(name) && parts.args.some((a) => derived(a))) {
      return { node: call, how: `${name}(), which it is handed to,` };
    }
  }
  return undefined;
}

/**
 * `def verify_written(path): df = spark.read.parquet(path); log(df.count()); return df`, and every call
 * of it in the file is a bare statement (`self.verify_written(path)`): the frame goes back to callers
 * that drop it, so nothing computes it again and the count is the function's whole point (a read-back
 * check). A function the file never calls (a library's, or one another module imports) may be used by
 * anyone, so its return still counts; so does any call of the name whose value is kept, passed or returned.
 */
function returnDiscardedByEveryCall(ctx: RuleContext, def: Node): boolean {
  const name = def.childForFieldName('name')?.text;
  if (!name) return false;
  const calls = callsNamed(ctx.model, name).filter((call) => {
    const parts = callParts(call);
    // `name(...)`, `self.name(...)`, `obj.name(...)`: a call of this function or a method so named.
    return !!parts && parts.name === name && !(call.startIndex >= def.startIndex && call.endIndex <= def.endIndex);
  });
  return calls.length > 0 && calls.every((call) => call.parent?.type === 'expression_statement');
}

/** What a frame tells about itself without running its lineage: its schema, columns, plan and JVM handle. */
const DESCRIPTIONS = new Set(['_jdf', 'schema', 'columns', 'dtypes', 'explain', 'printSchema', 'isStreaming', 'storageLevel']);

/**
 * `df.schema.json()`, `df._jdf.queryExecution().toString()`, `df.columns`: an expression that starts
 * with the frame's name (which is all a frame reference records) but reads only its description, so
 * handing it to a writer or returning it runs no Spark job.
 */
function describesOnly(expr: Node): boolean {
  let node: Node | null = unwrapParens(expr);
  for (let i = 0; node && i < 100; i++) {
    if (node.type === 'call') node = node.childForFieldName('function');
    else if (node.type === 'subscript') node = node.childForFieldName('value');
    else if (node.type === 'attribute') {
      if (DESCRIPTIONS.has(node.childForFieldName('attribute')?.text ?? '')) return true;
      node = node.childForFieldName('object');
    } else return false;
  }
  return false;
}

const escapeCalls = new WeakMap<DataFrameModel, Map<number, Node[]>>();

/** The calls of a scope that could take a frame out of it (a view registered, a writer handed it), in document order. */
function escapeCallsInScope(ctx: RuleContext, scope: Node): Node[] {
  return perModel(escapeCalls, ctx.model, scope.id, () =>
    nodesInScope(ctx.model, 'call', scope).filter((call) => {
      const name = callParts(call)?.name;
      return !!name && (TEMP_VIEW_METHODS.has(name) || HANDS_TO_WRITER.test(name));
    }),
  );
}

/** Calls that put rows on the screen: what a diagnostic routine is for. */
const DISPLAY_CALLS = new Set(['show', 'display', 'printSchema']);

/**
 * The action's function reads the frame itself (every uncached frame of its lineage is built in the
 * function), writes nothing, and lets nothing of the lineage out: no frame of it is returned, kept in
 * a view, or handed to a call other than a print, a log or a display; and every action the function
 * runs on the lineage only reports, shows rows, or decides which of those to do (`if df.count() > 0:
 * df.show()`). Such a function is a diagnostic routine: its printed counts are its output, and no
 * other run of the lineage exists for them to repeat.
 */
function reportOnlyFunction(ctx: RuleContext, action: ActionUse): boolean {
  const scope = action.scope;
  if (scope.type !== 'function_definition') return false;
  if (findInLineage(action.frame, (f) => !f.cached && !f.bounded && !sameNode(f.scope, scope))) return false;
  if (ctx.model.sinks.some((s) => sameNode(s.scope, scope))) return false;
  const ofLineage = (frame: Frame) =>
    frame === action.frame || findInLineage(action.frame, (f) => !f.bounded && !f.cached && isAncestorFrame(f, frame)) !== undefined;
  for (const other of ctx.model.actions) {
    if (!sameNode(other.scope, scope) || !ofLineage(other.frame)) continue;
    if (DISPLAY_CALLS.has(other.method) || reportingCallOf(other.call) || assignedOnlyForReporting(other.call) || decidesWhatToPrint(other.call)) continue;
    return false;
  }
  for (const call of nodesInScope(ctx.model, 'call', scope)) {
    const parts = callParts(call);
    if (!parts || isReportingCall(call) || (parts.name && DISPLAY_CALLS.has(parts.name))) continue;
    // A frame's own method (`df.select(...)`, `a.join(b)`) builds another frame of the lineage.
    if (parts.object && ctx.model.frameRefs.get(unwrapParens(parts.object).startIndex)) continue;
    const handed = [...parts.args, ...parts.keywords.values()].some((a) => {
      const ref = ctx.model.frameRefs.get(unwrapParens(a).startIndex);
      return !!ref && [ref.frame, ...(ref.others ?? [])].some(ofLineage);
    });
    if (handed) return false;
  }
  for (const ret of nodesInScope(ctx.model, 'return_statement', scope)) {
    if (ret.namedChildren.some((c) => c && c.type !== 'comment')) return false;
  }
  return true;
}

/** The action is the test of an `if` whose branches only print, log or show rows. */
function decidesWhatToPrint(call: Node): boolean {
  let n: Node = call;
  for (let i = 0; i < 20 && n.parent; i++) {
    const p: Node = n.parent;
    if (p.type === 'if_statement') {
      if (!sameNode(p.childForFieldName('condition'), n)) return false;
      const blocks = [p.childForFieldName('consequence'), ...p.namedChildren.filter((c) => c?.type === 'else_clause').map((c) => c!.childForFieldName('body'))];
      return p.namedChildren.every((c) => c?.type !== 'elif_clause') && blocks.every((b) => !!b && onlyPrintsOrShows(b));
    }
    if (!['comparison_operator', 'parenthesized_expression', 'not_operator', 'boolean_operator'].includes(p.type)) return false;
    n = p;
  }
  return false;
}

/** Every statement of the block is a print, a log call or a display of rows. */
function onlyPrintsOrShows(block: Node): boolean {
  return block.namedChildren.every((stmt) => {
    if (!stmt || stmt.type === 'comment') return true;
    const expr = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (!expr || expr.type !== 'call') return false;
    const name = callParts(expr)?.name;
    return isReportingCall(expr) || (!!name && DISPLAY_CALLS.has(name));
  });
}

/**
 * Another action in the same scope over an uncached frame this one shares lineage with. With `computesFrame`, only one that computes
 * the counted frame itself (the same frame, or one derived from it), not only an ancestor they share.
 */
function otherActionOnLineage(ctx: RuleContext, action: ActionUse, computesFrame = false): ActionUse | undefined {
  return ctx.model.actions.find((other) => {
    // The same call met again with another frame (a helper called twice) is not another action.
    if (other === action || sameNode(other.call, action.call) || !sameNode(other.scope, action.scope) || isCachedAt(other)) return false;
    // `assert df.count() == 2`: a validation script or a lab's check, whose counts are the point.
    if (insideAssert(other.call)) return false;
    if (other.frame === action.frame) return true;
    // The same test as below, narrowed to the counted frame itself (so never an action the wider test would not find).
    if (computesFrame) return !action.frame.cached && isAncestorFrame(action.frame, other.frame);
    return findInLineage(action.frame, (f) => !f.bounded && !f.cached && isAncestorFrame(f, other.frame)) !== undefined;
  });
}

function fixesFor(ctx: RuleContext, action: ActionUse, reporting: Node | undefined, sink: SinkInfo | undefined): Fix[] {
  const receiver = unwrapParens(action.receiver);
  if (receiver.type !== 'identifier') return [];
  const def = ctx.model.definitions.get(action.frame.id);
  if (!def || def.name !== receiver.text || def.statement.endIndex > action.call.startIndex) return [];
  if (!ownsItsLines(ctx.text, def.statement)) return [];
  const fixes: Fix[] = [];
  const v = def.name;
  if (action.method === 'count' && reporting && sink) {
    const observe = observeFix(ctx, action, reporting, def.statement, sink, v);
    if (observe) fixes.push(observe);
  }
  fixes.push({
    title: `Cache '${v}' before its first action`,
    edits: [insertAfterStatement(ctx.text, def.statement, [cacheStatement(v)])],
    // The same rows, computed once: only memory and time change.
    applicability: 'safe',
    preferred: fixes.length === 0,
  });
  return fixes;
}

/**
 * Counts rows as a side effect of the write: `observe(Observation, count(lit(1)))` after the
 * definition, the count read from the observation after the write (reading it before would block).
 */
function observeFix(ctx: RuleContext, action: ActionUse, reporting: Node, defStatement: Node, sink: SinkInfo, v: string): Fix | undefined {
  const stmt = enclosingStatement(action.call);
  const sinkStmt = enclosingStatement(sink.call);
  if (!stmt || !sinkStmt || !ownsItsLines(ctx.text, stmt) || !ownsItsLines(ctx.text, sinkStmt)) return undefined;
  if (stmt.startIndex < sinkStmt.endIndex && stmt.endIndex > sinkStmt.startIndex) return undefined;
  const moveAfterSink = stmt.startIndex < sinkStmt.startIndex;
  // The write must run before the count is read, every time: in the same block (`Observation.get`
  // waits for a write that a branch may skip).
  if (!sameNode(stmt.parent, sinkStmt.parent)) return undefined;
  if (!writeIsFirstFullAction(ctx, action, defStatement, sink)) return undefined;
  // Moved after the write, the statement must be only the metric, and always reach the write.
  if (moveAfterSink && (!isOnlyCall(stmt, reporting) || exitsBetween(stmt, sinkStmt))) return undefined;
  const imports = planImports(ctx.model, ctx.text, ['Observation']);
  const F = imports.functions;
  // Inside an f-string the subscript must not reuse the string's quote (a SyntaxError before Python 3.12).
  const template = observationTemplate(v, F);
  const replacement = enclosingStringQuote(action.call) === '"' ? template.rowCount.replace(/"/g, "'") : template.rowCount;
  const statementText = ctx.text.slice(stmt.startIndex, action.call.startIndex) + replacement + ctx.text.slice(action.call.endIndex, stmt.endIndex);
  // A second count of the same frame reuses the Observation an earlier fix attached: the frame's
  // definition is then that `v = v.observe(v_observation, ...)` line.
  const observed = new RegExp(`^${escapeRegExp(v)}\\s*=\\s*${escapeRegExp(v)}\\.observe\\(\\s*${escapeRegExp(template.observation)}\\s*,`).test(
    defStatement.text,
  );
  const edits = [...imports.edits, ...(observed ? [] : [insertAfterStatement(ctx.text, defStatement, template.statements)])];
  if (moveAfterSink) {
    edits.push(deleteStatement(ctx.text, stmt));
    const eol = eolOf(ctx.text);
    // After metrics moved there by earlier fixes, so repeated fixes keep the statements' order.
    const anchor = lastMovedMetricAfter(sinkStmt);
    edits.push({ start: anchor.endIndex, end: anchor.endIndex, newText: eol + indentAt(ctx.text, sinkStmt.startIndex) + statementText });
  } else {
    edits.push({ start: action.call.startIndex, end: action.call.endIndex, newText: replacement });
  }
  // The count of the rows the write consumed, which writeIsFirstFullAction makes all of them.
  return { title: `Count '${v}' with DataFrame.observe while it is written`, edits, applicability: 'safe', preferred: true };
}

/** Actions that consume every row of their frame. */
const FULL_ACTIONS = new Set(['count', 'collect', 'toPandas', 'foreach', 'foreachPartition']);
/** Steps after which fewer rows are pulled through the frames upstream than they hold. */
const ROW_DROPPING = new Set(['limit', 'sample', 'tail', 'offset', 'head', 'take']);

/**
 * An Observation records the first action that completes on the observed frame: the count is right
 * only when that action reads every row. True when nothing between the frame's definition and the
 * write runs an action on it (or a frame derived from it) that may stop early (`show`, `take`,
 * `first`, another write of a `limit`), and the write itself reads every row.
 */
function writeIsFirstFullAction(ctx: RuleContext, action: ActionUse, defStatement: Node, sink: SinkInfo): boolean {
  const observed = action.frame;
  const dropsRows = (frame: Frame) => findInLineage(frame, (f) => ROW_DROPPING.has(f.op) && f !== observed && isAncestorFrame(observed, f)) !== undefined;
  if (dropsRows(sink.frame)) return false;
  // Only the actions and writes whose call starts between the definition and the write are read;
  // the answer is the same whatever order they are read in (each may only make it false).
  const { actions, sinks } = callsByStart(ctx.model);
  for (let i = firstStartingAt(actions, defStatement.endIndex); i < actions.length && actions[i].call.startIndex < sink.call.startIndex; i++) {
    const other = actions[i];
    if (other === action || !isAncestorFrame(observed, other.frame)) continue;
    if (!FULL_ACTIONS.has(other.method) || dropsRows(other.frame)) return false;
  }
  for (let i = firstStartingAt(sinks, defStatement.endIndex); i < sinks.length && sinks[i].call.startIndex < sink.call.startIndex; i++) {
    const other = sinks[i];
    if (other === sink || !isAncestorFrame(observed, other.frame)) continue;
    if (other.streaming || dropsRows(other.frame)) return false;
  }
  return true;
}

/**
 * The model's actions and sinks, each sorted by where their call starts (stable: ties keep the
 * model's order), once per model: `writeIsFirstFullAction`, asked per count with an observe fix,
 * read every action and sink of the file for the few between a definition and a write (issue 18).
 */
const byStart = new WeakMap<DataFrameModel, Map<'calls', { actions: ActionUse[]; sinks: SinkInfo[] }>>();

function callsByStart(model: DataFrameModel): { actions: ActionUse[]; sinks: SinkInfo[] } {
  return perModel(byStart, model, 'calls', () => ({
    actions: [...model.actions].sort((a, b) => a.call.startIndex - b.call.startIndex),
    sinks: [...model.sinks].sort((a, b) => a.call.startIndex - b.call.startIndex),
  }));
}

/** The first index of `uses` (sorted by call start) whose call starts at or after `offset`. */
function firstStartingAt(uses: readonly { call: Node }[], offset: number): number {
  let lo = 0;
  let hi = uses.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (uses[mid].call.startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `stmt` is an expression statement holding only `call`. */
function isOnlyCall(stmt: Node, call: Node): boolean {
  const expr = stmt.type === 'expression_statement' ? stmt.namedChildren.filter((c) => c && c.type !== 'comment') : [];
  return expr.length === 1 && !!expr[0] && sameNode(unwrapParens(expr[0]), call);
}

const EXITS = ['return_statement', 'raise_statement', 'break_statement', 'continue_statement'];

/** A statement between `from` and `to` (same block) may leave the block before reaching `to`. */
function exitsBetween(from: Node, to: Node): boolean {
  for (let n = from.nextNamedSibling, i = 0; n && !sameNode(n, to) && i < 10_000; n = n.nextNamedSibling, i++) {
    if (EXITS.includes(n.type) || n.descendantsOfType(EXITS).length) return true;
  }
  return false;
}

/** The quote character of the f-string an expression sits in, if any. */
function enclosingStringQuote(node: Node): string | undefined {
  for (let n = node.parent, i = 0; n && i < 100; n = n.parent, i++) {
    if (n.type === 'string') return /["']/.exec(n.firstChild?.text ?? '')?.[0];
    if (n.type === 'block' || n.type === 'module') return undefined;
  }
  return undefined;
}

/** The sink statement, or the last of the metric statements an observe fix already moved right after it. */
function lastMovedMetricAfter(sinkStmt: Node): Node {
  let anchor = sinkStmt;
  for (let next = sinkStmt.nextNamedSibling, i = 0; next && i < 100; next = next.nextNamedSibling, i++) {
    if (next.type !== 'expression_statement' || !/_observation\.get\[/.test(next.text)) break;
    anchor = next;
  }
  return anchor;
}
