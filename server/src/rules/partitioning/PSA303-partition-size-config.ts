import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { booleanSetting, byteSize, integerSetting, literalValue, type LiteralValue } from '../helpers/sessionConf';
import { callsNamedAny } from '../helpers/callIndex';

const GIB = 2 ** 30;
const MIN_SHUFFLE_PARTITIONS = 8;
/** How far down a builder chain `.master(...)` is looked for. */
const MAX_CHAIN = 500;

interface Check {
  /** A message when `value` is harmful, else undefined. */
  problem(value: LiteralValue): string | undefined;
}

const CHECKS: Record<string, Check> = {
  'spark.sql.files.maxPartitionBytes': {
    problem(value) {
      const bytes = byteSize(value);
      if (bytes === undefined || bytes <= GIB) return undefined;
      return (
        `spark.sql.files.maxPartitionBytes = ${String(value)} (${formatBytes(bytes)}) makes each file-scan task read ` +
        'over 1 GB: fewer, bigger tasks mean less parallelism, long straggler tasks and executors spilling or running ' +
        'out of memory (the decompressed data is several times larger). The default, 128 MB, is right for most jobs; ' +
        'stay at or below 1 GB.'
      );
    },
  },
  'spark.sql.shuffle.partitions': {
    problem(value) {
      const n = integerSetting(value);
      if (n === undefined || n >= MIN_SHUFFLE_PARTITIONS) return undefined;
      return (
        `spark.sql.shuffle.partitions = ${n}: every join, groupBy and window then runs in ${n} task${n === 1 ? '' : 's'}, ` +
        'so most of the cluster sits idle and each task holds a huge share of the data (spills, out-of-memory, skew). ' +
        'Size it for ~100-200 MB per shuffle partition, or leave it high and let AQE coalesce partitions.'
      );
    },
  },
  'spark.sql.adaptive.enabled': {
    problem(value) {
      if (booleanSetting(value) !== false) return undefined;
      return (
        'Adaptive Query Execution is turned off: Spark stops coalescing small shuffle partitions, splitting skewed ' +
        'join partitions and switching to broadcast joins at runtime, all of which are on by default since Spark 3.2. ' +
        'Remove this setting unless you are working around a specific AQE bug.'
      );
    },
  },
};

export const partitionSizeConfig: Rule = {
  code: 'PSA303',
  name: 'partition-size-config',
  summary: 'Session configs that wreck partitioning: maxPartitionBytes above 1 GB, shuffle.partitions below 8, AQE disabled.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    if (ctx.model.confSets.length === 0 || isLocalTestSession(ctx.model)) return;
    const seen = new Set<number>();
    for (const conf of ctx.model.confSets) {
      const check = conf.key !== undefined ? CHECKS[conf.key] : undefined;
      if (!check || !conf.valueNode || seen.has(conf.valueNode.id)) continue;
      seen.add(conf.valueNode.id);
      const value = literalValue(conf.valueNode);
      const problem = value !== undefined ? check.problem(value) : undefined;
      if (problem) ctx.report({ node: conf.valueNode, message: problem });
    }
  },
};

/**
 * Tiny shuffle partitions and AQE off are standard for unit-test sessions on `local[*]`; a file
 * that builds a local master or imports a test framework is a test fixture, not a production job.
 */
function isLocalTestSession(model: DataFrameModel): boolean {
  for (const b of model.builders) {
    let n: Node | null = b.terminalObject;
    for (let i = 0; n && i < MAX_CHAIN; i++) {
      const parts = n.type === 'call' ? callParts(n) : undefined;
      if (parts?.name === 'master' && /^local(\[|$)/.test(literalString(parts.args[0]) ?? '')) return true;
      n = n.type === 'call' ? n.childForFieldName('function') : n.type === 'attribute' ? n.childForFieldName('object') : null;
    }
  }
  if (model.confSets.some((c) => c.key === 'spark.master' && /^local(\[|$)/.test(literalString(c.valueNode) ?? ''))) return true;
  // A builder kept in a variable (`b = SparkSession.builder.master("local[2]")...; b.getOrCreate()`),
  // or `SparkConf().setMaster("local[*]")`: the chain above does not reach these.
  for (const call of callsNamedAny(model, ['master', 'setMaster'])) {
    const parts = call ? callParts(call) : undefined;
    if ((parts?.name === 'master' || parts?.name === 'setMaster') && parts.object && /^local(\[|$)/.test(literalString(parts.args[0]) ?? '')) return true;
  }
  return model.imports.statements.some((s) => /^\s*(import|from)\s+(pytest|unittest|chispa)\b/.test(s.text));
}

function formatBytes(bytes: number): string {
  if (bytes >= GIB && bytes % GIB === 0) return `${bytes / GIB} GB`;
  return `${(bytes / GIB).toFixed(1)} GB`;
}
