import type { Rule, RuleContext } from '../rule';
import { integerValue } from '../helpers/sessionConf';

const METHODS = new Set(['repartition', 'coalesce', 'repartitionByRange']);
const MAX_PARTITIONS = 10_000;

export const extremePartitionCount: Rule = {
  code: 'PSA305',
  name: 'extreme-partition-count',
  summary: 'repartition/coalesce to more than 10,000 partitions: scheduler and shuffle overhead, and tiny files on write.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const t of ctx.model.transforms) {
      if (!METHODS.has(t.method) || seen.has(t.call.id)) continue;
      seen.add(t.call.id);
      const args = t.call.childForFieldName('arguments');
      const first = args?.namedChildren.find((a) => a && a.type !== 'comment' && a.type !== 'keyword_argument');
      const keyword = args?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'numPartitions');
      const countNode = first ?? keyword?.childForFieldName('value');
      const n = countNode ? integerValue(countNode) : undefined;
      if (n === undefined || n <= MAX_PARTITIONS) continue;
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          `${t.method}(${n.toLocaleString('en-US')}) creates more than ${MAX_PARTITIONS.toLocaleString('en-US')} partitions: ` +
          'each one is a task to schedule and track on the driver, the shuffle has partitions x map tasks blocks to ' +
          'fetch, and a write afterwards produces at least as many small files. Aim for ~128 MB-1 GB per partition ' +
          '(100 GB is a few hundred partitions), or let AQE size shuffle partitions.',
      });
    }
  },
};
