import type { Interpreter } from '../model/interpreter';
import type { Frame } from '../model/types';
import { stringOf, type Value } from '../model/values';
import type { Node } from '../parsing/pythonParser';
import type { CallParts } from '../parsing/syntax';

/** What Structured Streaming adds to a frame chain: watermarks, and joins of two streams. */

/** `df.withWatermark("event_time", "10 minutes")`. */
export function withWatermark(ip: Interpreter, frame: Frame, node: Node, pos: Value[]): Value {
  return { k: 'frame', frame: ip.derive(frame, node, 'withWatermark', { watermark: { column: stringOf(pos[0]), node } }) };
}

/** A join of two streaming frames keeps state on both sides: recorded with the aggregations. */
export function noteStreamJoin(ip: Interpreter, node: Node, parts: CallParts, frame: Frame, other: Frame, pos: Value[], kw: ReadonlyMap<string, Value>): void {
  if (!frame.streaming || !other.streaming) return;
  ip.model.aggregations.push({
    kind: 'join',
    input: frame,
    other,
    call: node,
    methodNode: parts.nameNode!,
    receiver: parts.object!,
    joinCondition: parts.args[1] ?? parts.keywords.get('on'),
    joinHow: stringOf(pos[2] ?? kw.get('how')),
  });
}

/** The second parameter of a foreachBatch function: `(batch_df, epoch_id)`, `(micro_df, batchId)`. */
const BATCH_ID_PARAMETER = /^(epoch|batch|micro_?batch)_?(id|num|number|no|idx)$/i;

/** The parameters of a function as names with their nodes, `self`/`cls` of a method left out. */
function parameterNodes(def: Node): Node[] {
  const params = def.childForFieldName('parameters');
  if (!params) return [];
  const out: Node[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') out.push(p);
    else if (p.type === 'typed_parameter') {
      const name = p.namedChildren.find((c) => c?.type === 'identifier');
      if (name) out.push(p);
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') out.push(p);
  }
  const first = out[0] && parameterName(out[0]);
  return first === 'self' || first === 'cls' ? out.slice(1) : out;
}

function parameterName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  if (p.type === 'typed_parameter') return p.namedChildren.find((c) => c?.type === 'identifier')?.text;
  return p.childForFieldName('name')?.text;
}

/** The frame Spark hands a foreachBatch function: a static (batch) DataFrame of one micro-batch. */
export function batchFrame(ip: Interpreter, param: Node, def: Node): Frame {
  const frame = ip.source(param, 'foreachBatch', { kind: 'foreachBatch', streaming: false, options: new Map(), node: param });
  frame.scope = def;
  return frame;
}

/**
 * Whether `param` is the frame parameter of a function written for foreachBatch, known from its
 * shape when the function is analysed without its caller (defined in another module, handed over
 * as `self.process` or `partial(process, ...)`): `def f(batch_df, epoch_id)`.
 */
export function isBatchFrameParameter(def: Node, param: Node): boolean {
  const params = parameterNodes(def);
  if (params.length < 2 || params[0].id !== param.id) return false;
  const second = parameterName(params[1]);
  const annotation = param.childForFieldName('type')?.text ?? '';
  return !!second && BATCH_ID_PARAMETER.test(second) && !/pandas|pd\./.test(annotation);
}

/** `writeStream.foreachBatch(process)`: Spark calls `process(batch_df, epoch_id)` once per micro-batch. */
export function runBatchHandler(ip: Interpreter, handler: Value | undefined): void {
  if (handler?.k !== 'function') return;
  const first = parameterNodes(handler.def)[0];
  if (!first) return;
  const frame = batchFrame(ip, first, handler.def);
  ip.callFunction(handler.def, handler.closure, [{ k: 'frame', frame }], new Map(), false);
}
