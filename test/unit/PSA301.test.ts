import * as assert from 'node:assert/strict';
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
});
