import type { Interpreter } from '../model/interpreter';
import { UNKNOWN, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import type { CallParts } from '../parsing/syntax';
import { frameCall, groupedCall, naAttribute } from './frames';
import { readerCall } from './readers';
import { schemaCall, schemaConstructor } from './schema';
import { builderCall, runtimeConfCall, sessionAttribute, sessionCall, sessionConstructor, sessionFromUnknownReceiver, sparkConfCall } from './session';
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
export function sparkMethodCall(ip: Interpreter, node: Node, parts: CallParts, obj: Value, method: string, pos: Value[], kw: Map<string, Value>): Value {
  // `F.broadcast(df)` is a join hint: the same data, so the same frame (and its lineage).
  if (method === 'broadcast' && pos[0]?.k === 'frame' && parts.object?.type === 'identifier' && ip.model.imports.functionsAliases.has(parts.object.text))
    return pos[0];
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
      return parts.object ? (sessionFromUnknownReceiver(parts.object, method) ?? UNKNOWN) : UNKNOWN;
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
