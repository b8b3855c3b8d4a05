import * as assert from 'node:assert/strict';
import type { Settings } from '../../shared/settings';
import { applyFix, check, py } from './helpers';

describe('PSA301 single-partition-write', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.parquet("s3://lake/silver/orders/")
    by_customer = orders.groupBy("customer_id").agg(F.sum("amount").alias("total"))
    by_customer.coalesce(1).write.mode("overwrite").parquet("s3://lake/gold/customer_totals/")

    single = orders.filter(F.col("amount") > 0).repartition(1)
    single \\
        .withColumn("loaded_at", F.current_timestamp()) \\
        .write.format("delta").save("s3://lake/gold/orders_positive/")
  `;

  it('flags coalesce(1) and repartition(1) that feed a write, through variables and narrow transformations', async () => {
    const r = await check(src);
    assert.deepEqual(
      r.of('PSA301').map((f) => r.textOf(f)),
      ['by_customer.coalesce(1)', 'orders.filter(F.col("amount") > 0).repartition(1)'],
    );
  });

  it('remove fix deletes the call; repartition fix replaces it', async () => {
    const r = await check(src);
    const [first, second] = r.of('PSA301');
    const a = await applyFix(r, first, /Remove/);
    assert.match(a.text, /by_customer\.write\.mode\("overwrite"\)/);
    const b = await applyFix(r, second, /repartition\(64\)/);
    assert.match(b.text, /orders\.filter\(F\.col\("amount"\) > 0\)\.repartition\(64\)/);
  });

  describe('strict (opt-in): most single-file writes on real code are deliberate', () => {
    // Written from scratch after the corpora's classes: a master-data list loaded as one file on
    // purpose, and a whole fact table funnelled through one task before partitionBy. The code has
    // the same shape; only the data size, which is not in it, tells them apart.
    const job = py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.appName("bronze_ingest").getOrCreate()

      stores = spark.read.csv("/landing/master/stores.csv", header=True, sep=";")
      stores = stores.withColumn("ingested_at", F.current_timestamp()).coalesce(1)
      stores.write.format("delta").mode("overwrite").saveAsTable("bronze.master_stores")

      events = spark.table("raw.web_events").withColumn("event_date", F.to_date("event_ts"))
      events.coalesce(1).write.partitionBy("event_date").mode("overwrite").parquet("/mnt/lake/curated/web_events")
    `;

    it('is silent with the settings a new user has', async () => {
      const r = await check(job, { 'rules.strict': false });
      assert.deepEqual(r.of('PSA301'), []);
      assert.ok(r.findings.every((f) => f.code !== 'PSA301'));
    });

    it('reports both once turned on: rules.strict, a severity for it, or its code selected', async () => {
      const expected = ['stores.withColumn("ingested_at", F.current_timestamp()).coalesce(1)', 'events.coalesce(1)'];
      const ways: [string, Partial<Settings>, { select?: string[] }][] = [
        ['rules.strict', { 'rules.strict': true }, {}],
        ['a severity', { 'rules.strict': false, 'rules.severity': { PSA301: 'error' } }, {}],
        ['--select', { 'rules.strict': false }, { select: ['PSA301'] }],
      ];
      for (const [how, settings, options] of ways) {
        const r = await check(job, settings, options);
        assert.deepEqual(
          r.of('PSA301').map((f) => r.textOf(f)),
          expected,
          how,
        );
      }
      const severe = await check(job, { 'rules.strict': false, 'rules.severity': { PSA301: 'error' } });
      assert.ok(severe.of('PSA301').every((f) => f.severity === 'error'));
    });
  });
});
