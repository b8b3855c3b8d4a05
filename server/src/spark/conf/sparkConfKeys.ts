import { CONF_KEYS } from './sparkConf';

/**
 * Spark configuration keys PSA502 treats as real, for "did you mean" on near-miss typos.
 *
 * The keys live in the bundled table (server/src/spark/conf/sparkConfTable.json), transcribed from
 * Apache Spark's own registries including deprecated and removed keys. A key missing there can
 * only cause a finding when it is within a couple of edits of a listed key, which is why
 * completeness matters more than brevity.
 */

/** Every key PSA502 knows is a Spark config. */
export const SPARK_CONF_KEYS: ReadonlySet<string> = CONF_KEYS;

/**
 * Namespaces whose keys are free-form (user-chosen names, pass-through to Hadoop/JVM/connectors)
 * or owned by a vendor whose key set this list does not track: never reported.
 */
export const OPEN_CONF_PREFIXES: readonly string[] = [
  'spark.hadoop.',
  'spark.hive.',
  'spark.executorEnv.',
  'spark.yarn.appMasterEnv.',
  'spark.yarn.executorEnv.',
  'spark.kubernetes.',
  'spark.sql.catalog.',
  'spark.databricks.',
  'spark.delta.',
  'spark.metrics.conf.',
  'spark.driver.extra',
  'spark.executor.extra',
  'spark.driver.resource.',
  'spark.executor.resource.',
  'spark.task.resource.',
  'spark.worker.resource.',
  'spark.ssl.',
  'spark.history.',
  'spark.deploy.',
  'spark.worker.',
  'spark.sql.streaming.stateStore.rocksdb.',
  'spark.sql.extensions.',
  'spark.sql.iceberg.',
  // Apache Iceberg's write-audit-publish session properties (`spark.wap.id`, `spark.wap.branch`), read by its Spark writer.
  'spark.wap.',
  'spark.sql.hudi.',
  'spark.sql.dataprep.',
  'spark.sql.connect.',
  'spark.connect.',
  'spark.cassandra.',
  'spark.mongodb.',
  'spark.es.',
  'spark.snowflake.',
  'spark.redis.',
  'spark.jars.',
  'spark.rapids.',
  'spark.gluten.',
  'spark.comet.',
  'spark.jsl.',
  'spark.datasource.',
  'spark.dataproc.',
  'spark.emr.',
  'spark.emr-serverless.',
  'spark.glue.',
  'spark.synapse.',
  'spark.microsoft.',
  'spark.openlineage.',
  'spark.hoodie.',
  'spark.kafka.',
  'spark.sql.kafka.',
  'spark.neo4j.',
  'spark.bigquery.',
  'spark.scheduler.listenerbus.eventqueue.',
  'spark.plugins.',
  'spark.shuffle.push.server.',
  'spark.network.crypto.config.',
  'spark.io.encryption.commons.config.',
  'spark.sql.hive.metastore.',
  'spark.eventLog.gcMetrics.',
  'spark.celeborn.',
  'spark.uniffle.',
  'spark.blaze.',
  'spark.auron.',
];
