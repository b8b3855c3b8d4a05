import type { Fix, Severity } from '../../findings';
import { deleteStatement, ownsItsLines } from '../../fixes/edits';
import type { ConfSetInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { enclosingStatement, eolOf, indentAt } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';

/** Static SQL configs: `spark.conf.set` raises "Cannot modify the value of a static config". */
const STATIC_SQL = new Set([
  'spark.sql.extensions', 'spark.sql.catalogImplementation', 'spark.sql.warehouse.dir', 'spark.sql.hive.metastore.version',
  'spark.sql.hive.metastore.jars', 'spark.sql.hive.metastore.sharedPrefixes', 'spark.sql.hive.metastore.barrierPrefixes',
  'spark.sql.queryExecutionListeners', 'spark.sql.streaming.streamingQueryListeners', 'spark.sql.ui.retainedExecutions',
  'spark.sql.event.truncate.length', 'spark.sql.globalTempDatabase', 'spark.sql.sources.schemaStringLengthThreshold',
  'spark.sql.filesourceTableRelationCacheSize', 'spark.sql.codegen.cache.maxEntries', 'spark.sql.cache.serializer',
  'spark.sql.broadcastExchange.maxThreadThreshold', 'spark.sql.subquery.maxThreadThreshold',
  'spark.sql.legacy.sessionInitWithConfigDefaults', 'spark.sql.defaultUrlStreamHandlerFactory.enabled',
  'spark.sql.streaming.ui.enabled', 'spark.sql.metadataCacheTTLSeconds',
]);
/** Core configs registered with Spark: since 3.0 `spark.conf.set` rejects them ("Cannot modify the value of a Spark config"). */
const CORE_REJECTED = new Set([
  'spark.executor.memory', 'spark.driver.memory', 'spark.executor.cores', 'spark.driver.cores', 'spark.executor.instances',
  'spark.executor.memoryOverhead', 'spark.driver.memoryOverhead', 'spark.driver.maxResultSize', 'spark.serializer',
  'spark.io.encryption.enabled', 'spark.io.encryption.keySizeBits', 'spark.task.cpus', 'spark.cores.max',
  'spark.memory.fraction', 'spark.memory.storageFraction', 'spark.memory.offHeap.enabled', 'spark.memory.offHeap.size',
  'spark.kryo.registrationRequired', 'spark.kryoserializer.buffer.max', 'spark.shuffle.service.enabled',
  'spark.authenticate', 'spark.network.crypto.enabled', 'spark.eventLog.enabled', 'spark.eventLog.dir',
  'spark.submit.deployMode', 'spark.jars', 'spark.jars.packages', 'spark.files',
  'spark.default.parallelism', 'spark.speculation', 'spark.executor.extraJavaOptions', 'spark.driver.extraJavaOptions',
]);
/** Read by SparkContext at startup but not registered config entries: accepted at runtime, with no effect. */
const STARTUP_ONLY = new Set(['spark.master', 'spark.app.name', 'spark.local.dir', 'spark.driver.host', 'spark.driver.port']);
const CORE_PREFIXES = ['spark.dynamicAllocation.', 'spark.ssl.', 'spark.kubernetes.', 'spark.yarn.', 'spark.executorEnv.', 'spark.shuffle.io.'];

export function staticConfKind(key: string): { severity: Severity; why: string } | undefined {
  if (STATIC_SQL.has(key)) return { severity: 'error', why: 'is a static SQL config: spark.conf.set raises "Cannot modify the value of a static config"' };
  if (CORE_REJECTED.has(key) || key.startsWith('spark.dynamicAllocation.')) {
    return { severity: 'error', why: 'is a Spark core config fixed at startup: since Spark 3.0 spark.conf.set raises "Cannot modify the value of a Spark config"' };
  }
  if (STARTUP_ONLY.has(key) || CORE_PREFIXES.some((p) => key.startsWith(p))) return { severity: 'warning', why: 'is read when the JVM, executors or cluster start: setting it at runtime has no effect' };
  return undefined;
}

export const staticConfAtRuntime: Rule = {
  code: 'PSA501',
  name: 'static-conf-at-runtime',
  summary: 'spark.conf.set of a static or core config that Spark rejects or ignores at runtime.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const builder = ctx.model.builders[0];
    for (const conf of ctx.model.confSets) {
      if (conf.via !== 'conf.set' || !conf.key) continue;
      const kind = staticConfKind(conf.key);
      if (!kind) continue;
      // A setting that is only ignored (not rejected) costs a test fixture or a demo-data generator
      // nothing: its session is local and built above. One Spark rejects still breaks them, so it stays.
      if (kind.severity !== 'error' && ctx.code.isTestOrGenerator(conf.call)) continue;
      ctx.report({
        node: conf.call,
        severity: kind.severity,
        message: `"${conf.key}" ${kind.why}. Set it where the session is built: SparkSession.builder.config(...), spark-submit --conf or the cluster configuration.`,
        related: builder ? [related(builder.terminal, 'the session is built here')] : [],
        fixes: builder ? moveToBuilder(ctx, conf, builder.terminalObject) : [],
      });
    }
  },
};

const LITERAL = new Set(['string', 'integer', 'float', 'true', 'false', 'concatenated_string']);

function moveToBuilder(ctx: RuleContext, conf: ConfSetInfo, builderObject: Node): Fix[] {
  const stmt = enclosingStatement(conf.call);
  if (!stmt || !conf.valueNode || !ownsItsLines(ctx.text, stmt) || stmt.startIndex < builderObject.endIndex) return [];
  // Names in the key or value might not exist yet where the builder runs: move literals only.
  if (!LITERAL.has(conf.keyNode.type) || !LITERAL.has(conf.valueNode.type)) return [];
  // Multi-line builder chains get the new .config on its own line, in the chain's style.
  const between = ctx.text.slice(builderObject.endIndex, builderObject.parent!.parent!.endIndex);
  const lineBreak = /^\s*\\\r?\n/.test(between) || /^\s*\r?\n/.test(between);
  const lead = lineBreak ? (between.match(/^\s*\\?\r?\n[ \t]*/)?.[0] ?? '') : '';
  const config = `.config(${conf.keyNode.text}, ${conf.valueNode.text})`;
  const insert = lineBreak ? `${lead.includes('\\') ? ' \\' : ''}${eolOf(ctx.text)}${indentFromLead(lead, ctx.text, builderObject)}${config}` : config;
  return [
    {
      title: `Move ${conf.key} into the SparkSession.builder chain`,
      edits: [{ start: builderObject.endIndex, end: builderObject.endIndex, newText: insert }, deleteStatement(ctx.text, stmt)],
      // The setting raised (or was ignored) at runtime; in the builder it takes effect.
      applicability: 'unsafe',
      reason: 'the setting now takes effect at session start',
    },
  ];
}

function indentFromLead(lead: string, text: string, at: Node): string {
  const m = /\r?\n([ \t]*)$/.exec(lead);
  return m ? m[1] : indentAt(text, at.startIndex) + '    ';
}
