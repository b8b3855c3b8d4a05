import type { Fix, TextEditSpec } from '../../findings';
import { withPlaceholders } from '../../fixes/edits';
import { isAncestorFrame, streamingSources, type DataFrameModel, type SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { assignmentsTo, nodesInScope } from './scopeIndex';
import { callsNamed, callsNamedAny, callsWithoutName } from './callIndex';
import { definitionsNamed, handlerCall } from './displayHandlers';

// Checkpoint locations that survive a restart, for PSA204 (ephemeral location) and PSA205 (missing one).

const EPHEMERAL = /^(file:(\/\/)?)?\/tmp(\/|$)|^(dbfs:)?\/(dbfs\/)?tmp(\/|$)|^\/dbfs\/tmp(\/|$)|^\/var\/tmp(\/|$)/i;

/** The two roots of a Fabric lakehouse, spelt as Fabric does (case-sensitive), then at least one more segment. */
const FABRIC_LAKEHOUSE_ROOT = /^(Files|Tables)\/[^/]/;

export function isEphemeralPath(path: string): boolean {
  const p = path.trim();
  if (EPHEMERAL.test(p)) return true;
  // Microsoft Fabric resolves `Files/...` and `Tables/...` against the notebook's default lakehouse
  // (abfss://...onelake.dfs.fabric.microsoft.com/<lakehouse>/Files/...): relative in spelling only,
  // durable OneLake storage, not a folder of the driver's working directory.
  if (FABRIC_LAKEHOUSE_ROOT.test(p)) return false;
  // Relative: no scheme, not absolute, not a template we cannot see into.
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(p) && !p.startsWith('/') && !p.startsWith('{') && p.length > 0;
}

/** A durable checkpoint beside the sink: `s3://lake/silver/events` -> `s3://lake/_checkpoints/silver/events`. */
export function durableCheckpointFor(sink: SinkInfo): string {
  const target = sink.path && !isEphemeralPath(sink.path) && !sink.path.includes('{') ? sink.path.replace(/\/+$/, '') : undefined;
  if (target) {
    const slash = target.lastIndexOf('/');
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target)?.[0] ?? '';
    if (slash >= scheme.length) return `${target.slice(0, slash)}/_checkpoints/${target.slice(slash + 1)}`;
  }
  const name = (sink.table ?? 'my_stream').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `s3://CHANGE-ME/checkpoints/${name}`;
}

/**
 * A durable checkpoint for each streaming query of the file (by sink call), never two the same: a
 * path derived twice (two queries beside one sink, two tables without a path) gets a numbered
 * suffix, and checkpoint paths the file already uses are taken.
 */
export function durableCheckpoints(model: DataFrameModel): Map<SinkInfo, string> {
  const used = new Set<string>();
  for (const s of model.sinks) {
    const cp = s.streaming ? s.options.get('checkpointLocation')?.value : undefined;
    if (cp !== undefined && !isEphemeralPath(cp)) used.add(cp.replace(/\/+$/, ''));
  }
  // Per sink as analysed: a writer function called for two targets is two queries.
  const out = new Map<SinkInfo, string>();
  for (const s of model.sinks) {
    if (!s.streaming) continue;
    const base = durableCheckpointFor(s);
    let path = base;
    for (let k = 2; used.has(path); k++) path = `${base}_${k}`;
    used.add(path);
    out.set(s, path);
  }
  return out;
}

/** How often each sink call was analysed, and how many calls name each callee asked about, per model. */
interface CallCounts {
  sinkCalls: Map<number, number>;
  /** Per name asked: the calls whose callee is that text, or an attribute of that name (each call counted once). */
  callees: Map<string, number>;
}

const callCounts = new WeakMap<DataFrameModel, CallCounts>();

/**
 * Counted once per model: asked per sink (each a pass over every call of the file), PSA204 and
 * PSA205 were quadratic in files with many streaming queries.
 */
function countsOf(model: DataFrameModel): CallCounts {
  let counts = callCounts.get(model);
  if (counts) return counts;
  const sinkCalls = new Map<number, number>();
  for (const s of model.sinks) sinkCalls.set(s.call.id, (sinkCalls.get(s.call.id) ?? 0) + 1);
  counts = { sinkCalls, callees: new Map() };
  callCounts.set(model, counts);
  return counts;
}

/**
 * How many calls of the file call `name` (a function's name): `name(...)` or `x.name(...)`, from
 * the shared call index, and any call whose callee of another kind has exactly that text. Counting
 * every callee's text instead hashed the text of every method chain of the file.
 */
function callsOfName(model: DataFrameModel, name: string): number {
  const callees = countsOf(model).callees;
  let n = callees.get(name);
  if (n === undefined) {
    n = callsNamed(model, name).length;
    for (const c of callsWithoutName(model)) if (c.childForFieldName('function')?.text === name) n++;
    callees.set(name, n);
  }
  return n;
}

/**
 * True when a checkpoint written at `at` (by default, at the sink) would serve several queries: the
 * sink runs in a loop, or in a function called more than once (analysed once per call) and `at` is
 * inside that function. A value passed at one call site is that query's alone.
 */
export function servesSeveralQueries(model: DataFrameModel, sink: SinkInfo, at?: Node): boolean {
  for (let n = sink.call.parent, i = 0; n && i < 1000; n = n.parent, i++) {
    if (n.type === 'for_statement' || n.type === 'while_statement') return true;
    if (n.type === 'function_definition') {
      if (at && (at.startIndex < n.startIndex || at.endIndex > n.endIndex)) return false;
      const counts = countsOf(model);
      if ((counts.sinkCalls.get(sink.call.id) ?? 0) > 1) return true;
      const name = n.childForFieldName('name')?.text;
      if (name && callsOfName(model, name) > 1) return true;
    }
  }
  return false;
}

/**
 * The fix that writes `path` as a checkpoint: a placeholder path is the user's to fill in
 * (display-only); a derived one is a guess, and any new checkpoint restarts the query (unsafe).
 */
export function checkpointFix(title: string, edit: TextEditSpec, path: string, restart: string): Fix {
  if (path.includes('CHANGE-ME')) {
    return { title, edits: [withPlaceholders(edit, path)], applicability: 'display-only', reason: 'choose durable storage for the checkpoint' };
  }
  return { title, edits: [edit], applicability: 'unsafe', reason: restart };
}

/** Operators that keep state across micro-batches when they run on a stream. */
const STATEFUL_TRANSFORMS = new Set(['dropDuplicates', 'drop_duplicates', 'dropDuplicatesWithinWatermark', 'distinct']);

/** Spark's generators of test rows: a counter and a timestamp, nothing anyone needs replayed. */
const GENERATOR_SOURCES = new Set(['rate', 'rate-micro-batch']);

/**
 * A query whose every stream is a `socket` source and that keeps no state (no aggregation, no
 * stream-stream join, no dedup between the read and the sink): Spark cannot replay a socket (it
 * "does not support recovery"), so the checkpoint holds nothing a restart could resume from, and a
 * scratch or missing one loses nothing. A stateful socket query still keeps its state there.
 * With `generators`, the same holds for a stream of Spark's synthetic rows (`rate`,
 * `rate-micro-batch`): a restart without its checkpoint only generates fresh fake rows.
 */
export function nothingToRecover(model: DataFrameModel, sink: SinkInfo, generators = false): boolean {
  const streams = streamingSources(sink.frame);
  const unrecoverable = (format: string) => format === 'socket' || (generators && GENERATOR_SOURCES.has(format));
  if (streams.length === 0 || !streams.every((f) => unrecoverable(f.source?.format?.toLowerCase() ?? ''))) return false;
  const upstream = (f: SinkInfo['frame']) => f.streaming === true && isAncestorFrame(f, sink.frame);
  if (model.aggregations.some((a) => (a.kind === 'groupBy' || a.other?.streaming === true) && upstream(a.input))) return false;
  return !model.transforms.some((t) => STATEFUL_TRANSFORMS.has(t.method) && upstream(t.frame));
}

/**
 * A foreachBatch query whose batch function writes only to scratch or relative locations (paths
 * under /tmp or relative to the working directory, or tables of a session whose warehouse is such a
 * folder): a self-contained local project whose checkpoint lives as long as the data it tracks, the
 * same reason a direct sink under /tmp or a relative folder exempts its checkpoint. Every write of
 * the function must be known: one the model cannot read, or none at all, keeps the finding.
 */
export function batchWritesOnlyScratch(model: DataFrameModel, sink: SinkInfo): boolean {
  if (!sink.foreachBatch) return false;
  const handler = batchHandlerOf(model, sink);
  if (!handler) return false;
  const inside = (n: Node) => n.startIndex >= handler.startIndex && n.endIndex <= handler.endIndex;
  // Rows handed to Python (`foreachPartition(send)`, `for row in df.collect(): cursor.execute(...)`)
  // may go anywhere: a function that does so writes somewhere the model cannot see.
  if (model.actions.some((a) => ROWS_TO_PYTHON.has(a.method) && inside(a.call))) return false;
  const scratchWarehouse = sessionWarehouseIsScratch(model);
  let targets = 0;
  for (const s of model.sinks) {
    if (s.streaming || !inside(s.call)) continue;
    targets++;
    const path = s.path ?? (s.pathNode ? stringValue(model, s.pathNode) : undefined);
    if (path !== undefined ? !isEphemeralPath(path) : !(s.table !== undefined && scratchWarehouse && sessionCatalogTable(s))) return false;
  }
  for (const c of callsNamedAny(model, ['forPath', 'forName'])) {
    if (!inside(c)) continue;
    const parts = callParts(c);
    if ((parts?.name !== 'forPath' && parts?.name !== 'forName') || !parts.object || unwrapParens(parts.object).text !== 'DeltaTable') continue;
    targets++;
    const arg = parts.args[1] ?? parts.keywords.get('path') ?? parts.keywords.get('tableOrViewName');
    const value = arg ? stringValue(model, arg) : undefined;
    if (value === undefined) return false;
    if (parts.name === 'forPath' ? !isEphemeralPath(value) : !scratchWarehouse) return false;
  }
  return targets > 0;
}

/**
 * A Kafka sink whose every bootstrap server is this machine (`localhost:9092`, `127.0.0.1:9092`): the
 * query's output lives in a broker beside the driver, a local demo like a sink under /tmp, and its
 * checkpoint is as durable as that output. The address must be known and local throughout: a list
 * with one remote broker (`localhost:9092,broker:29092`), a docker service name or a value the model
 * cannot read keeps the finding.
 */
export function writesToLocalBroker(sink: SinkInfo): boolean {
  if ((sink.format ?? '').toLowerCase() !== 'kafka') return false;
  const servers = sink.options.get('kafka.bootstrap.servers')?.value;
  if (servers === undefined) return false;
  const hosts = servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return hosts.length > 0 && hosts.every((h) => LOCAL_HOST.test(h));
}

/** `localhost`, `127.x.x.x` or `[::1]`, with an optional port (and the PLAINTEXT:// scheme some configs carry). */
const LOCAL_HOST = /^([a-z_]+:\/\/)?(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/** Actions that hand a batch's rows to Python code. */
const ROWS_TO_PYTHON = new Set(['foreach', 'foreachPartition', 'collect', 'toLocalIterator', 'toPandas']);

/**
 * A table of the session catalog, which lives under the warehouse folder: `saveAsTable("db.t")`,
 * not a JDBC table nor a name in another catalog (`writeTo("glue.db.t")`, three parts).
 */
function sessionCatalogTable(s: SinkInfo): boolean {
  return s.table !== undefined && s.table.split('.').length <= 2 && !['jdbc', 'kafka'].includes((s.format ?? '').toLowerCase());
}

/** The function definition handed to `.foreachBatch(name)` in the sink's writer chain, when the file defines it once. */
function batchHandlerOf(model: DataFrameModel, sink: SinkInfo): Node | undefined {
  const parts = handlerCall(sink);
  if (parts?.name !== 'foreachBatch') return undefined;
  const arg = parts.args[0] ?? parts.keywords.get('func');
  const name = arg ? unwrapParens(arg) : undefined;
  if (name?.type !== 'identifier') return undefined;
  const defs = definitionsNamed(model, name.text);
  return defs.length === 1 ? defs[0] : undefined;
}

/** `spark.sql.warehouse.dir` set to a scratch or relative folder: the session's managed tables live there. */
function sessionWarehouseIsScratch(model: DataFrameModel): boolean {
  const values = model.confSets.filter((c) => c.key === 'spark.sql.warehouse.dir').map((c) => (c.valueNode ? stringValue(model, c.valueNode) : undefined));
  return values.length > 0 && values.every((v) => v !== undefined && isEphemeralPath(v));
}

/**
 * The string a path expression holds: a literal, a name bound to one (module constants), or
 * `os.path.abspath(...)` / `realpath` / `normpath` of one, which stays relative to the working
 * directory the job runs in (kept relative here so that isEphemeralPath judges it so).
 */
function stringValue(model: DataFrameModel, node: Node, depth = 0): string | undefined {
  const n = unwrapParens(node);
  const literal = literalString(n);
  if (literal !== undefined || depth > 5) return literal;
  if (n.type === 'identifier') {
    let value: Node | undefined;
    for (const a of assignmentsTo(model, n.text)) {
      if (a.startIndex >= n.startIndex) break;
      value = a.childForFieldName('right') ?? undefined;
    }
    return value ? stringValue(model, value, depth + 1) : undefined;
  }
  if (n.type === 'call') {
    const callee = n.childForFieldName('function')?.text ?? '';
    const parts = callParts(n);
    if (/^(os\.)?path\.(abspath|realpath|normpath)$|^(abspath|realpath|normpath)$/.test(callee) && parts?.args.length === 1) {
      return stringValue(model, parts.args[0], depth + 1);
    }
  }
  return undefined;
}

/** `dbutils.fs.rm(p, True)`, `mssparkutils.fs.rm(p, True)`, `shutil.rmtree(p)`, `fs.delete(p, True)`. */
const REMOVE_PATH = new Set(['rm', 'rmtree', 'delete', 'remove']);

/**
 * Earlier in the scope of the query, the code deletes its checkpoint (`dbutils.fs.rm(checkpoint_path,
 * True)`, by the same name or the same literal path): every run starts the query over on purpose, so
 * a scratch location loses nothing the code does not already throw away. A removal after the query
 * starts (cleanup at the end of a demo) does not count: the running query still relies on it.
 */
export function checkpointRemovedBefore(model: DataFrameModel, sink: SinkInfo): boolean {
  const cp = sink.options.get('checkpointLocation');
  if (!cp) return false;
  for (const call of nodesInScope(model, 'call', sink.scope)) {
    if (call.startIndex >= sink.call.startIndex) break;
    const parts = callParts(call);
    const arg = parts?.args[0];
    if (!parts?.name || !REMOVE_PATH.has(parts.name) || !arg) continue;
    const target = unwrapParens(arg);
    if (target.type === 'identifier' ? target.text === cp.node.text : cp.value !== undefined && literalString(target) === cp.value) return true;
  }
  return false;
}
