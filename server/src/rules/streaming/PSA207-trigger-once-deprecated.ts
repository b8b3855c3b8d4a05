import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';
import { isDisplayFormat } from '../../spark/writers';
import { chainHasWriteStream } from '../helpers/writerChain';

/** How far down a writer chain (`x.writeStream.format(...)....trigger`) we look for `writeStream`. */
const MAX_CHAIN = 200;

export const triggerOnceDeprecated: Rule = {
  code: 'PSA207',
  name: 'trigger-once-deprecated',
  summary: 'trigger(once=True) is deprecated (Spark 3.4) and ignores rate limits; use trigger(availableNow=True).',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const sinkTriggers = ctx.model.sinks.flatMap((s) => (s.trigger ? [s.trigger] : []));
    // Only the calls named `trigger` (the shared index), in document order as before.
    for (const call of callsNamed(ctx.model, 'trigger')) {
      const parts = callParts(call);
      if (parts?.name !== 'trigger' || !parts.object) continue;
      const once = parts.keywords.get('once');
      if (!once || unwrapParens(once).type !== 'true') continue;
      if (!sinkTriggers.some((t) => sameNode(t, call)) && !chainHasWriteStream(parts.object)) continue;
      // A console or memory sink is a demo of triggers, not a production query that could outgrow one batch.
      // The chain's own format() answers when the model has no sink for it (a notebook cell whose frame is bound in a later cell).
      const sink = ctx.model.sinks.find((x) => x.trigger && sameNode(x.trigger, call));
      const format = sink ? sink.format : chainFormat(call);
      if (isDisplayFormat(format)) continue;
      const keyword = once.parent!;
      ctx.report({
        node: keyword,
        message:
          'trigger(once=True) is deprecated since Spark 3.4: it processes everything available in one micro-batch, ' +
          'ignoring maxFilesPerTrigger / maxOffsetsPerTrigger, so a backlog after an outage becomes one huge batch ' +
          'that can run out of memory. trigger(availableNow=True) (Spark 3.3+) processes the same data in ' +
          'rate-limited batches and then stops.',
        fixes: [
          {
            title: 'Replace with availableNow=True (Spark 3.3+)',
            edits: [{ start: keyword.startIndex, end: keyword.endIndex, newText: 'availableNow=True' }],
            // Same data, several rate-limited batches: foreachBatch runs per batch, watermarks advance between them.
            applicability: 'unsafe',
            reason: 'processes the backlog in several batches; needs Spark 3.3+',
          },
        ],
      });
    }
  },
};

/** `format("console")` (or `start(format=...)`) anywhere on the writer chain `call` belongs to, when it is a literal. */
function chainFormat(call: Node): string | undefined {
  // Up to the outermost call of the chain (`....trigger(once=True).format("console").start()`).
  let top: Node = call;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const parent = top.parent;
    if (parent?.type === 'attribute' && sameNode(parent.childForFieldName('object'), top) && parent.parent?.type === 'call') top = parent.parent;
    else if (parent?.type === 'parenthesized_expression') top = parent;
    else break;
  }
  // Then down through every call of it.
  let n: Node | null = top;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type !== 'call') {
      // Below `.writeStream` is the query's source, whose format is not the sink's.
      if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text === 'writeStream') return undefined;
      n = n.childForFieldName('object');
      continue;
    }
    const parts = callParts(n);
    const format = parts?.name === 'format' ? literalString(parts.args[0]) : parts?.name === 'start' ? literalString(parts.keywords.get('format')) : undefined;
    if (format !== undefined) return format;
    n = n.childForFieldName('function');
  }
  return undefined;
}
