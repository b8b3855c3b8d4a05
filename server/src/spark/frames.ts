import { ColumnMap } from '../model/columnMap';
import type { Interpreter } from '../model/interpreter';
import type { ColumnInfo, Frame } from '../model/types';
import { exactStringOf, stringOf, stringsOf, UNKNOWN, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens, type CallParts } from '../parsing/syntax';
import { selectsOnlyAggregates } from './frameSize';
import { expressionType, isBooleanExpression, schemaColumns } from './schema';
import { dynamicFrameCall } from './glue';
import { noteStreamJoin, withWatermark } from './streaming';
import { v2Writer } from './writers';

/** DataFrame methods: actions, transformations, grouping and aggregation, and what they do to columns. */

const ACTIONS = new Set(['count', 'collect', 'first', 'take', 'head', 'show', 'toPandas', 'foreach', 'foreachPartition', 'isEmpty', 'toLocalIterator', 'tail']);
/** Transformations that keep partitioning (no shuffle). */
const NARROW = new Set([
  'filter',
  'where',
  'alias',
  'hint',
  'sample',
  'observe',
  'localCheckpoint',
  'checkpoint',
  'unpersist',
  'sortWithinPartitions',
  'fillna',
  'dropna',
  'replace',
  'withMetadata',
  'to',
  'transform',
  'withWatermark',
  'cache',
  'persist',
  'dropDuplicatesWithinWatermark',
]);
const SHUFFLE = new Set([
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'orderBy',
  'sort',
  'repartitionByRange',
  'intersect',
  'intersectAll',
  'exceptAll',
  'subtract',
  'crossJoin',
]);
/**
 * DataFrame methods that compute each output row from one input row, keeping every row: the
 * projections. Rules extend it with what else their question lets through (PSA107's first-rows
 * reads, the few-rows test).
 */
export const PER_ROW_PROJECTIONS = ['select', 'selectExpr', 'withColumn', 'withColumns', 'withColumnRenamed', 'withColumnsRenamed', 'drop', 'toDF'] as const;

const COLUMN_CHANGING = new Set<string>([...PER_ROW_PROJECTIONS, 'unpivot', 'melt']);
const UNIONS = new Set(['union', 'unionAll', 'unionByName']);
const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube', 'groupingSets']);
const GROUPED_AGGS = new Set([
  'agg',
  'count',
  'sum',
  'avg',
  'mean',
  'max',
  'min',
  'applyInPandas',
  'apply',
  'applyInPandasWithState',
  'flatMapGroupsWithState',
]);

const VALUE_HIDING_AGGREGATES = new Set([
  'count',
  'countDistinct',
  'count_distinct',
  'approx_count_distinct',
  'sum',
  'sumDistinct',
  'sum_distinct',
  'avg',
  'mean',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'percentile_approx',
  'percentile',
  'median',
  'skewness',
  'kurtosis',
  'corr',
  'covar_pop',
  'covar_samp',
  'count_if',
  'bool_and',
  'bool_or',
  'every',
  'some',
]);

const MASKING_SQL = /\b(sha2|sha1|md5|hash|xxhash64|mask|regexp_replace|aes_encrypt)\s*\(/i;

/** `df.na`: the frame's missing-value functions. */
export function naAttribute(frame: Frame, attr: string): Value | undefined {
  return attr === 'na' ? { k: 'na', frame } : undefined;
}

/** The calls that write a frame's rows out once and return a new DataFrame reading them. */
const CHECKPOINTS = new Set(['checkpoint', 'localCheckpoint']);

/**
 * `frame.cached` is a checkpoint()/localCheckpoint() (a snapshot written once), not a cache() or
 * persist(): both materialize, but a cache is filled lazily and a checkpoint also cuts the lineage.
 */
export function checkpointed(frame: Frame): boolean {
  return !!frame.cached && CHECKPOINTS.has(callParts(frame.cached)?.name ?? '');
}

/** The call is the statement, or the innermost receiver of a method chain that is the statement. */
function headsDiscardedChain(call: Node): boolean {
  let n = call;
  for (let p = n.parent; p?.type === 'attribute' && sameNode(p.childForFieldName('object'), n) && p.parent?.type === 'call'; p = n.parent) n = p.parent;
  return n.parent?.type === 'expression_statement';
}

export function frameCall(ip: Interpreter, node: Node, parts: CallParts, frame: Frame, method: string, pos: Value[], kw: ReadonlyMap<string, Value>): Value {
  if (ACTIONS.has(method)) {
    ip.model.actions.push({ method, frame, call: node, receiver: parts.object!, scope: ip.scope.node, inLoop: ip.inLoop(), loop: ip.currentLoop() });
    return { k: 'action', method };
  }
  if (parts.nameNode) {
    ip.model.transforms.push({ method, frame, call: node, methodNode: parts.nameNode, receiver: parts.object!, scope: ip.scope.node, loop: ip.currentLoop() });
  }
  if (GROUPERS.has(method)) return grouping(ip, node, parts, frame, pos);
  if (method === 'writeTo') return v2Writer(frame, parts, pos);
  if (method === 'write') return UNKNOWN;
  if (method === 'withWatermark') return withWatermark(ip, frame, node, pos);
  if (method === 'cache' || method === 'persist') {
    const cached: Value = { k: 'frame', frame: ip.derive(frame, node, method, { cached: node }) };
    // `df.cache()` caches df itself (cache returns the same DataFrame): on a line of its own, or at
    // the head of a chain whose result is not kept (`df.cache().show()`, `df.cache().count()`),
    // every later use of df reads the cache.
    const receiver = parts.object ? unwrapParens(parts.object) : undefined;
    if (receiver?.type === 'identifier' && headsDiscardedChain(node)) ip.bind(receiver, cached);
    return cached;
  }
  // A checkpoint is a materialization too (eager by default; a lazy one is written by the first
  // action): later actions read it instead of rerunning the lineage. Unlike cache() it returns a new
  // DataFrame, so the receiver itself stays uncached.
  if (CHECKPOINTS.has(method)) return { k: 'frame', frame: ip.derive(frame, node, method, { cached: node }) };
  if (method === 'unpersist') return { k: 'frame', frame: ip.derive(frame, node, method, { cached: undefined }) };
  if (method === 'limit' || method === 'tail' || method === 'offset') {
    const none = method === 'limit' && pos[0]?.k === 'number' && pos[0].value === 0;
    return { k: 'frame', frame: ip.derive(frame, node, method, { bounded: method === 'limit' ? true : frame.bounded, empty: none ? node : undefined }) };
  }
  if (method === 'agg') {
    return { k: 'frame', frame: ip.derive(frame, node, method, { bounded: true, singlePartition: undefined, ...aggColumns(ip, [], parts) }) };
  }
  if (method === 'coalesce' || method === 'repartition') {
    const n = pos[0]?.k === 'number' ? pos[0].value : undefined;
    const single = n === 1 ? node : undefined;
    return { k: 'frame', frame: ip.derive(frame, node, method, { singlePartition: single ?? (method === 'repartition' ? undefined : frame.singlePartition) }) };
  }
  if (method === 'join' || UNIONS.has(method) || method === 'crossJoin') {
    const other = pos[0]?.k === 'frame' ? pos[0].frame : undefined;
    const extra = other ? [other] : [];
    // Semi and anti joins keep only the left side's columns: the right side filters rows.
    const how =
      method === 'join'
        ? stringOf(pos[2] ?? kw.get('how'))
            ?.toLowerCase()
            .replace(/_/g, '')
        : undefined;
    const leftOnly = how === 'semi' || how === 'leftsemi' || how === 'anti' || how === 'leftanti';
    const columns =
      other && !leftOnly
        ? frame.columns.edit((m) => {
            for (const [k, c] of other.columns) if (!m.has(k)) m.set(k, c);
          })
        : frame.columns;
    const result = ip.derive(
      frame,
      node,
      method,
      {
        columns,
        columnsComplete: frame.columnsComplete && (leftOnly || !!other?.columnsComplete),
        singlePartition: undefined,
        bounded: frame.bounded && !!other?.bounded,
        watermark: frame.watermark ?? other?.watermark,
      },
      extra,
    );
    if (method === 'join' && other) noteStreamJoin(ip, node, parts, frame, other, pos, kw);
    return { k: 'frame', frame: result };
  }
  if (SHUFFLE.has(method)) return { k: 'frame', frame: ip.derive(frame, node, method, { singlePartition: undefined }) };
  if (method === 'transform') {
    const fn = pos[0];
    if (fn?.k === 'function') return ip.callFunction(fn.def, fn.closure, [{ k: 'frame', frame }, ...pos.slice(1)], kw, false, node);
    return { k: 'frame', frame: ip.derive(frame, node, method, { columnsComplete: false }) };
  }
  if (COLUMN_CHANGING.has(method)) {
    const change = columnChange(ip, frame, method, parts, pos);
    // A select of aggregates only is a global aggregate: one row.
    if (selectsOnlyAggregates(ip.functions, method, parts)) change.bounded = true;
    return { k: 'frame', frame: ip.derive(frame, node, method, change) };
  }
  if (NARROW.has(method)) return { k: 'frame', frame: ip.derive(frame, node, method, {}) };
  return dynamicFrameCall(ip, node, frame, method) ?? UNKNOWN;
}

/** `groupBy(...)` and its kin: the grouping keys when every one is known, and an event-time window. */
function grouping(ip: Interpreter, node: Node, parts: CallParts, frame: Frame, pos: Value[]): Value {
  const keys: string[] = [];
  let complete = true;
  let windowColumn: string | undefined;
  let windowNode: Node | undefined;
  for (let i = 0; i < parts.args.length; i++) {
    const a = parts.args[i];
    const w = ip.functions.windowColumn(a);
    if (w) {
      windowColumn ??= w.column;
      windowNode ??= w.node;
      keys.push('window');
      continue;
    }
    const names = stringsOf(pos[i]) ?? (ip.functions.columnRef(a) !== undefined ? [ip.functions.columnRef(a)!] : undefined) ?? frameColumnAttribute(ip, a);
    if (names) keys.push(...names);
    else complete = false;
  }
  return { k: 'grouped', frame, call: node, methodNode: parts.nameNode!, receiver: parts.object!, keys: complete ? keys : undefined, windowColumn, windowNode };
}

export function groupedCall(ip: Interpreter, node: Node, g: Extract<Value, { k: 'grouped' }>, method: string): Value {
  if (method === 'pivot') return g;
  if (!GROUPED_AGGS.has(method)) return UNKNOWN;
  const parts = callParts(node)!;
  ip.model.aggregations.push({
    kind: 'groupBy',
    input: g.frame,
    call: g.call,
    methodNode: g.methodNode,
    receiver: g.receiver,
    windowColumn: g.windowColumn,
    windowNode: g.windowNode,
    keys: g.keys,
    aggMethod: method,
  });
  const keys = g.keys ?? [];
  const cols =
    method === 'agg'
      ? aggColumns(ip, keys, parts)
      : { columns: ColumnMap.of(keys.map((k) => [k, { name: k, node: g.call, masked: false }])), columnsComplete: false };
  return {
    k: 'frame',
    frame: ip.derive(g.frame, node, 'aggregate', {
      ...cols,
      singlePartition: undefined,
      bounded: g.frame.bounded || (g.keys !== undefined && g.keys.length === 0),
    }),
  };
}

function aggColumns(ip: Interpreter, keys: string[], parts: CallParts): Partial<Frame> {
  const columns = new Map<string, ColumnInfo>();
  for (const k of keys) columns.set(k, { name: k, node: parts.callee, masked: false });
  let complete = true;
  for (const a of parts.args) {
    const alias = ip.functions.aliasOf(a);
    if (!alias) {
      complete = false;
      continue;
    }
    // count/sum/avg reveal no individual value; first/max/collect_list hand the raw value on.
    const inner = unwrapParens(alias.inner);
    const fn = inner.type === 'call' ? ip.functions.nameOf(inner) : undefined;
    const masked = (fn !== undefined && VALUE_HIDING_AGGREGATES.has(fn)) || ip.functions.isMasking(alias.inner);
    columns.set(alias.name, { name: alias.name, node: a, masked });
  }
  return { columns: ColumnMap.of(columns), columnsComplete: complete };
}

/** `df.country` where `df` is a frame: the column `country`. */
function frameColumnAttribute(ip: Interpreter, node: Node): string[] | undefined {
  const n = unwrapParens(node);
  if (n.type !== 'attribute') return undefined;
  const obj = n.childForFieldName('object');
  const attr = n.childForFieldName('attribute');
  if (obj?.type !== 'identifier' || !attr || ip.scope.lookup(obj.text)?.k !== 'frame') return undefined;
  return [attr.text];
}

function columnChange(ip: Interpreter, frame: Frame, method: string, parts: CallParts, pos: Value[]): Partial<Frame> {
  let columns = frame.columns;
  let complete = frame.columnsComplete;
  switch (method) {
    case 'withColumn': {
      const name = exactStringOf(pos[0]);
      const expr = parts.args[1];
      if (name !== undefined && expr) columns = columns.with(name, columnFrom(ip, name, expr, parts.args[0]));
      break;
    }
    case 'withColumns': {
      const dict = parts.args[0] ? unwrapParens(parts.args[0]) : undefined;
      if (dict?.type === 'dictionary') {
        columns = columns.edit((m) => {
          for (const pair of dict.namedChildren) {
            if (pair?.type !== 'pair') continue;
            const k = literalString(pair.childForFieldName('key'));
            const v = pair.childForFieldName('value');
            if (k !== undefined && v) m.set(k, columnFrom(ip, k, v, pair));
            else complete = false;
          }
        });
      } else complete = false;
      break;
    }
    case 'withColumnRenamed': {
      const from = exactStringOf(pos[0]);
      const to = exactStringOf(pos[1]);
      if (from !== undefined && to !== undefined) {
        columns = columns.edit((m) => {
          const c = m.get(from);
          m.delete(from);
          m.set(to, { name: to, node: parts.args[1], masked: c?.masked ?? false, maskedCopyOf: c?.maskedCopyOf });
        });
      }
      break;
    }
    case 'drop': {
      columns = columns.edit((m) => {
        for (let i = 0; i < pos.length; i++) {
          const names =
            stringsOf(pos[i]) ?? (parts.args[i] && ip.functions.columnRef(parts.args[i]) !== undefined ? [ip.functions.columnRef(parts.args[i])!] : undefined);
          for (const n of names ?? []) m.delete(n);
        }
      });
      break;
    }
    case 'select':
    case 'toDF':
    case 'selectExpr': {
      const out = new Map<string, ColumnInfo>();
      complete = true;
      for (let i = 0; i < parts.args.length; i++) {
        const a = parts.args[i];
        const strs = a.type === 'list_splat' ? stringsOf(ip.scope.lookup(a.namedChildren[0]?.text ?? '')) : stringsOf(pos[i]);
        if (strs && method !== 'selectExpr') {
          for (const s of strs) selectString(s, a, frame, out, () => (complete = false));
          continue;
        }
        if (method === 'selectExpr') {
          const s = literalString(a);
          const m = s !== undefined ? /^\s*(?:.*\s+(?:as|AS)\s+)?`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$/.exec(s) : null;
          if (m && s !== undefined) {
            const isPlain = /^\s*`?[A-Za-z_][A-Za-z0-9_]*`?\s*$/.test(s);
            const existing = frame.columns.get(m[1]);
            out.set(m[1], isPlain && existing ? existing : { name: m[1], node: a, masked: MASKING_SQL.test(s) });
          } else complete = false;
          continue;
        }
        const alias = ip.functions.aliasOf(a);
        if (alias) {
          out.set(alias.name, columnFrom(ip, alias.name, alias.inner, a));
          continue;
        }
        const ref = ip.functions.columnRef(a);
        if (ref !== undefined) {
          selectString(ref, a, frame, out, () => (complete = false));
          continue;
        }
        complete = false;
      }
      if (method === 'toDF' && parts.args.length === 0) return {};
      return { columns: ColumnMap.of(out), columnsComplete: complete };
    }
    default:
      complete = false;
  }
  return { columns, columnsComplete: complete };
}

function selectString(s: string, node: Node, frame: Frame, out: Map<string, ColumnInfo>, incomplete: () => void): void {
  if (s === '*') {
    for (const [k, c] of frame.columns) out.set(k, c);
    if (!frame.columnsComplete) incomplete();
    return;
  }
  const star = /^([A-Za-z_][A-Za-z0-9_]*)\.\*$/.exec(s);
  if (star) {
    const struct = frame.columns.get(star[1]);
    if (struct?.fields) for (const f of struct.fields) out.set(f, { name: f, node, masked: false });
    else incomplete();
    return;
  }
  const name = s.includes('.') ? s.slice(s.lastIndexOf('.') + 1) : s;
  out.set(name, frame.columns.get(s) ?? { name, node, masked: false });
}

/**
 * `lit(value)`, `F.lit(run_date).cast("date")`: one value for every row. Only a literal of a Python
 * value: `lit(col("x"))` is the column itself, so an argument that reads a column does not count.
 */
function isConstant(ip: Interpreter, expr: Node): boolean {
  let n = unwrapParens(expr);
  // `.cast(...)` / `.alias(...)` keep the single value.
  for (let i = 0; i < 10 && n.type === 'call'; i++) {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'attribute' || !['cast', 'astype', 'alias'].includes(fn.childForFieldName('attribute')?.text ?? '')) break;
    const obj = fn.childForFieldName('object');
    if (!obj) break;
    n = unwrapParens(obj);
  }
  if (n.type !== 'call') return false;
  const name = ip.functions.nameOf(n);
  if (name !== 'lit' && name !== 'typedLit') return false;
  const arg = callParts(n)?.args[0];
  return !!arg && ip.functions.firstColumnRead(arg) === undefined && !/\b(col|column|expr)\s*\(/.test(arg.text);
}

function columnFrom(ip: Interpreter, name: string, expr: Node, at: Node): ColumnInfo {
  const masked = ip.functions.isMasking(expr);
  const read = ip.functions.firstColumnRead(expr);
  const info: ColumnInfo = { name, node: at, masked, type: expressionType(expr) };
  if (masked && read !== undefined && read !== name) info.maskedCopyOf = read;
  if (isBooleanExpression(expr)) info.boolean = true;
  if (isConstant(ip, expr)) info.constant = true;
  // `from_json(col("value"), schema).alias("data")` followed by `select("data.*")`.
  const inner = unwrapParens(expr);
  if (inner.type === 'call' && ip.functions.nameOf(inner) === 'from_json') {
    const p = callParts(inner);
    const schema = p?.args[1] ? ip.scope.lookup(p.args[1].text) : undefined;
    const cols = schemaColumns(schema);
    if (cols) info.fields = cols;
  }
  return info;
}
