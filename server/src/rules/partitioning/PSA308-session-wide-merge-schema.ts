import { booleanSetting, literalValue } from '../helpers/sessionConf';
import { buildsLocalSession } from '../helpers/sessionBinding';
import type { Rule, RuleContext } from '../rule';

/** Session settings that turn schema merging on for every read of the format. */
const MERGE_SCHEMA_KEYS: Record<string, string> = {
  'spark.sql.parquet.mergeSchema': 'Parquet',
  'spark.sql.orc.mergeSchema': 'ORC',
};

export const sessionWideMergeSchema: Rule = {
  code: 'PSA308',
  name: 'session-wide-merge-schema',
  summary: 'spark.sql.parquet.mergeSchema / spark.sql.orc.mergeSchema set to true: every read of the session opens every file footer to merge schemas.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    if (buildsLocalSession(ctx.text)) return;
    const seen = new Set<number>();
    for (const conf of ctx.model.confSets) {
      const format = conf.key !== undefined ? MERGE_SCHEMA_KEYS[conf.key] : undefined;
      if (!format || !conf.valueNode || seen.has(conf.valueNode.id)) continue;
      seen.add(conf.valueNode.id);
      if (booleanSetting(literalValue(conf.valueNode)) !== true) continue;
      ctx.report({
        node: conf.valueNode,
        message:
          `${conf.key} = true turns schema merging on for every ${format} read of the session: before each read, Spark ` +
          'opens the footer of every file under the path to merge their schemas, a driver-side job that grows with the ' +
          'file count (thousands of files: minutes per read), for tables whose schema never changed as much as for the ' +
          'one that did. Spark turned it off by default in 1.5 for that reason. Set .option("mergeSchema", "true") on ' +
          'the reads that need it and remove the session setting.',
      });
    }
  },
};
