import { ColumnMap } from '../model/columnMap';
import type { Interpreter } from '../model/interpreter';
import { OptionMap } from '../model/optionMap';
import type { Frame } from '../model/types';
import { exactStringOf, UNKNOWN, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import { enclosingScope, unwrapParens, type CallParts } from '../parsing/syntax';
import { frameCall, groupedCall, naAttribute } from './frames';
import { glueFrame } from './glue';
import { readerCall } from './readers';
import { schemaCall, schemaConstructor } from './schema';
import { builderCall, runtimeConfCall, sessionAttribute, sessionCall, sessionConstructor, sessionFromUnknownReceiver, sparkConfCall } from './session';
import { noteViewCall } from './tempViews';
import { writerAttribute, writerCall } from './writers';

/**
 * Where the interpreter hands Spark over to the handlers: an attribute or a method call on a
 * Spark value (session, reader, frame, writer, ...), and the Spark constructors called by name.
 */

/** `obj.attr` where `obj` evaluated to `obj`. */
export function sparkAttribute(node: Node, objNode: Node, obj: Value, attr: string): Value {
  switch (obj.k) {
    case 'session':
      return sessionAttribute(attr);
    case 'frame':
      return writerAttribute(obj.frame, attr, node, objNode) ?? naAttribute(obj.frame, attr) ?? UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `obj.method(...)` where the receiver evaluated to `obj` and the arguments to `pos` and `kw`. */
export function sparkMethodCall(
  ip: Interpreter,
  node: Node,
  parts: CallParts,
  obj: Value,
  method: string,
  pos: Value[],
  kw: ReadonlyMap<string, Value>,
): Value {
  // `F.broadcast(df)` is a join hint: the same data, so the same frame (and its lineage).
  if (method === 'broadcast' && pos[0]?.k === 'frame' && parts.object?.type === 'identifier' && ip.model.imports.functionsAliases.has(parts.object.text))
    return pos[0];
  // `rdd.toDF(["word", "n"])`, Glue's `dyf.toDF()`: a DataFrame from data Spark SQL did not read, as
  // `spark.createDataFrame(rdd)` makes one (never known to be small). Only Spark values have a toDF().
  if (method === 'toDF' && obj.k === 'unknown' && parts.object && ip.model.imports.usesPySpark)
    return { k: 'frame', frame: convertedFrame(ip, node, parts.object, pos) };
  // `model.transform(df)`, `pipeline.fit(train).transform(test)`, `assembler.transform(df)`: an ML
  // transformer (a fitted model, a feature stage, a pipeline model) returns the frame it is handed
  // with its own columns added, computed lazily from that frame's lineage. Only on a receiver that
  // is not a known Spark value: `df.transform(func)` is the DataFrame's method (the frame branch).
  if (method === 'transform' && obj.k === 'unknown' && pos[0]?.k === 'frame' && ip.model.imports.usesPySpark)
    return { k: 'frame', frame: ip.derive(pos[0].frame, node, 'transform', { columnsComplete: false }) };
  // Registered on whatever receiver: a later read of the name sees it (as no stream, unless a known one).
  if (parts.object) noteViewCall(ip, node, obj, method, pos, kw);
  switch (obj.k) {
    case 'session':
      return sessionCall(ip, node, parts, method, pos, kw);
    case 'conf':
      return runtimeConfCall(ip, node, parts, method, pos);
    case 'builder':
      return builderCall(ip, node, parts, method, obj.configs, pos);
    case 'reader':
      return readerCall(ip, node, parts, obj, method, pos, kw);
    case 'frame':
      return frameCall(ip, node, parts, obj.frame, method, pos, kw);
    case 'na':
      return { k: 'frame', frame: ip.derive(obj.frame, node, method, {}) };
    case 'grouped':
      return groupedCall(ip, node, obj, method);
    case 'writer':
      return writerCall(ip, node, parts, obj, method, pos, kw);
    case 'sparkConf':
      return sparkConfCall(ip, node, parts, obj, method, pos);
    case 'schema':
      return schemaCall(parts, obj, method, pos);
    case 'unknown':
      return parts.object ? (sessionFromUnknownReceiver(parts.object, method) ?? glueFrame(ip, node, parts, method, pos, kw) ?? UNKNOWN) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `StructType(...)`, `SparkConf()`, `broadcast(df)` called by name; undefined for any other name. */
export function sparkConstructorCall(name: string, parts: CallParts, pos: Value[]): Value | undefined {
  if (name === 'SparkConf') return { k: 'sparkConf' };
  const session = sessionConstructor(name);
  if (session) return session;
  // `from pyspark.sql.functions import broadcast`: a join hint, the same frame.
  if (name === 'broadcast' && pos[0]?.k === 'frame') return pos[0];
  return schemaConstructor(name, parts, pos);
}

const PARALLELIZE = /\bparallelize\s*\(/;
/** How many names back madeFrom follows a chain (`c = b.map(f)`, `b = a.filter(g)`, `a = sc.parallelize(rows)`). */
const MADE_FROM_DEPTH = 6;
/**
 * How many names madeFrom looks up for one receiver: each look-up walks the scope, and a name
 * reassigned from itself (`rdd = rdd.map(f)`, again and again) would branch at every level.
 */
const MADE_FROM_LOOKUPS = 8;

function convertedFrame(ip: Interpreter, node: Node, receiver: Node, pos: Value[]): Frame {
  const f = ip.source(node, 'toDF', { kind: 'createDataFrame', streaming: false, options: new OptionMap(), node });
  // `sc.parallelize(rows).toDF(...)`: rows the driver held, as createDataFrame from a list.
  const made = madeFrom(receiver);
  f.bounded = PARALLELIZE.test(made) && !/\.rdd\b|textFile|wholeTextFiles|\bread\b/.test(made);
  // `toDF("a", "b")` or an RDD's `toDF(["a", "b"])`: the names are the columns.
  const names = pos.length === 1 && pos[0].k === 'list' ? pos[0].items : pos;
  const columns = names.map((v) => exactStringOf(v));
  if (columns.length > 0 && columns.every((c): c is string => c !== undefined)) {
    f.columns = ColumnMap.of(columns.map((c) => [c, { name: c, node, masked: false }]));
    f.columnsComplete = true;
  }
  return f;
}

/**
 * The text of what the receiver was made from: the expression itself, or for a name (`rdd` in
 * `rdd = sc.parallelize(rows)` then `rdd.toDF(cols)`) every assignment to it in its scope before the
 * call; followed back through the names a chain starts from (`pairs = rdd.map(f)`) until a
 * parallelize, a name with no assignment, or MADE_FROM_DEPTH names.
 */
function madeFrom(receiver: Node, depth = 0, budget = { lookups: MADE_FROM_LOOKUPS }): string {
  const base = unwrapParens(receiver);
  // `pairs.map(f)` or `sc.parallelize(rows).map(f)`: the chain's text, and what its first name was
  // made from (`pairs = sc.parallelize(rows)`), so rows parallelized on the driver and carried
  // through RDD variables and per-row steps are seen as such.
  if (base.type !== 'identifier') {
    // The parallelize is in this expression: nothing before it (the context, the session) matters.
    if (PARALLELIZE.test(base.text)) return base.text;
    const root = chainRoot(base);
    return root && depth < MADE_FROM_DEPTH ? `${base.text}\n${madeFrom(root, depth + 1, budget)}` : base.text;
  }
  // Out of look-ups: the name as written, which shows no parallelize (not driver rows).
  if (budget.lookups-- <= 0) return base.text;
  const scope = enclosingScope(base);
  const values: string[] = [];
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.startIndex >= base.startIndex) continue;
    if (n.id !== scope.id && (n.type === 'function_definition' || n.type === 'class_definition')) continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === base.text) {
      const right = n.childForFieldName('right');
      values.push(right ? (depth < MADE_FROM_DEPTH ? madeFrom(right, depth + 1, budget) : right.text) : '');
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return values.length ? values.join('\n') : base.text;
}

/** The name a call chain starts from: `rdd` in `rdd.map(f).filter(g)`, `make_rdd` in `make_rdd()`; undefined for a literal. */
function chainRoot(node: Node): Node | undefined {
  let n = unwrapParens(node);
  for (let steps = 0; steps < 100; steps++) {
    if (n.type === 'call') n = unwrapParens(n.childForFieldName('function') ?? n);
    else if (n.type === 'attribute') n = unwrapParens(n.childForFieldName('object') ?? n);
    else if (n.type === 'subscript') n = unwrapParens(n.childForFieldName('value') ?? n);
    else return n.type === 'identifier' && n.id !== node.id ? n : undefined;
  }
  return undefined;
}
