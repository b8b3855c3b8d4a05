import { ColumnMap } from '../model/columnMap';
import type { Interpreter } from '../model/interpreter';
import { OptionMap } from '../model/optionMap';
import type { Frame, ConfSetInfo } from '../model/types';
import { exactStringOf, stringOf, UNKNOWN, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import { literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import { sqlReturnsFewRows } from './frameSize';
import { schemaColumns, schemaTypes } from './schema';
import { sqlViewStatement, tableViewRead } from './tempViews';

/** The session and its configuration: `SparkSession.builder`, `spark.*`, `spark.conf`, `SparkConf()`. */

/** Globals a notebook platform defines that stand for a session (Databricks, Synapse, pyspark shell kernels). */
const NOTEBOOK_SESSIONS = new Set(['spark', 'sqlContext']);

/** A free name the interpreter has no value for that stands for the session. */
export function isSessionGlobal(name: string, notebook: boolean): boolean {
  return name === 'spark' || (notebook && NOTEBOOK_SESSIONS.has(name));
}

/**
 * A parameter that stands for the session when the caller is not analysed: `spark`,
 * `spark_session`, `sparkSession` (a `session` alone may be an HTTP, boto3 or SQLAlchemy one).
 */
export function isSessionParameterName(name: string): boolean {
  return name === 'spark' || name === 'spark_session' || name === 'sparkSession';
}

/** Words a session factory's name is made of: `get_spark()`, `create_spark_session()`, `getOrCreateSparkSession()`. */
const FACTORY_VERBS = new Set(['get', 'create', 'build', 'init', 'initialize', 'initialise', 'start', 'make', 'new', 'setup', 'configure', 'obtain', 'open']);
const FACTORY_WORDS = new Set([
  ...FACTORY_VERBS,
  'or',
  'spark',
  'session',
  'local',
  'default',
  'existing',
  'delta',
  'glue',
  'databricks',
  'connect',
  'remote',
  'app',
  'the',
  'a',
  'my',
]);

/**
 * A function the interpreter cannot follow (imported from another module of the project, say)
 * whose name says it returns the session: a verb, `spark`, and nothing but session words
 * (`get_spark_dataframe`, `get_spark_conf`, `create_spark_context` are not sessions).
 */
export function isSessionFactoryName(callee: string): boolean {
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  // Asked for every method call on an unknown receiver: a name whose words include `spark` holds it
  // (the split below only inserts underscores between ASCII letters and lowercases), so the others stop here.
  if (!last.toLowerCase().includes('spark')) return false;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
  return words.length >= 2 && FACTORY_VERBS.has(words[0]) && words.includes('spark') && words.every((w) => FACTORY_WORDS.has(w));
}

/** A notebook that uses the platform's session runs with PySpark imported. */
export function usesNotebookSession(text: string): boolean {
  return /\b(?:spark|sqlContext)\b/.test(text);
}

/**
 * `SparkSession.builder`, and sessions reached through an object (Glue's `glueContext.spark_session`,
 * a job class's `self.spark`): known from the attribute alone, before its object is evaluated.
 */
export function sessionReference(ip: Interpreter, objNode: Node, attr: string): Value | undefined {
  if (objNode.type === 'identifier' && objNode.text === 'SparkSession' && attr === 'builder') return { k: 'builder', configs: [] };
  // `session_info.spark`, `ctx.spark_session`, `df.sparkSession`: the session carried by an object.
  if (ip.model.imports.usesPySpark && (attr === 'spark_session' || attr === 'sparkSession' || (attr === 'spark' && !isModuleNamed(objNode)))) {
    return { k: 'session' };
  }
  return undefined;
}

/** `mlflow.spark`, `pyspark.pandas.spark`: a module path, not an object carrying a session. */
function isModuleNamed(objNode: Node): boolean {
  return objNode.type === 'identifier' && /^(mlflow|pyspark|ps|koalas|sparknlp|delta|great_expectations|ge)$/.test(objNode.text);
}

/**
 * A method call on a receiver the interpreter has no value for that still gives the session:
 * `configure(SparkSession.builder.appName("x")).getOrCreate()` (a builder handed through a helper
 * it could not follow), `SQLContext.getOrCreate(sc)`, `utils.get_spark_session()`.
 */
export function sessionFromUnknownReceiver(receiver: Node, method: string): Value | undefined {
  if (method === 'getOrCreate' || method === 'create') {
    if (/\bSparkSession\s*\.\s*builder\b/.test(receiver.text)) return { k: 'session' };
    if (method === 'getOrCreate' && receiver.type === 'identifier' && LEGACY_SESSIONS.has(receiver.text)) return { k: 'session' };
    return undefined;
  }
  return isSessionFactoryName(method) ? { k: 'session' } : undefined;
}

/** Spark 1.x entry points with the session's `read`, `sql`, `table` and `createDataFrame`. */
const LEGACY_SESSIONS = new Set(['SQLContext', 'HiveContext']);

/** `SparkSession(sc)`, `SQLContext(sc)`, `HiveContext(sc)`. */
export function sessionConstructor(name: string): Value | undefined {
  return name === 'SparkSession' || LEGACY_SESSIONS.has(name) ? { k: 'session' } : undefined;
}

/** `SparkSession.getActiveSession()` / `SparkSession.active()`: the receiver of a method call on `SparkSession`. */
export function sparkSessionClassCall(method: string | undefined): Value {
  return method === 'getActiveSession' || method === 'active' ? { k: 'session' } : UNKNOWN;
}

/** `spark.read`, `spark.readStream`, `spark.conf`. */
export function sessionAttribute(attr: string): Value {
  if (attr === 'read') return { k: 'reader', streaming: false, options: new OptionMap() };
  if (attr === 'readStream') return { k: 'reader', streaming: true, options: new OptionMap() };
  if (attr === 'conf') return { k: 'conf' };
  return UNKNOWN;
}

export function sessionCall(ip: Interpreter, node: Node, parts: CallParts, method: string, pos: Value[], kw: ReadonlyMap<string, Value>): Value {
  switch (method) {
    case 'table': {
      // A temp view of a stream reads back as the stream.
      const view = tableViewRead(ip, node, pos[0]);
      if (view) return { k: 'frame', frame: view };
      const table = stringOf(pos[0]);
      return { k: 'frame', frame: ip.source(node, 'table', { kind: 'table', streaming: false, table, options: new OptionMap(), node }) };
    }
    case 'sql': {
      const query = stringOf(pos[0]);
      // A query over temp views of streams is a stream; `CREATE TEMP VIEW v AS ...` registers `v`.
      const stream = sqlViewStatement(ip, node, query);
      if (stream) return { k: 'frame', frame: stream };
      const f = ip.source(node, 'sql', { kind: 'sql', streaming: false, options: new OptionMap(), node, query });
      // `... LIMIT 1`, `SELECT count(*) FROM t`: a handful of rows whatever the table holds.
      f.bounded = sqlReturnsFewRows(query);
      return { k: 'frame', frame: f };
    }
    case 'range': {
      const f = ip.source(node, 'range', { kind: 'range', streaming: false, options: new OptionMap(), node });
      // spark.range(1000) for a demo; a computed or large end may be anything.
      const ends = pos.slice(0, 2).filter((v) => v !== undefined);
      f.bounded = ends.length > 0 && ends.every((v) => v.k === 'number' && v.value <= 1_000_000);
      f.columns = ColumnMap.of([['id', { name: 'id', node, masked: false }]]);
      f.columnsComplete = true;
      return { k: 'frame', frame: f };
    }
    case 'createDataFrame':
      return { k: 'frame', frame: createDataFrame(ip, node, parts, pos, kw) };
    // `SparkSession.getActiveSession()` reaches here with the class taken for the session.
    case 'newSession':
    case 'getActiveSession':
    case 'active':
      return { k: 'session' };
    default:
      return UNKNOWN;
  }
}

function createDataFrame(ip: Interpreter, node: Node, parts: CallParts, pos: Value[], kw: ReadonlyMap<string, Value>): Frame {
  const f = ip.source(node, 'createDataFrame', {
    kind: 'createDataFrame',
    streaming: false,
    options: new OptionMap(),
    node,
    schemaValue: pos[1] ?? kw.get('schema'),
  });
  const data = parts.args[0] ?? parts.keywords.get('data');
  const dataNode = data ? unwrapParens(data) : undefined;
  // Rows built on the driver (literals, a list, a pandas frame) fit on the driver by construction;
  // an RDD may not (`createDataFrame(rdd)`, `createDataFrame(lines.map(...))`).
  f.bounded = !!dataNode && !/rdd|\.(map|flatMap|filter|mapPartitions)\s*\(|textFile|wholeTextFiles/i.test(dataNode.text);
  const schema = pos[1] ?? kw.get('schema');
  let columns = schemaColumns(schema);
  if (!columns && dataNode?.type === 'list') {
    // A list of dict literals: their keys are the columns.
    const first = dataNode.namedChildren.find((c) => c && c.type === 'dictionary');
    if (first) {
      columns = [];
      for (const pair of first.namedChildren) {
        const k = pair?.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
        if (k !== undefined) columns.push(k);
      }
    }
  }
  if (columns) {
    const types = schemaTypes(schema);
    f.columns = ColumnMap.of(columns.map((c) => [c, { name: c, node: parts.args[1] ?? node, masked: false, type: types?.get(c) }]));
    f.columnsComplete = true;
  }
  return f;
}

export function builderCall(ip: Interpreter, node: Node, parts: CallParts, method: string, configs: ConfSetInfo[], pos: Value[]): Value {
  if (method === 'config' && parts.args[0]) {
    const next = [...configs, { key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'builder.config' as const }];
    ip.model.confSets.push(next[next.length - 1]);
    return { k: 'builder', configs: next };
  }
  if (method === 'getOrCreate' || method === 'create') {
    ip.model.builders.push({ terminal: node, terminalObject: parts.object!, configs });
    return { k: 'session' };
  }
  return { k: 'builder', configs };
}

/** `spark.conf.set(key, value)`. */
export function runtimeConfCall(ip: Interpreter, node: Node, parts: CallParts, method: string, pos: Value[]): Value {
  if (method === 'set' && parts.args[0]) {
    ip.model.confSets.push({ key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'conf.set' });
  }
  return UNKNOWN;
}

/** `SparkConf().set(key, value)`, chained. */
export function sparkConfCall(ip: Interpreter, node: Node, parts: CallParts, conf: Value, method: string, pos: Value[]): Value {
  if ((method === 'set' || method === 'setIfMissing') && parts.args[0]) {
    ip.model.confSets.push({ key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'sparkconf.set' });
  }
  return conf;
}
