import type { Fix } from '../../findings';
import { isAncestorFrame, streamingSources, type BuilderInfo, type DataFrameModel, type Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { highCardinalityReason } from '../helpers/cardinality';
import { buildsLocalSession } from '../helpers/sessionBinding';
import { sessionSettings } from '../helpers/sessionConf';
import { stoppedSoonAfterStart } from '../helpers/queryLifetime';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamedAny } from '../helpers/callIndex';
import { conditionBound } from '../helpers/joinTimeBound';

export const PROVIDER_KEY = 'spark.sql.streaming.stateStore.providerClass';
const ROCKSDB_PROVIDER = 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider';
/** Arbitrary stateful operators: state per key, as large as the function makes it. */
const ARBITRARY_STATE = new Set(['applyInPandasWithState', 'flatMapGroupsWithState', 'mapGroupsWithState']);
/** The transformWithState family, which runs only on the RocksDB state store. */
const TRANSFORM_WITH_STATE = new Set(['transformWithState', 'transformWithStateInPandas']);
const DEDUP = new Set(['dropDuplicates', 'drop_duplicates', 'dropDuplicatesWithinWatermark']);

interface StatefulOp {
  node: Node;
  input: Frame;
  what: string;
  /** Set when a watermark drops the state: how long event time keeps it, in words. */
  bounded?: string;
  /** transformWithState: Spark refuses to run it on the default store. */
  requiresRocksDb?: boolean;
}

export const statefulQueryWithoutRocksDb: Rule = {
  code: 'PSA216',
  name: 'stateful-query-without-rocksdb',
  summary:
    'A streaming query with large state (aggregation by an id or over sliding windows, stream-stream join, dedup, (apply|flatMap|transform)WithState) in a program that builds its session without the RocksDB state store: state lives on the executor heap. State a watermark drops within a day (a short window, a dedup on the event time, a time-bounded join) is not reported.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const builder = ctx.model.builders[0];
    // Silent when the session is not built here (a notebook's, a shared one): the cluster may set it.
    if (!builder || !confFullyVisible(ctx.model, ctx.text)) return;
    if (sessionSettings(ctx.model, PROVIDER_KEY).length > 0 || /rocksdb/i.test(ctx.text)) return;
    // A session on a local master is a demo or a test: its state is small by construction.
    if (buildsLocalSession(ctx.text)) return;
    const streamingSinks = ctx.model.sinks.filter((s) => s.streaming && !stoppedSoonAfterStart(s));
    const seen = new Set<number>();
    for (const op of statefulOps(ctx.model)) {
      if (seen.has(op.node.id) || ctx.code.isManagedPipeline(op.node)) continue;
      const sink = streamingSinks.find((s) => isAncestorFrame(op.input, s.frame));
      if (!sink && !op.requiresRocksDb) continue;
      seen.add(op.node.id);
      const stream = streamingSources(op.input)[0];
      ctx.report({
        node: op.node,
        severity: op.requiresRocksDb ? 'error' : undefined,
        message: op.requiresRocksDb
          ? `${op.what} runs only on the RocksDB state store. ` +
            `The session built in this program does not set ${PROVIDER_KEY}: on the default (HDFS-backed) store the query fails when it starts (Databricks Runtime ` +
            'below 17.3, Apache Spark 4.x). Set it to RocksDBStateStoreProvider where the session is built.'
          : `${op.what} keeps state on the default store. ` +
            (op.bounded
              ? `The watermark drops that state only ${op.bounded}, so it holds about every key active in a day or more`
              : 'That state lives as long as the query') +
            `, and the session built in this program leaves ${PROVIDER_KEY} at its default: the HDFS-backed store keeps every key on the executor JVM heap (and ` +
            'several versions of it), so as keys grow, garbage-collection pauses stretch micro-batches and executors ' +
            'run out of memory. The RocksDB store keeps state on local disk with a bounded memory footprint: set ' +
            `.config("${PROVIDER_KEY}", "${ROCKSDB_PROVIDER}") on the builder (Spark 3.2+; Databricks Runtime 17.3+ ` +
            'uses it by default), or on the cluster if that is where your team sets it.',
        related: [related(builder.terminal, 'the session is built here'), ...(stream ? [related(stream.node, 'the stream is read here')] : [])],
        fixes: rocksDbFix(builder),
        why: `${op.what}; the session's configuration is in this file and names no state store provider`,
      });
    }
  },
};

/** Every setting of the session is in sight: no computed key, no SparkConf or dict handed over whole. */
function confFullyVisible(model: DataFrameModel, text: string): boolean {
  if (model.confSets.some((c) => c.key === undefined)) return false;
  return !/\.config\(\s*(conf|map)\s*=|\bsetAll\s*\(|\bconfig\(\s*\*\*/.test(text);
}

function statefulOps(model: DataFrameModel): StatefulOp[] {
  const out: StatefulOp[] = [];
  const push = (op: StatefulOp, bound: Bound | undefined) => {
    // State the watermark drops within a day holds the keys of a few hours at most: a day's keys are
    // what the default store struggles with, and that is what "large" means for an unbounded query.
    if (bound && (bound.seconds === undefined || bound.seconds < LONG_STATE_SECONDS)) return;
    out.push(bound ? { ...op, bounded: bound.words } : op);
  };
  for (const a of model.aggregations) {
    if (a.input.streaming !== true) continue;
    if (a.kind === 'join') {
      if (a.other?.streaming === true)
        push({ node: a.methodNode, input: a.input, what: 'A stream-stream join (both sides buffered in state)' }, joinBound(a.input, a.other, a.joinCondition));
      continue;
    }
    if (a.aggMethod && ARBITRARY_STATE.has(a.aggMethod)) {
      out.push({ node: a.methodNode, input: a.input, what: `${a.aggMethod}() (state per group key)` });
      continue;
    }
    const big = largeAggregation(a.keys, a.windowNode);
    if (big) push({ node: a.methodNode, input: a.input, what: `A streaming aggregation ${big}` }, windowBound(a.input, a.windowColumn, a.windowNode));
  }
  for (const t of model.transforms) {
    if (!DEDUP.has(t.method) || t.frame.streaming !== true) continue;
    const bound = dedupBound(t.frame, t.method, t.call);
    const kept =
      bound === 'unbounded'
        ? 'keyed without the watermarked column, every key is kept forever'
        : bound
          ? 'every key seen within the watermark is kept in state'
          : 'with no watermark, every key ever seen is kept in state';
    push({ node: t.methodNode, input: t.frame, what: `${t.method}() on a stream (${kept})` }, bound === 'unbounded' ? undefined : bound);
  }
  for (const call of callsNamedAny(model, TRANSFORM_WITH_STATE)) {
    const parts = call ? callParts(call) : undefined;
    if (!parts?.name || !TRANSFORM_WITH_STATE.has(parts.name) || !parts.object || !parts.nameNode) continue;
    const group = groupingOfStream(model, parts.object);
    if (group) out.push({ node: parts.nameNode, input: group, what: `${parts.name}()`, requiresRocksDb: true });
  }
  return out;
}

/** A watermark that drops the state: after `seconds` of event time (undefined when not readable). */
interface Bound {
  seconds?: number;
  words: string;
}

/** At a day or more of event time, state bounded by the watermark still holds about every active key. */
const LONG_STATE_SECONDS = 86_400;

/** The watermark's delay in seconds: `withWatermark("ts", "2 hours")`. */
function watermarkDelay(frame: Frame): number | undefined {
  const w = frame.watermark ? callParts(unwrapParens(frame.watermark.node)) : undefined;
  return w ? durationSeconds(literalString(w.args[1] ?? w.keywords.get('delayThreshold'))) : undefined;
}

/**
 * A windowed aggregation of a watermarked stream: Spark drops each window's state once the watermark
 * passes the window's end, so state spans the window plus the delay (a session window: its gap).
 * Grouping by a window on another column than the watermark's is not bounded (PSA206's mistake).
 */
function windowBound(input: Frame, windowColumn: string | undefined, windowNode: Node | undefined): Bound | undefined {
  const wm = input.watermark;
  if (!wm || !windowNode) return undefined;
  if (wm.column !== undefined && windowColumn !== undefined && wm.column !== windowColumn) return undefined;
  const w = callParts(unwrapParens(windowNode));
  const length = durationSeconds(literalString(w?.args[1] ?? w?.keywords.get(w?.name === 'session_window' ? 'gapDuration' : 'windowDuration')));
  const delay = watermarkDelay(input);
  const seconds = length !== undefined && delay !== undefined ? length + delay : undefined;
  return { seconds, words: `once it passes each window's end, ${spanWords(seconds)} of event time` };
}

/**
 * A stream-stream join with both sides watermarked and a condition that bounds event time (a range,
 * or equality on the watermarked column): Spark drops a buffered row once no later row can match it.
 * How long that is depends on the range, which is not read: undefined seconds, never reported.
 */
function joinBound(left: Frame, right: Frame, condition: Node | undefined): Bound | undefined {
  if (!left.watermark || !right.watermark) return undefined;
  const columns = new Set([left.watermark.column, right.watermark.column].filter((c): c is string => c !== undefined));
  return conditionBound(condition, columns) === 'bounded' ? { words: 'once the watermarks pass the time range' } : undefined;
}

/**
 * Streaming dedup bounded by the watermark: `dropDuplicatesWithinWatermark`, or `dropDuplicates` whose
 * keys include the watermarked column (all columns when it names none). Keyed on other columns only,
 * Spark cannot tell a key will not come back and keeps it forever, watermark or not.
 */
function dedupBound(frame: Frame, method: string, call: Node): Bound | 'unbounded' | undefined {
  const wm = frame.watermark;
  if (!wm) return undefined;
  const delay = watermarkDelay(frame);
  const bound = { seconds: delay, words: `once it is older than the watermark delay, ${spanWords(delay)} of event time` };
  if (method === 'dropDuplicatesWithinWatermark') return bound;
  const parts = callParts(unwrapParens(call));
  const subset = parts?.keywords.get('subset');
  const args = subset ? [subset] : (parts?.args ?? []);
  if (args.length === 0) return bound; // every column, the watermarked one among them
  const keys = args.length === 1 ? dedupKeys(args[0]) : dedupKeys(args);
  // Keys or watermark column not readable: take the watermark at its word, as before.
  if (!keys || wm.column === undefined) return bound;
  return keys.includes(wm.column) ? bound : 'unbounded';
}

/** `["id", "ts"]` or `"id", "ts"`: the dedup's literal column names, else undefined. */
function dedupKeys(arg: Node | readonly Node[]): string[] | undefined {
  let items: readonly (Node | null)[];
  if (isNodeList(arg)) items = arg;
  else {
    const n = unwrapParens(arg);
    items = n.type === 'list' || n.type === 'tuple' ? n.namedChildren : [n];
  }
  const out: string[] = [];
  for (const item of items) {
    if (!item || item.type === 'comment') continue;
    const s = literalString(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function isNodeList(arg: Node | readonly Node[]): arg is readonly Node[] {
  return Array.isArray(arg);
}

function spanWords(seconds: number | undefined): string {
  if (seconds === undefined) return 'after an unread span';
  const hours = Math.round(seconds / 3600);
  return hours >= 48 ? `after about ${Math.round(hours / 24)} days` : `after about ${hours} hours`;
}

/** Why an aggregation's state grows large: a per-entity key, or overlapping (sliding) or session windows. */
function largeAggregation(keys: string[] | undefined, windowNode: Node | undefined): string | undefined {
  const id = keys?.find((k) => k !== 'window' && /identifier/.test(highCardinalityReason(k) ?? ''));
  if (id) return `by "${id}" (one state row per ${id.replace(/_?id$/i, '') || 'key'})`;
  if (windowNode) {
    const w = callParts(unwrapParens(windowNode));
    if (w?.name === 'session_window') return 'over session windows (one open window per key until its gap closes)';
    if (w?.name === 'window') {
      const size = durationSeconds(literalString(w.args[1] ?? w.keywords.get('windowDuration')));
      const slide = durationSeconds(literalString(w.args[2] ?? w.keywords.get('slideDuration')));
      // Two or three overlapping windows are not large state; a 1-hour window sliding by the minute is.
      if (size && slide && size / slide >= MANY_WINDOWS) return `over sliding windows (each row is kept in ${Math.floor(size / slide)} windows)`;
    }
  }
  return undefined;
}

const MANY_WINDOWS = 10;
const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };

/** Seconds of a Spark interval string such as "10 minutes" or "1 hour"; undefined for anything else. */
function durationSeconds(text: string | undefined): number | undefined {
  const m = text ? /^\s*(\d+)\s*(second|minute|hour|day|week)s?\s*$/i.exec(text) : null;
  return m ? Number(m[1]) * UNIT_SECONDS[m[2].toLowerCase()] : undefined;
}

/** `stream.groupBy(...)` as the receiver of transformWithState: the streaming frame it groups. */
function groupingOfStream(model: DataFrameModel, receiver: Node): Frame | undefined {
  const r = unwrapParens(receiver);
  if (r.type !== 'call') return undefined;
  const parts = callParts(r);
  if (parts?.name !== 'groupBy' && parts?.name !== 'groupby') return undefined;
  const t = model.transforms.find((x) => x.call.id === r.id);
  return t?.frame.streaming === true ? t.frame : undefined;
}

function rocksDbFix(builder: BuilderInfo): Fix[] {
  const at = builder.terminalObject.endIndex;
  return [
    {
      title: 'Use the RocksDB state store (set it on the SparkSession builder)',
      edits: [{ start: at, end: at, newText: `.config("${PROVIDER_KEY}", "${ROCKSDB_PROVIDER}")` }],
      applicability: 'unsafe',
      reason: 'new checkpoints only: a query restarted from an existing checkpoint keeps the store it was started with; needs Spark 3.2+',
    },
  ];
}
