import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA102 uncached-reuse', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.parquet("s3://lake/silver/orders/")
    customers = spark.table("crm.customers")

    enriched = orders \\
        .join(customers, "customer_id") \\
        .withColumn("net", F.col("amount") - F.col("discount"))

    enriched.write.mode("overwrite").parquet("s3://lake/gold/orders_enriched/")
    (enriched
        .groupBy("country")
        .agg(F.sum("net").alias("revenue"))
        .write.mode("overwrite").saveAsTable("gold.revenue_by_country"))
    n = enriched.count()
    if n > 1_000_000:
        print("large batch")
  `;

  it('reports the branch point of a joined frame consumed by two writes and a count', async () => {
    const r = await check(src);
    const found = r.of('PSA102');
    assert.equal(found.length, 1);
    assert.equal(r.textOf(found[0]), 'enriched');
    assert.equal(r.lineOf(found[0]), 8);
    assert.match(found[0].message, /computed 3 times/);
    assert.match(found[0].message, /join\(\)/);
    assert.equal(found[0].related.length, 3);
  });

  it('cache fix inserts the cache right after the definition and clears the finding', async () => {
    const r = await check(src);
    const { text, after } = await applyFix(r, r.of('PSA102')[0], /Cache/);
    assert.match(text, /\.withColumn\("net", F\.col\("amount"\) - F\.col\("discount"\)\)\nenriched = enriched\.cache\(\)\n/);
    assert.equal(after.of('PSA102').length, 0);
  });
});
