import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA503 conflicting-conf', () => {
  it('flags dynamic allocation with fixed executor instances, at the later setting', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = (SparkSession.builder
               .appName("nightly-orders")
               .config("spark.dynamicAllocation.enabled", "true")
               .config("spark.executor.instances", "20")
               .config("spark.executor.memory", "8g")
               .getOrCreate())
    `);
    const [f, ...rest] = r.of('PSA503');
    assert.equal(rest.length, 0);
    assert.equal(f.severity, 'warning');
    assert.equal(r.lineOf(f), 5);
    assert.match(f.message, /^Dynamic allocation is on, so spark\.executor\.instances = 20 does not fix the executor count: Spark starts with the largest of spark\.executor\.instances, spark\.dynamicAllocation\.minExecutors and spark\.dynamicAllocation\.initialExecutors/);
    assert.equal(f.related.length, 1);
    assert.equal(r.text.slice(f.related[0].start, f.related[0].end), 'config("spark.dynamicAllocation.enabled", "true")');
    assert.equal(f.related[0].message, 'spark.dynamicAllocation.enabled is set here');
    assert.deepEqual(f.fixes, []);
  });

  it('flags min > max executors, dynamic allocation with nothing to keep shuffle files, and AQE features with AQE off', async () => {
    const r = await check(py`
      from pyspark import SparkConf
      from pyspark.sql import SparkSession

      conf = (SparkConf()
              .set("spark.dynamicAllocation.enabled", True)
              .set("spark.dynamicAllocation.minExecutors", "50")
              .set("spark.dynamicAllocation.maxExecutors", "10")
              .set("spark.shuffle.service.enabled", "false")
              .set("spark.dynamicAllocation.shuffleTracking.enabled", "false"))
      spark = SparkSession.builder.config(conf=conf).getOrCreate()

      SQL_TUNING = {
          "spark.sql.adaptive.enabled": "false",
          "spark.sql.adaptive.coalescePartitions.enabled": "true",
          "spark.sql.adaptive.skewJoin.enabled": "true",
      }
    `);
    const found = r.of('PSA503');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [7, 9, 14, 15]);
    assert.match(found[0].message, /minExecutors \(50\) is larger than spark\.dynamicAllocation\.maxExecutors \(10\)/);
    assert.match(found[1].message, /external shuffle service and shuffle tracking are both off.*fails to start/);
    assert.equal(found[1].related.length, 2);
    assert.match(found[2].message, /^spark\.sql\.adaptive\.coalescePartitions\.enabled = true has no effect because spark\.sql\.adaptive\.enabled is false/);
    assert.match(found[3].message, /skewJoin\.enabled = true has no effect/);
    assert.equal(r.textOf(found[3]), '"spark.sql.adaptive.skewJoin.enabled": "true"');
  });

  it('compares settings of one straight-line block, never across branches, functions or dicts', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      def session(env):
          builder = SparkSession.builder.appName("orders")
          if env == "prod":
              builder = builder.config("spark.dynamicAllocation.enabled", "true")
          else:
              builder = builder.config("spark.executor.instances", "2")
          return builder.getOrCreate()

      DEV = {"spark.sql.adaptive.enabled": "false"}
      PROD = {"spark.sql.adaptive.skewJoin.enabled": "true"}
    `);
    assert.deepEqual(r.of('PSA503'), []);
  });

  it('is silent on consistent, non-literal or overridden settings', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      executors = int(os.environ["EXECUTORS"])
      spark = (SparkSession.builder
               .config("spark.dynamicAllocation.enabled", "false")
               .config("spark.executor.instances", "20")
               .config("spark.dynamicAllocation.minExecutors", "2")
               .config("spark.dynamicAllocation.maxExecutors", "40")
               .getOrCreate())
      k8s = (SparkSession.builder
             .config("spark.dynamicAllocation.enabled", "true")
             .config("spark.shuffle.service.enabled", "false")
             .config("spark.dynamicAllocation.shuffleTracking.enabled", "true")
             .config("spark.executor.instances", executors)
             .getOrCreate())
      spark.conf.set("spark.sql.adaptive.enabled", "false")
      spark.conf.set("spark.sql.adaptive.skewJoin.enabled", "true")
      spark.conf.set("spark.sql.adaptive.enabled", "true")

      def tune(session, aqe):
          session.conf.set("spark.sql.adaptive.coalescePartitions.enabled", "true")
          session.conf.set("spark.sql.adaptive.enabled", "false")
          session.conf.set("spark.sql.adaptive.enabled", aqe)
    `);
    assert.deepEqual(r.of('PSA503').map((f) => r.textOf(f)), []);
  });

  it('does not report a setting the file also changes elsewhere, and knows shuffle tracking defaults on since 3.4', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = (SparkSession.builder
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.sql.adaptive.skewJoin.enabled", "true")
               .config("spark.dynamicAllocation.enabled", "true")
               .config("spark.shuffle.service.enabled", "false")
               .getOrCreate())

      def enable_aqe():
          spark.sql("SET spark.sql.adaptive.enabled=true")
    `);
    assert.deepEqual(r.of('PSA503'), []);
  });
});
