import type { Interpreter } from '../model/interpreter';
import { OptionMap } from '../model/optionMap';
import type { DataFrameModel } from '../model/types';
import { exactStringOf, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import type { CallParts } from '../parsing/syntax';

/**
 * AWS Glue jobs: their session is `glueContext.spark_session` (see session.ts), their inputs
 * DynamicFrames the model does not follow. Where a Glue job turns one into a DataFrame (`dyf.toDF()`,
 * see calls.ts) or reads a DataFrame directly (`glueContext.create_data_frame.from_catalog(...)`),
 * the rules see a frame again.
 */

const glueFiles = new WeakMap<DataFrameModel, boolean>();

/** The file imports `awsglue` (a Glue job script or notebook). */
export function usesGlue(model: DataFrameModel): boolean {
  let v = glueFiles.get(model);
  if (v === undefined) {
    v = /^\s*(from\s+awsglue\b|import\s+awsglue\b)/m.test(model.root.text);
    glueFiles.set(model, v);
  }
  return v;
}

/** `create_data_frame.from_catalog`, `create_data_frame_from_options`, ...: Glue readers that return a DataFrame. */
const DATA_FRAME_READERS = /^create_data_frame(_from_(catalog|options))?$/;
/** Glue's streaming connections: their DataFrames are streaming ones. */
const STREAMING_CONNECTIONS = new Set(['kafka', 'kinesis']);

/** A frame from a Glue reader the model has no value for: `glueContext.create_data_frame.from_catalog(...)`. */
export function glueFrame(ip: Interpreter, node: Node, parts: CallParts, method: string, kw: Map<string, Value>): Value | undefined {
  if (!usesGlue(ip.model) || !parts.object) return undefined;
  const reader = parts.object.type === 'attribute' ? parts.object.childForFieldName('attribute')?.text : undefined;
  const direct = DATA_FRAME_READERS.test(method) ? method : reader && DATA_FRAME_READERS.test(reader) ? `${reader}.${method}` : undefined;
  if (!direct) return undefined;
  const database = exactStringOf(kw.get('database'));
  const table = exactStringOf(kw.get('table_name'));
  const connection = exactStringOf(kw.get('connection_type'))?.toLowerCase();
  // A catalog table may be a Kinesis or Kafka stream: streaming unknown unless the connection says.
  const streaming = connection !== undefined ? STREAMING_CONNECTIONS.has(connection) : undefined;
  const frame = ip.source(node, 'create_data_frame', {
    kind: table !== undefined ? 'table' : 'read',
    streaming: streaming ?? false,
    table: table !== undefined ? (database !== undefined ? `${database}.${table}` : table) : undefined,
    options: new OptionMap(),
    node,
  });
  frame.streaming = streaming;
  return { k: 'frame', frame };
}
