import * as assert from 'node:assert/strict';
import { damerauLevenshtein, keyWithValue, otherBound, suggestFor, withoutSeparator } from '../../server/src/rules/configuration/PSA502-unknown-spark-conf';
import { SPARK_CONF_KEYS } from '../../server/src/spark/conf/sparkConfKeys';

describe('PSA502 unknown-spark-conf', () => {
  it('splits a key written with its value in one string, when the key part is a config', () => {
    assert.deepEqual(keyWithValue('spark.sql.catalog.spark_catalog, org.apache.iceberg.spark.SparkSessionCatalog'), {
      key: 'spark.sql.catalog.spark_catalog',
      value: 'org.apache.iceberg.spark.SparkSessionCatalog',
    });
    assert.deepEqual(keyWithValue('spark.sql.shuffle.partitions=200'), { key: 'spark.sql.shuffle.partitions', value: '200' });
    assert.deepEqual(keyWithValue('spark.executor.memory: 4g'), { key: 'spark.executor.memory', value: '4g' });
    // a misspelt key part, a bare key, a key with a trailing space, a colon with no space: not this shape
    assert.equal(keyWithValue('spark.sql.shufle.partitionz=200'), undefined);
    assert.equal(keyWithValue('spark.sql.shuffle.partitions'), undefined);
    assert.equal(keyWithValue('spark.sql.shuffle.partitions '), undefined);
    assert.equal(keyWithValue('spark.sql.shuffle.partitions,'), undefined);
  });

  it('takes the separator of a key=value line off a key that ends with it, known or not', () => {
    assert.equal(withoutSeparator('spark.streaming.concurrentJobs='), 'spark.streaming.concurrentJobs');
    assert.equal(withoutSeparator('spark.sql.shuffle.partitions :'), 'spark.sql.shuffle.partitions');
    assert.equal(withoutSeparator(' spark.executor.memory,'), 'spark.executor.memory');
    // a key with its value, a plain key, a key with a trailing space, a separator inside: not this shape
    assert.equal(withoutSeparator('spark.sql.shuffle.partitions=200'), undefined);
    assert.equal(withoutSeparator('spark.sql.shuffle.partitions'), undefined);
    assert.equal(withoutSeparator('spark.sql.shuffle.partitions '), undefined);
    assert.equal(withoutSeparator('spark.sql=shuffle.partitions'), undefined);
    assert.equal(withoutSeparator('spark.=:'), undefined);
  });

  it('knows the Spark 3.5 keys data engineers set every day', () => {
    for (const k of [
      'spark.sql.shuffle.partitions',
      'spark.sql.adaptive.enabled',
      'spark.sql.adaptive.coalescePartitions.enabled',
      'spark.sql.adaptive.skewJoin.enabled',
      'spark.sql.autoBroadcastJoinThreshold',
      'spark.sql.session.timeZone',
      'spark.sql.ansi.enabled',
      'spark.sql.execution.arrow.pyspark.enabled',
      'spark.sql.files.maxPartitionBytes',
      'spark.sql.sources.partitionOverwriteMode',
      'spark.sql.extensions',
      'spark.sql.warehouse.dir',
      'spark.sql.hive.convertMetastoreParquet',
      'spark.sql.legacy.timeParserPolicy',
      'spark.executor.memory',
      'spark.executor.cores',
      'spark.executor.memoryOverhead',
      'spark.driver.maxResultSize',
      'spark.serializer',
      'spark.kryoserializer.buffer.max',
      'spark.dynamicAllocation.enabled',
      'spark.dynamicAllocation.maxExecutors',
      'spark.shuffle.service.enabled',
      'spark.memory.fraction',
      'spark.network.timeout',
      'spark.default.parallelism',
      'spark.speculation',
      'spark.eventLog.enabled',
      'spark.ui.port',
      'spark.local.dir',
      'spark.task.maxFailures',
    ])
      assert.ok(SPARK_CONF_KEYS.has(k), k);
    assert.ok(SPARK_CONF_KEYS.size > 1000);
  });

  it('suggests only near misses and computes transpositions as one edit', () => {
    assert.equal(damerauLevenshtein('partitoins', 'partitions'), 1);
    assert.equal(damerauLevenshtein('abc', 'xyz'), 3);
    assert.deepEqual(suggestFor('spark.executor.memroy'), ['spark.executor.memory']);
    assert.deepEqual(suggestFor('spark.sql.shuffle.partitions'), []);
    assert.deepEqual(suggestFor('spark.sql.totally.custom.setting'), []);
    assert.deepEqual(suggestFor('spark.sql.Shuffle.Partitions'), ['spark.sql.shuffle.partitions']);
    assert.deepEqual(suggestFor('spark.sql.shuffle.partitions '), ['spark.sql.shuffle.partitions']);
    assert.deepEqual(suggestFor('spark.sql. adaptive.enabled'), ['spark.sql.adaptive.enabled']);
    assert.deepEqual(suggestFor('spark.sql.totally custom'), []);
  });

  it('does not offer the other bound of a min/max key as the correction of a near miss', () => {
    assert.deepEqual(suggestFor('spark.sql.adaptive.coalescePartitions.maxPartitionSize'), []);
    assert.deepEqual(otherBound('spark.sql.adaptive.coalescePartitions.maxPartitionSize'), {
      key: 'spark.sql.adaptive.coalescePartitions.minPartitionSize',
      sets: 'minimum',
      meant: 'maximum',
    });
    assert.deepEqual(otherBound('spark.sql.files.minPartitionBytes'), {
      key: 'spark.sql.files.maxPartitionBytes',
      sets: 'maximum',
      meant: 'minimum',
    });
    // a typo in a max key is still a typo; a known key and a word that only starts with max are not bounds
    assert.deepEqual(suggestFor('spark.dynamicAllocation.maxExecutor'), ['spark.dynamicAllocation.maxExecutors']);
    assert.equal(otherBound('spark.dynamicAllocation.maxExecutors'), undefined);
    assert.equal(otherBound('spark.sql.maximumPartitions'), undefined);
  });
});
