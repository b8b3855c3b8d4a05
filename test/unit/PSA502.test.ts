import * as assert from 'node:assert/strict';
import { damerauLevenshtein, suggestFor } from '../../server/src/rules/configuration/PSA502-unknown-spark-conf';
import { SPARK_CONF_KEYS } from '../../server/src/spark/conf/sparkConfKeys';
import { applyFix, check, py } from './helpers';

describe('PSA502 unknown-spark-conf', () => {
  it('flags a singular typo with the documented message and fixes it in place', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.appName("x").getOrCreate()
      spark.conf.set("spark.sql.shuffle.partition", "400")
    `);
    const [f, ...rest] = r.of('PSA502');
    assert.equal(rest.length, 0);
    assert.equal(r.textOf(f), '"spark.sql.shuffle.partition"');
    assert.equal(
      f.message,
      '"spark.sql.shuffle.partition" is not a Spark config — did you mean "spark.sql.shuffle.partitions"? Spark silently ignores unknown keys, so this setting has no effect and the default stays in force.',
    );
    const { text } = await applyFix(r, f);
    assert.match(text, /spark\.conf\.set\("spark\.sql\.shuffle\.partitions", "400"\)/);
  });

  it('flags builder configs, SparkConf().set, swapped segments and conf dicts; keeps the quote style', async () => {
    const r = await check(py`
      from pyspark import SparkConf
      from pyspark.sql import SparkSession
      conf = SparkConf().set('spark.executor.memorys', '8g')
      spark = (SparkSession.builder
               .config("spark.sql.adaptive.enable", "true")
               .config("spark.sql.partitions.shuffle", "64")
               .getOrCreate())
      TUNING = {
          "spark.sql.autoBroadcastJoinTreshold": "-1",
          "spark.sql.adaptive.skewJoin.enabled": "true",
      }
    `);
    const found = r.of('PSA502');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3, 5, 6, 9]);
    assert.match(found[1].message, /did you mean "spark\.sql\.adaptive\.enabled"/);
    assert.match(found[2].message, /did you mean "spark\.sql\.shuffle\.partitions"/);
    const a = await applyFix(r, found[0]);
    assert.match(a.text, /SparkConf\(\)\.set\('spark\.executor\.memory', '8g'\)/);
    const d = await applyFix(r, found[3]);
    assert.match(d.text, /"spark\.sql\.autoBroadcastJoinThreshold": "-1"/);
  });

  it('is silent on real keys, open namespaces, third-party connectors and far-off custom keys', async () => {
    const r = await check(py`
      spark.conf.set("spark.sql.shuffle.partitions", "200")
      spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
      spark.conf.set("spark.sql.streaming.stateStore.providerClass", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
      spark.conf.set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
      spark.conf.set("spark.databricks.delta.optimizeWrite.enabled", "true")
      spark.conf.set("spark.hadoop.fs.s3a.fast.upload", "true")
      spark.conf.set("spark.sql.catalog.glue", "org.apache.iceberg.spark.SparkCatalog")
      spark.conf.set("spark.cassandra.connection.host", "cass")
      spark.conf.set("spark.executorEnv.PYTHONHASHSEED", "0")
      spark.conf.set("spark.kubernetes.driver.annotation.team", "data")
      spark.conf.set("spark.myteam.pipeline.owner", "data-eng")
      spark.conf.set("spark.sql.adaptive", "true")
      spark.conf.set(key, "1")
      labels = {"app": "spark.sql.shuffle.partition"}
    `);
    assert.deepEqual(r.of('PSA502').map((f) => r.textOf(f)), []);
  });

  it('knows the Spark 3.5 keys data engineers set every day', () => {
    for (const k of [
      'spark.sql.shuffle.partitions', 'spark.sql.adaptive.enabled', 'spark.sql.adaptive.coalescePartitions.enabled',
      'spark.sql.adaptive.skewJoin.enabled', 'spark.sql.autoBroadcastJoinThreshold', 'spark.sql.session.timeZone',
      'spark.sql.ansi.enabled', 'spark.sql.execution.arrow.pyspark.enabled', 'spark.sql.files.maxPartitionBytes',
      'spark.sql.sources.partitionOverwriteMode', 'spark.sql.extensions', 'spark.sql.warehouse.dir',
      'spark.sql.hive.convertMetastoreParquet', 'spark.sql.legacy.timeParserPolicy', 'spark.executor.memory',
      'spark.executor.cores', 'spark.executor.memoryOverhead', 'spark.driver.maxResultSize', 'spark.serializer',
      'spark.kryoserializer.buffer.max', 'spark.dynamicAllocation.enabled', 'spark.dynamicAllocation.maxExecutors',
      'spark.shuffle.service.enabled', 'spark.memory.fraction', 'spark.network.timeout', 'spark.default.parallelism',
      'spark.speculation', 'spark.eventLog.enabled', 'spark.ui.port', 'spark.local.dir', 'spark.task.maxFailures',
    ]) assert.ok(SPARK_CONF_KEYS.has(k), k);
    assert.ok(SPARK_CONF_KEYS.size > 1000);
  });

  it('suggests only near misses and computes transpositions as one edit', () => {
    assert.equal(damerauLevenshtein('partitoins', 'partitions'), 1);
    assert.equal(damerauLevenshtein('abc', 'xyz'), 3);
    assert.deepEqual(suggestFor('spark.executor.memroy'), ['spark.executor.memory']);
    assert.deepEqual(suggestFor('spark.sql.shuffle.partitions'), []);
    assert.deepEqual(suggestFor('spark.sql.totally.custom.setting'), []);
    assert.deepEqual(suggestFor('spark.sql.Shuffle.Partitions'), ['spark.sql.shuffle.partitions']);
  });
});
