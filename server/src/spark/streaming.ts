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
export function noteStreamJoin(ip: Interpreter, node: Node, parts: CallParts, frame: Frame, other: Frame, pos: Value[], kw: Map<string, Value>): void {
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
