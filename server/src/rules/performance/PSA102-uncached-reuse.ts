import { isDynamicFrame } from '../../spark/glue';
import type { Fix, RelatedLocation } from '../../findings';
import { insertAfterStatement, ownsItsLines } from '../../fixes/edits';
import { filterLineage, findInLineage } from '../../model/lineage';
import { isAncestorFrame, type DataFrameModel, type Frame, type LocalCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { sameNode } from '../../parsing/syntax';
import { checkpointed } from '../../spark/frames';
import { assignedOnlyForReporting, reportingCallOf } from '../helpers/reporting';
import { emptinessCheckOf } from '../helpers/emptiness';
import { repeatingConstructAround, SCOPE_BOUNDARIES } from '../helpers/loops';
import { insideAssert } from '../helpers/fewRows';
import type { Rule, RuleContext } from '../rule';
import { cacheStatement } from '../../templates';
import { fabricated } from '../helpers/fabricated';
import { groupBy, perModel } from '../helpers/scopeIndex';
import { writtenOnDriver } from '../helpers/driverWrittenFiles';
import { isPlaceholderPath } from '../helpers/templateValues';

/**
 * Actions that compute the whole frame. first/take/head/show/isEmpty stop after a few rows, so
 * caching a frame for them would usually cost more than it saves.
 */
const FULL_ACTIONS = new Set(['count', 'collect', 'toPandas', 'foreach', 'foreachPartition', 'toLocalIterator', 'tail']);
const CACHING = new Set(['cache', 'persist', 'checkpoint', 'localCheckpoint']);
/** Operations worth not repeating: shuffles and joins (a re-read with a filter is cheap next to a cache). */
const EXPENSIVE = new Set([
  'join',
  'crossJoin',
  'aggregate',
  'agg',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'orderBy',
  'sort',
  'repartition',
  'repartitionByRange',
  'intersect',
  'intersectAll',
  'exceptAll',
  'subtract',
]);
const WINDOWED = /\.over\s*\(/;

/**
 * `if missing: logger.error(df.toPandas()); raise ValueError(...)`: an action in a branch that ends in
 * a raise runs once, when the job is failing anyway, to put the offending rows in the error. It is not
 * a second computation of a run that succeeds, so it does not make the frame reused.
 */
function onRaisingBranch(node: Node): boolean {
  for (let p = node.parent; p && !SCOPE_BOUNDARIES.has(p.type); p = p.parent) {
    if (p.type !== 'block') continue;
    const owner = p.parent?.type;
    if (owner !== 'if_statement' && owner !== 'elif_clause' && owner !== 'else_clause' && owner !== 'except_clause') return false;
    return p.namedChildren.some((s) => s?.type === 'raise_statement');
  }
  return false;
}

/** One computation of a frame: an action, a write, or the materialisation of a cache built from it. */
interface Consumer {
  id: string;
  node: Node;
  label: string;
}

/**
 * Whether a call runs once per iteration (`repeatingConstructAround`), kept per call node: the climb
 * reads only the node's ancestors up to its function, lambda, class or the module, all inside its
 * top-level statement, and a node object reaches a later syntax copy only inside a statement of the
 * same text and subtree (see `perStatement`). Asked for every action and write of the file per
 * analysis, after an edit it now climbs only in the statements the copy made again.
 */
const repeatingCalls = new WeakMap<Node, boolean>();

function repeats(call: Node): boolean {
  let repeating = repeatingCalls.get(call);
  if (repeating === undefined) repeatingCalls.set(call, (repeating = repeatingConstructAround(call) !== undefined));
  return repeating;
}

/** @internal What a call node keeps for `repeats`, if anything (for the tests). */
export function keptRepeats(call: Node): boolean | undefined {
  return repeatingCalls.get(call);
}

function consumers(ctx: RuleContext): { frame: Frame; consumer: Consumer }[] {
  const out: { frame: Frame; consumer: Consumer }[] = [];
  ctx.model.actions.forEach((a, i) => {
    if (!FULL_ACTIONS.has(a.method) || a.frame.streaming === true || repeats(a.call)) return;
    // PSA101 reports monitoring-only actions and PSA104 emptiness tests; both have better fixes than a cache.
    // A count formatted into log text through a decorating helper (to_color_str(f"...")) is log-only too.
    const reach = { throughTextHelpers: true };
    if ((a.method === 'count' || a.method === 'collect') && (reportingCallOf(a.call, reach) || assignedOnlyForReporting(a.call, reach))) return;
    if (emptinessCheckOf(a)) return;
    // `assert df.count() == 42`: a lab's "check your work" cell or a test, not part of the pipeline.
    if (insideAssert(a.call)) return;
    if (onRaisingBranch(a.call)) return;
    out.push({ frame: a.frame, consumer: { id: `a${i}`, node: a.call, label: `${a.method}()` } });
  });
  ctx.model.sinks.forEach((s, i) => {
    if (s.streaming || s.frame.streaming === true || repeats(s.call)) return;
    // A write to `<path_to_output>` or in format `<file_format>` is an API listing's template: it never
    // runs as written, so it computes nothing (training notes reuse one example frame in every listing).
    if ([s.path, s.format].some((v) => v !== undefined && isPlaceholderPath(v))) return;
    out.push({ frame: s.frame, consumer: { id: `s${i}`, node: s.call, label: `write (${s.method})` } });
  });
  return out;
}

/**
 * The frames one lineage walk has seen, by frame id: a frame is seen in the current walk when its
 * mark holds the walk's stamp. One array serves every walk of every analysis (each walk takes the
 * next stamp), so a walk allocates and hashes nothing of its own: `consumersByFrame` walks once per
 * action, write and cache of the file, about 900 walks per analysis at 20k lines (issue 18), each
 * with a set of its own before. The same answers as a set per walk: a stamp is never reused without
 * clearing every mark first. Frame ids are small non-negative integers (the model gives them in
 * blocks of 32 per statement and function, so the largest is about 32 times the number of those); an
 * id that is not one (none is) is kept in a set for the walk instead. @internal Exported for the tests.
 */
export class WalkMarks {
  private marks = new Int32Array(1024);
  private readonly others = new Set<number>();

  /**
   * @param stamp the last stamp taken
   * @param last the stamp after which every mark is cleared and the stamps start again at 1 (the tests take a small one)
   */
  constructor(
    private stamp = 0,
    private readonly last = 0x7ffffffe,
  ) {}

  /** Starts a walk: nothing is seen in it yet. */
  next(): void {
    if (++this.stamp > this.last) {
      this.marks.fill(0);
      this.stamp = 1;
    }
    if (this.others.size) this.others.clear();
  }

  /** Marks the frame id seen in the current walk; false when it already was. */
  mark(id: number): boolean {
    if (!(Number.isInteger(id) && id >= 0 && id < 0x4000000)) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    if (id >= this.marks.length) {
      const grown = new Int32Array(Math.max(id + 1, this.marks.length * 2));
      grown.set(this.marks);
      this.marks = grown;
    }
    if (this.marks[id] === this.stamp) return false;
    this.marks[id] = this.stamp;
    return true;
  }
}

const walkMarks = new WalkMarks();

/**
 * For every frame that `kept` accepts, the computations that run its lineage. A walk up from a
 * consumer stops at a cached frame; the cache itself then counts as one computation of what lies
 * above it. The walk is the same whatever `kept` says; only the frames the check reads (those with a
 * name) get a set: most frames of a chain are unnamed steps, whose sets nothing read (issue 18).
 */
function consumersByFrame(
  all: readonly { frame: Frame; consumer: Consumer }[],
  blocked: (f: Frame) => boolean,
  materializedBy: (f: Frame) => string,
  kept: (f: Frame) => boolean,
): Map<number, Map<string, Consumer>> {
  const byFrame = new Map<number, Map<string, Consumer>>();
  const cachesUsed = new Set<number>();
  const queue: { start: Frame[]; consumer: Consumer }[] = all.map((c) => ({ start: [c.frame], consumer: c.consumer }));
  for (let q = 0; q < queue.length && q < 100_000; q++) {
    const { start, consumer } = queue[q];
    walkMarks.next();
    const stack = [...start];
    while (stack.length) {
      const f = stack.pop()!;
      if (!walkMarks.mark(f.id)) continue;
      // `limit(0)` is planned as an empty relation: its consumer computes nothing of the lineage above.
      if (f.empty) continue;
      let set = byFrame.get(f.id);
      if (!set && kept(f)) byFrame.set(f.id, (set = new Map()));
      set?.set(consumer.id, consumer);
      if (blocked(f)) {
        if (!cachesUsed.has(f.id)) {
          cachesUsed.add(f.id);
          queue.push({ start: f.parents, consumer: { id: `c${f.id}`, node: f.node, label: `${materializedBy(f)}()` } });
        }
        continue;
      }
      stack.push(...f.parents);
    }
  }
  return byFrame;
}

/** True when at most one of `a` and `b` can run: different branches of one if/try/match/conditional expression. */
function mutuallyExclusive(a: Node, b: Node): boolean {
  const pathOf = (n: Node): Node[] => {
    const path: Node[] = [];
    for (let p: Node | null = n; p; p = p.parent) path.push(p);
    return path.reverse();
  };
  const pa = pathOf(a);
  const pb = pathOf(b);
  let i = 0;
  while (i < pa.length && i < pb.length && sameNode(pa[i], pb[i])) i++;
  const common = pa[i - 1];
  const ca = pa[i];
  const cb = pb[i];
  if (!common || !ca || !cb) return false;
  switch (common.type) {
    case 'if_statement': {
      const cond = common.childForFieldName('condition');
      return !sameNode(ca, cond) && !sameNode(cb, cond);
    }
    case 'conditional_expression': {
      const cond = common.namedChildren[1];
      return !sameNode(ca, cond) && !sameNode(cb, cond);
    }
    case 'try_statement':
      return ca.type === 'except_clause' || cb.type === 'except_clause';
    case 'match_statement':
    case 'block':
      return ca.type === 'case_clause' && cb.type === 'case_clause';
    default:
      return false;
  }
}

function independentPair(list: Consumer[]): [Consumer, Consumer] | undefined {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      if (sameNode(list[i].node, list[j].node)) continue;
      if (!mutuallyExclusive(list[i].node, list[j].node)) return [list[i], list[j]];
    }
  }
  return undefined;
}

/** How many of the computations can run in one execution (at most one branch of each if/try counts). */
function runTogether(list: Consumer[]): number {
  const picked: Consumer[] = [];
  for (const c of [...list].sort((a, b) => a.node.startIndex - b.node.startIndex)) {
    if (picked.every((p) => !sameNode(p.node, c.node) && !mutuallyExclusive(p.node, c.node))) picked.push(c);
  }
  return picked.length;
}

/**
 * The function whose analysis made `frame`, when the same frame is what several calls of it
 * returned (calls with the same arguments share one analysis: a helper applied to six frames the
 * model cannot read, a helper called again with the same inputs). At run time each call builds its
 * own DataFrame, so caching the one bound at the first call would serve none of the others.
 */
function sharedHelper(ctx: RuleContext, frame: Frame): Node | undefined {
  const made = frame.scope;
  if (!made) return undefined;
  const byDef = localCallsByDef(ctx.model);
  let shared: Node | undefined;
  // Only the calls of a function whose definition holds `made` can count: the nodes holding it, not
  // every local call of the file per candidate frame (issue 18). Which def is found does not depend
  // on the order they are read in: the outermost (the first by start) with two call sites.
  for (const holder of nodesHolding(made)) {
    const calls = byDef.get(holder.id);
    if (!calls) continue;
    const sites = new Set<number>();
    for (const call of calls) if (isAncestorFrame(frame, call.result)) sites.add(call.site.id);
    // The outermost such function: a frame made inside nested helpers belongs to every one of them.
    if (sites.size >= 2 && (!shared || holder.startIndex <= shared.startIndex)) shared = holder;
  }
  return shared;
}

/** The model's local calls by the id of the def they call, each list in the model's order; once per model. */
const callsByDef = new WeakMap<DataFrameModel, Map<'calls', Map<number, LocalCall[]>>>();

function localCallsByDef(model: DataFrameModel): Map<number, LocalCall[]> {
  return perModel(callsByDef, model, 'calls', () => groupBy(model.localCalls, (call) => call.def.id));
}

/**
 * The nodes whose range holds `node`'s: its ancestors, itself, and its descendants spanning exactly
 * its range (a module that is one def). Sibling nodes do not overlap, so any other node is outside it.
 */
function nodesHolding(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  for (let n: Node | null | undefined = node; n; n = n.children.find((c) => c && c.startIndex === node.startIndex && c.endIndex === node.endIndex)) out.push(n);
  return out;
}

function isExpensive(f: Frame): boolean {
  return (
    EXPENSIVE.has(f.op) ||
    f.source?.format === 'jdbc' ||
    // A foreachBatch frame is not data at rest: every action re-reads the micro-batch from the
    // stream's source and redoes the query's steps before foreachBatch (the Structured Streaming
    // guide's advice for writing one batch to several places is persist, write, unpersist).
    f.source?.kind === 'foreachBatch' ||
    (['withColumn', 'withColumns', 'select', 'selectExpr'].includes(f.op) && WINDOWED.test(f.node.text))
  );
}

function expensiveStep(frame: Frame, blocked: (f: Frame) => boolean): Frame | undefined {
  return findInLineage(frame, isExpensive, blocked);
}

const SORTS = new Set(['orderBy', 'sort']);
/**
 * Where Spark's optimizer removes a sort with no limit below (EliminateSorts, Spark 3.0+): either
 * side of a join, and a distinct (an aggregate with no aggregate function, so nothing depends on
 * row order). Not dropDuplicates: it becomes first() per key, which does.
 */
const SORT_DROPPING = new Set(['join', 'distinct']);
/** Steps the removal looks through between such an operator and the sort: deterministic projections and filters. */
const SORT_TRANSPARENT = new Set(['select', 'selectExpr', 'filter', 'where', 'withColumn', 'withColumns', 'withColumnRenamed', 'drop', 'alias']);
const NONDETERMINISTIC = /\b(rand|randn|uuid|shuffle|monotonically_increasing_id)\s*\(/;

/**
 * `matches = spark.read.table(t).orderBy("cluster")`, shown, then only joined or made distinct: the
 * optimizer drops the sort under the join and the distinct, so none of these computations sorts and
 * a recomputation is a re-read, which a cache does not save. True when every expensive step of
 * the frame's lineage is a sort and every computation reaches those sorts only through a join or a
 * distinct (and deterministic projections and filters between). A write or an action on the sorted
 * frame itself keeps the sort.
 */
function onlyDroppedSorts(frame: Frame, starts: Frame[][], blocked: (f: Frame) => boolean): boolean {
  if (findInLineage(frame, (f) => isExpensive(f) && !SORTS.has(f.op), blocked)) return false;
  for (const start of starts) {
    const stack = start.map((f) => ({ f, dropped: false }));
    const seen = new Set<string>();
    while (stack.length) {
      const { f, dropped } = stack.pop()!;
      const key = `${f.id}:${dropped}`;
      if (seen.has(key) || seen.size > 10_000) continue;
      seen.add(key);
      if (blocked(f)) continue;
      if (SORTS.has(f.op) && !dropped) return false;
      const next = SORT_DROPPING.has(f.op) ? true : dropped && (SORTS.has(f.op) || (SORT_TRANSPARENT.has(f.op) && !NONDETERMINISTIC.test(f.node.text)));
      for (const p of f.parents) stack.push({ f: p, dropped: next });
    }
  }
  return true;
}

/**
 * Derived from a cache()d or persist()ed frame. A checkpoint upstream is not enough: the lineage walk
 * stops at it (see blocked), and a window or join after it still runs once per action.
 */
function cachedUpstream(f: Frame): boolean {
  return !!f.cached && !checkpointed(f);
}

/**
 * What one recomputation of `frame` starts from: the sources it re-reads, and the cached or
 * checkpointed frames where the walk stops (those are read back, not recomputed from their sources).
 */
function inputsOf(frame: Frame, blocked: (f: Frame) => boolean): { sources: boolean; stops: Frame[] } {
  const stops: Frame[] = [];
  let sources = false;
  const seen = new Set<number>();
  const stack = [...frame.parents];
  for (let steps = 0; stack.length && steps < 100_000; steps++) {
    const f = stack.pop()!;
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    if (blocked(f)) stops.push(f);
    else if (!f.parents.length) sources = true;
    else stack.push(...f.parents);
  }
  return { sources, stops };
}

/** "re-runs its whole lineage (re-reading the sources and redoing join())", told truly when a cache or checkpoint cuts it. */
function describeRecomputation(
  ctx: RuleContext,
  c: { frame: Frame; step: Frame },
  blocked: (f: Frame) => boolean,
  materializedBy: (f: Frame) => string,
): string {
  const step = describeStep(c.step);
  // The frame is the read itself: nothing but the query runs again.
  if (c.step === c.frame && !c.frame.parents.length && c.frame.source?.format === 'jdbc') return 'sends its JDBC query to the database again';
  const { sources, stops } = inputsOf(c.frame, blocked);
  if (!stops.length) return `re-runs its whole lineage (re-reading the sources and redoing ${step})`;
  const named = [...new Map(stops.map((f) => [stopName(ctx, f, materializedBy), f])).keys()];
  const shown = named.length <= 3 ? named.join(' and ') : `${named.slice(0, 3).join(', ')} and ${named.length - 3} more`;
  return sources
    ? `re-runs its lineage (re-reading the sources it does not take from ${shown}, and redoing ${step})`
    : `re-runs its lineage from ${shown} on (the sources above ${named.length === 1 ? 'it' : 'them'} are not re-read, but ${step} is redone)`;
}

function stopName(ctx: RuleContext, f: Frame, materializedBy: (f: Frame) => string): string {
  const how = /checkpoint/i.test(materializedBy(f)) ? 'checkpointed' : 'cached';
  const name = ctx.model.definitions.get(f.id)?.name ?? ctx.model.definitions.get(f.parents[0]?.id ?? -1)?.name;
  return name ? `the ${how} '${name}'` : `a ${how} frame`;
}

/**
 * How the file materializes frames, when it does so without cache()/persist(): serverless
 * Databricks rejects those, and a file that checkpoints instead (or says it runs there) should be
 * told to do the same, not to cache.
 */
interface MaterializeStyle {
  /** A comment says the code runs on serverless compute (and nothing caches). */
  serverless: boolean;
  /** The file's own checkpoints, in text order, to point at one: its method and the variable it materialized. */
  checkpoints: { method: string; name?: string; at: number }[];
}

const SERVERLESS_NOTE = /#.*\bserverless\b/i;
const MENTIONS_SERVERLESS = /serverless/i;
/** The Spark calls, not a cache directory (`serverless blocks /root/.cache`). */
const SPARK_MATERIALIZING = /cache\s*\(|persist|checkpoint/i;

function materializeStyle(ctx: RuleContext): MaterializeStyle | undefined {
  const transforms = ctx.model.transforms;
  if (transforms.some((t) => t.method === 'cache' || t.method === 'persist')) return undefined;
  const checkpoints = transforms
    .filter((t) => t.method === 'localCheckpoint' || t.method === 'checkpoint')
    .map((t) => ({ method: t.method, name: ctx.model.definitions.get(t.frame.id)?.name, at: t.call.startIndex }))
    .sort((a, b) => a.at - b.at);
  // Only a note about materializing there counts ("Serverless: localCheckpoint, not .cache()"): a
  // comment on some other serverless limit says nothing of caching. EMR Serverless and other
  // serverless Sparks cache fine.
  // Every line the note test accepts holds `serverless` (any case): without it, no line is split off.
  const serverless =
    MENTIONS_SERVERLESS.test(ctx.text) &&
    ctx.text.split('\n').some((line) => SERVERLESS_NOTE.test(line) && SPARK_MATERIALIZING.test(line) && !/\bemr\b|glue|synapse|dataproc/i.test(line));
  return serverless || checkpoints.length ? { serverless, checkpoints } : undefined;
}

/** The checkpoint nearest above `at` (the one the reader has just seen), else the first. */
function materializeAdvice(v: string, style: MaterializeStyle, at: number): string {
  const ex = style.checkpoints.filter((c) => c.at < at).pop() ?? style.checkpoints[0];
  const like = ex?.name ? ` as the file does for '${ex.name}'` : '';
  if (style.serverless) {
    return (
      `cache() and persist() are not supported on Databricks serverless compute, as a comment in this file notes: materialize it once before the first use, ` +
      `by writing it to a table and reading that back, or with ${v} = ${v}.localCheckpoint(eager=True)${ex?.method === 'localCheckpoint' ? like : ''} (not fault-tolerant: a lost executor fails the job).`
    );
  }
  return `Materialize it once before the first use${like} (${v} = ${v}.${ex!.method}(eager=True)), or cache it (${v} = ${v}.cache()) and call ${v}.unpersist() after the last one.`;
}

function describeStep(f: Frame): string {
  if (f.source?.format === 'jdbc') return 'a JDBC read';
  if (f.source?.kind === 'foreachBatch') return "the streaming query's steps for this micro-batch";
  if (f.op === 'aggregate' || f.op === 'agg') return 'an aggregation';
  if (['withColumn', 'withColumns', 'select', 'selectExpr'].includes(f.op)) return 'a window function';
  return `${f.op}()`;
}

export const uncachedReuse: Rule = {
  code: 'PSA102',
  name: 'uncached-reuse',
  summary: 'A DataFrame with joins/aggregations used by two or more actions or writes without cache(): computed twice.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const cachedInPlace = new Map(ctx.model.transforms.filter((t) => t.method === 'cache' || t.method === 'persist').map((t) => [t.frame.id, t.method]));
    const blocked = (f: Frame) => CACHING.has(f.op) || cachedInPlace.has(f.id);
    const materializedBy = (f: Frame) => (CACHING.has(f.op) ? f.op : (cachedInPlace.get(f.id) ?? 'cache'));
    // Found once: each action's tests climb its ancestors (twice per check before).
    const all = consumers(ctx);
    // Only a frame with a name (a definition, or a micro-batch parameter) can be a candidate below.
    const named = (f: Frame) => ctx.model.definitions.get(f.id) !== undefined || batchParameter(f) !== undefined;
    const byFrame = consumersByFrame(all, blocked, materializedBy, named);
    // Where each computation starts its walk up the lineage: its frame, or a cache's parents. Made
    // when a sort is first judged: only a candidate whose expensive step is a sort reads them.
    let startsMade: Map<string, Frame[]> | undefined;
    const starts = () => {
      if (startsMade) return startsMade;
      startsMade = new Map<string, Frame[]>(all.map((c) => [c.consumer.id, [c.frame]]));
      for (const f of ctx.model.frames) if (blocked(f)) startsMade.set(`c${f.id}`, f.parents);
      return startsMade;
    };
    const style = materializeStyle(ctx);
    const candidates: { frame: Frame; name: string; statement: Node; consumers: Consumer[]; step: Frame }[] = [];
    for (const frame of ctx.model.frames) {
      // The computations first: most frames have no set (unnamed) or one computation.
      let used = byFrame.get(frame.id);
      if (!used || used.size < 2) continue;
      const def = ctx.model.definitions.get(frame.id) ?? batchParameter(frame);
      if (!def) continue;
      // A helper's frame that stands for the results of several of its calls: only the helper's own
      // uses are uses of one DataFrame; each caller's write or count runs the lineage of its own call.
      const helper = sharedHelper(ctx, frame);
      if (helper) {
        used = new Map([...used].filter(([, c]) => c.node.startIndex >= helper.startIndex && c.node.endIndex <= helper.endIndex));
        if (used.size < 2) continue;
      }
      // Rows built on the driver (a literal list, a pandas frame) cost nothing to recompute; a read
      // is what a cache would save only when something expensive follows it, except a micro-batch.
      const batch = frame.source?.kind === 'foreachBatch';
      // A bare JDBC read is the exception among sources: each computation sends the query to the
      // database again (and may see other rows), where a file re-read is what a cache would only copy.
      const queried = frame.source?.format === 'jdbc';
      if (
        blocked(frame) ||
        cachedUpstream(frame) ||
        frame.streaming === true ||
        (frame.parents.length === 0 && !batch && !queried) ||
        builtOnDriver(ctx, frame)
      )
        continue;
      // Rows fabricated with spark.range (a lab's data generator): recomputing them reads nothing.
      if (fabricated(frame)) continue;
      if (repeatingConstructAround(def.statement)) continue;
      // Tests and generators rebuild small fixtures; an exploratory notebook that only looks at a frame
      // (counts, shows) is looking, not running a pipeline: only a write makes the recomputation a cost.
      // (Checked here as well as by the registry's quietIn: a test-code frame must not be a candidate
      // that hides a shallower one below.)
      if (ctx.code.isTestOrGenerator(def.statement)) continue;
      if (ctx.code.isExploratory(def.statement) && ![...used.values()].some((c) => c.id.startsWith('s'))) continue;
      // An exploratory script reads and writes only files on the machine running it (that is how it is
      // told from a job): a frame written twice there is an example's local output, not a pipeline's cost.
      if (ctx.code.at(def.statement).kind === 'exploration') continue;
      const step = expensiveStep(frame, blocked);
      if (!step) continue;
      if (SORTS.has(step.op)) {
        const from = [...used.keys()].map((id) => starts().get(id));
        if (from.every((f) => f !== undefined) && onlyDroppedSorts(frame, from, blocked)) continue;
      }
      candidates.push({ frame, name: def.name, statement: def.statement, consumers: [...used.values()], step });
    }
    // Computations are compared by the call that runs them: a helper analysed once per call site
    // gives one action node several consumers, which are still one line of code to cache for.
    // Each candidate's set made once, not once per pair of candidates.
    const nodeSets = new Map(candidates.map((c) => [c, new Set(c.consumers.map((x) => x.node.startIndex))]));
    const nodesOf = (c: (typeof candidates)[number]) => nodeSets.get(c)!;
    // The two tests below compare a candidate only with the candidates that can pass them: those with
    // the same computations (keyed by their sorted offsets: equal keys, equal sets) and those with the
    // same expensive step. Both tests are pure, so which candidates are asked first does not matter;
    // every pair of candidates was compared before (issue 18: hundreds of candidates in a long file).
    const sameComputations = groupBy(candidates, (c) => [...nodesOf(c)].sort((a, b) => a - b).join(','));
    const sameStep = groupBy(candidates, (c) => c.step);
    const withComputations = new Map<(typeof candidates)[number], (typeof candidates)[number][]>();
    for (const group of sameComputations.values()) for (const c of group) withComputations.set(c, group);
    for (const c of candidates) {
      const pair = independentPair(c.consumers);
      if (!pair) continue;
      const mine = nodesOf(c);
      // A variable further down the same lineage, feeding exactly the same computations, is the better place to cache.
      const deeper = withComputations.get(c)!.some((d) => d !== c && isAncestorFrame(c.frame, d.frame));
      if (deeper) continue;
      // One chain, one finding: a frame derived with only cheap steps from a frame above it that
      // feeds these computations and more is covered by that one (caching it saves the same
      // expensive step for every computation); `joined` is reported, not also `joined.select(...)`.
      const covered = sameStep.get(c.step)!.some((d) => {
        if (d === c || !isAncestorFrame(d.frame, c.frame)) return false;
        const theirs = nodesOf(d);
        return theirs.size > mine.size && [...mine].every((n) => theirs.has(n));
      });
      if (covered) continue;
      const v = c.name;
      const assignment = c.statement.namedChildren[0];
      const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
      const at = left?.type === 'identifier' && left.text === v ? left : c.statement;
      const related: RelatedLocation[] = c.consumers
        .slice()
        .sort((a, b) => a.node.startIndex - b.node.startIndex)
        .map((x) => ({ start: x.node.startIndex, end: x.node.endIndex, message: `'${v}' is computed again by this ${x.label}` }));
      const times = runTogether(c.consumers);
      ctx.report({
        node: at,
        message:
          `'${v}' is computed ${times} times: each of its actions/writes ${describeRecomputation(ctx, c, blocked, materializedBy)} because nothing caches it. ` +
          (isDynamicFrame(c.frame)
            ? `A DynamicFrame has no cache(): convert it once (${v}_df = ${v}.toDF().cache()), build the writes from that DataFrame (DynamicFrame.fromDF for Glue writers) and unpersist it after the last one.`
            : findInLineage(c.frame, (f) => f.source?.kind === 'foreachBatch')
              ? `Persist it before the first use (${v}.persist()) and call ${v}.unpersist() after the last one, so each micro-batch releases it.`
              : style
                ? materializeAdvice(v, style, c.statement.startIndex)
                : `Cache it once before the first use (${v} = ${v}.cache()) and call ${v}.unpersist() after the last one.`),
        related,
        // On serverless a cache() fix would fail the job: the advice is the fix there.
        fixes: style?.serverless ? [] : fixFor(ctx, c.statement, v, c.consumers, c.frame),
      });
    }
  },
};

/**
 * Few rows that come from the driver: literal rows, `range(n)`, a parallelized list, a file this
 * script wrote from the driver and reads back (writtenOnDriver), and what is derived from only those.
 * A frame made small by its own steps (`limit(10)` after a sort, a global aggregate) over a real read
 * is not: each use reruns the read and the steps before the limit, so it is as much a candidate as
 * any other (and the better place to cache than a frame above it).
 */
function builtOnDriver(ctx: RuleContext, frame: Frame): boolean {
  const roots = filterLineage(frame, (f) => f.parents.length === 0);
  if (frame.bounded && roots.every((root) => root.bounded)) return true;
  return roots.length > 0 && roots.every((root) => root.bounded || writtenOnDriver(ctx, root));
}

/** `def upsert(batch_df, epoch_id)`: the micro-batch parameter, named where a variable would be. */
function batchParameter(frame: Frame): { name: string; statement: Node } | undefined {
  if (frame.source?.kind !== 'foreachBatch' || frame.parents.length) return undefined;
  const name = frame.node.type === 'identifier' ? frame.node : frame.node.namedChildren.find((c) => c?.type === 'identifier');
  return name ? { name: name.text, statement: name } : undefined;
}

function fixFor(ctx: RuleContext, statement: Node, v: string, used: Consumer[], frame: Frame): Fix[] {
  // In a foreachBatch function a cache() with no unpersist() pins one more copy per micro-batch
  // (PSA115): where the unpersist() goes depends on the function's exits, so no fix is offered.
  if (findInLineage(frame, (f) => f.source?.kind === 'foreachBatch')) return [];
  // A Glue DynamicFrame has no cache(): its DataFrame (toDF()) would have to be cached and used instead.
  if (isDynamicFrame(frame)) return [];
  if (!ownsItsLines(ctx.text, statement) || used.some((u) => u.node.startIndex < statement.endIndex)) return [];
  if (!statement.parent || !['block', 'module'].includes(statement.parent.type)) return [];
  return [
    {
      title: `Cache '${v}' after its definition`,
      edits: [insertAfterStatement(ctx.text, statement, [cacheStatement(v)])],
      applicability: 'safe',
      preferred: true,
    },
  ];
}
