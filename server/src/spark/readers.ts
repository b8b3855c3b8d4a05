import { ColumnMap } from '../model/columnMap';
import type { Interpreter } from '../model/interpreter';
import { OptionMap } from '../model/optionMap';
import { stringOf, UNKNOWN, type ReaderValue, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import type { CallParts } from '../parsing/syntax';
import { sqlReturnsFewRows } from './frameSize';
import { FORMAT_METHODS, optionValue } from './options';
import { schemaColumns, schemaTypes } from './schema';
import { tableViewRead } from './tempViews';

/** `spark.read` / `spark.readStream` chains: format, options and schema, up to the call that makes a frame. */

const READER_TERMINALS = new Set(['load', 'parquet', 'json', 'csv', 'orc', 'text', 'table', 'jdbc', 'delta', 'xml', 'avro', 'textFile', 'changes']);
/** The columns every Kafka source has. */
const KAFKA_COLUMNS = ['key', 'value', 'topic', 'partition', 'offset', 'timestamp', 'timestampType'];

export function readerCall(ip: Interpreter, node: Node, parts: CallParts, r: ReaderValue, method: string, pos: Value[], kw: ReadonlyMap<string, Value>): Value {
  switch (method) {
    case 'format':
      return { ...r, format: stringOf(pos[0]) };
    case 'option': {
      const k = stringOf(pos[0]);
      if (k === undefined) return r;
      const options = new OptionMap(r.options);
      options.set(k, optionValue(pos[1]));
      return { ...r, options };
    }
    case 'options': {
      const options = new OptionMap(r.options);
      for (const [k, v] of kw) options.set(k, optionValue(v));
      return { ...r, options, optionsUnknown: r.optionsUnknown || parts.args.length > 0 };
    }
    case 'schema':
      return { ...r, schemaColumns: schemaColumns(pos[0]), schemaTypes: schemaTypes(pos[0]), schemaGiven: true, schemaValue: pos[0] };
  }
  if (!READER_TERMINALS.has(method)) return UNKNOWN;
  const format = FORMAT_METHODS.has(method) ? method : (stringOf(kw.get('format')) ?? r.format);
  const options = new OptionMap(r.options);
  for (const [k, v] of kw) if (k !== 'format' && k !== 'schema' && k !== 'path') options.set(k, optionValue(v));
  const target = stringOf(pos[0] ?? kw.get('path'));
  const isTable = method === 'table';
  // `spark.read.table("v")` of a temp view of a stream reads the stream back, as `spark.table` does.
  const view = isTable && !r.streaming ? tableViewRead(ip, node, pos[0] ?? kw.get('tableName')) : undefined;
  if (view) return { k: 'frame', frame: view };
  const jdbcTable = format === 'jdbc' ? (stringOf(pos[1] ?? kw.get('table')) ?? options.get('dbtable')) : undefined;
  const jdbcQuery = format === 'jdbc' ? (options.get('query') ?? subqueryOf(jdbcTable)) : undefined;
  const f = ip.source(node, method, {
    kind: isTable ? 'table' : 'read',
    streaming: r.streaming,
    format,
    options,
    node,
    path: isTable ? undefined : (target ?? options.get('path')),
    table: isTable ? target : undefined,
    jdbcTable,
    jdbcQuery,
    schemaGiven: !!r.schemaGiven || kw.has('schema'),
    schemaValue: r.schemaGiven ? r.schemaValue : kw.get('schema'),
    optionsUnknown: r.optionsUnknown || parts.args.some((a) => a.type === 'dictionary_splat'),
  });
  // The database runs the query: `SELECT count(*) ...`, `SELECT min(k), max(k) ...` or `... LIMIT 1`
  // hands Spark a handful of rows whatever the table holds, as the same text in spark.sql() would.
  if (sqlReturnsFewRows(jdbcQuery)) f.bounded = true;
  const cols = r.schemaColumns ?? schemaColumns(kw.get('schema'));
  const types = r.schemaColumns ? r.schemaTypes : schemaTypes(kw.get('schema'));
  if (cols) {
    f.columns = ColumnMap.of(cols.map((c) => [c, { name: c, node, masked: false, type: types?.get(c) }]));
    f.columnsComplete = true;
  } else if (format === 'kafka') {
    f.columns = ColumnMap.of(KAFKA_COLUMNS.map((c) => [c, { name: c, node, masked: false }]));
    f.columnsComplete = true;
  }
  return { k: 'frame', frame: f };
}

/** `(SELECT ...) AS q`, `(select ...) q`: the subquery a JDBC `dbtable` wraps, without its parentheses and alias. */
function subqueryOf(table: string | undefined): string | undefined {
  const m = table === undefined ? undefined : /^\s*\(([\s\S]*)\)\s*(?:as\s+)?[A-Za-z_][A-Za-z0-9_]*\s*$/i.exec(table);
  return m && /^\s*(select|with)\b/i.test(m[1]) ? m[1] : undefined;
}
