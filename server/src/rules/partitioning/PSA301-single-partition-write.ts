import type { Fix } from '../../findings';
import { removeChainCall } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode, unwrapParens } from '../../parsing/syntax';
import { reducedToFewRows } from '../helpers/fewRows';
import { related, type Rule, type RuleContext } from '../rule';
import { withPlaceholders } from '../../fixes/edits';

const SUGGESTED_PARTITIONS = 64;

export const singlePartitionWrite: Rule = {
  code: 'PSA301',
  name: 'single-partition-write',
  summary: 'coalesce(1)/repartition(1) feeding a write: the whole dataset goes through one task and one file.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      const single = sink.frame.singlePartition;
      // An aggregate by country or a distinct list of states is small: one file is what the reader wants.
      if (!single || sink.frame.bounded || seen.has(single.id) || reducedToFewRows(ctx, sink.frame)) continue;
      // `coalesce(n)` with n computed elsewhere (from file sizes, say) is sized on purpose, even if one branch sets 1.
      if (computedCount(single)) continue;
      // A JDBC target may take one writer only (SQLite, a table locked per connection): one partition is the point.
      if (sink.method === 'jdbc' || /jdbc/i.test(sink.format ?? '')) continue;
      seen.add(single.id);
      const method = callParts(single)?.name ?? 'coalesce';
      ctx.report({
        node: single,
        message:
          `${method}(1) before a write funnels the whole dataset through a single task: one executor does all the work ` +
          '(and with coalesce, the upstream stages too), then writes one huge file. Let Spark write in parallel, or ' +
          'repartition to a count sized for ~128 MB-1 GB files.',
        related: [related(sink.call, 'written here')],
        fixes: fixes(single, method),
      });
    }
  },
};

/** The partition count is a name some assignment in its scope binds to something other than the literal 1. */
function computedCount(call: Node): boolean {
  const arg = callParts(call)?.args[0];
  const name = arg ? unwrapParens(arg) : undefined;
  if (name?.type !== 'identifier') return false;
  const scope = enclosingScope(call);
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const n = stack.pop()!;
    if (!sameNode(n, scope) && (n.type === 'function_definition' || n.type === 'class_definition')) continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === name.text) {
      const right = n.childForFieldName('right');
      if (!right || unwrapParens(right).text !== '1') return true;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function fixes(call: Node, method: string): Fix[] {
  const out: Fix[] = [];
  const remove = removeChainCall(call);
  // Same rows, but one file (one JDBC connection) per partition: single-file exports depend on it.
  if (remove) out.push({ title: `Remove ${method}(1)`, edits: [remove], applicability: 'unsafe', reason: 'writes one file per partition instead of one file' });
  const name = call.childForFieldName('function')?.childForFieldName('attribute');
  const args = call.childForFieldName('arguments');
  if (name && args) {
    out.push({
      title: `Replace with repartition(${SUGGESTED_PARTITIONS}) (size it for your data)`,
      edits: [withPlaceholders({ start: name.startIndex, end: args.endIndex, newText: `repartition(${SUGGESTED_PARTITIONS})` }, String(SUGGESTED_PARTITIONS))],
      applicability: 'display-only',
      reason: 'size the partition count for your data',
    });
  }
  return out;
}
