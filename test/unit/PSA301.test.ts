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
    assert.deepEqual(r.of('PSA301').map((f) => r.textOf(f)), ['by_customer.coalesce(1)', 'orders.filter(F.col("amount") > 0).repartition(1)']);
  });

  it('remove fix deletes the call; repartition fix replaces it', async () => {
    const r = await check(src);
    const [first, second] = r.of('PSA301');
    const a = await applyFix(r, first, /Remove/);
    assert.match(a.text, /by_customer\.write\.mode\("overwrite"\)/);
    const b = await applyFix(r, second, /repartition\(64\)/);
    assert.match(b.text, /orders\.filter\(F\.col\("amount"\) > 0\)\.repartition\(64\)/);
  });

  it('remove fix keeps a backslash chain valid', async () => {
    const r = await check(py`
      df = spark.read.parquet("s3://lake/in")
      df \\
          .coalesce(1) \\
          .write \\
          .csv("s3://exports/out")
    `);
    const { text } = await applyFix(r, r.of('PSA301')[0], /Remove/);
    assert.equal(text.split('\n').slice(1).join('\n').trimEnd(), 'df \\\n    .write \\\n    .csv("s3://exports/out")');
  });

  it('is silent for small frames, shuffles after coalesce, bigger counts and no write', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.parquet("s3://lake/silver/orders/")
      orders.agg(F.sum("amount").alias("total")).coalesce(1).write.json("s3://lake/reports/total/")
      orders.limit(100).coalesce(1).write.csv("s3://lake/samples/orders/")
      orders.coalesce(1).groupBy("day").count().write.parquet("s3://lake/gold/daily/")
      orders.coalesce(8).write.parquet("s3://lake/gold/orders8/")
      preview = orders.coalesce(1)
      preview.show()
      spark.createDataFrame([("a", 1)], ["k", "v"]).coalesce(1).write.csv("s3://lake/tiny/")
    `);
    assert.deepEqual(r.of('PSA301'), []);
  });
  it('is silent for aggregates on low-cardinality keys and distinct lists, still flags per-entity aggregates', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      visits = spark.read.csv("s3://lake/raw/visits.csv", header=True)
      per_region = (visits.groupBy("region")
                    .agg(F.count("*").alias("n_visits"), F.avg("minutes").alias("avg_minutes"))
                    .orderBy(F.col("n_visits").desc()))
      per_region.coalesce(1).write.mode("overwrite").option("header", True).csv("s3://reports/visits_by_region/")
      (visits.select("region").distinct()
          .withColumn("loaded_at", F.current_timestamp())
          .coalesce(1).write.mode("overwrite").parquet("s3://lake/silver/dim_region/"))
      per_visitor = visits.groupBy("visitor_id").agg(F.sum("minutes").alias("minutes"))
      per_visitor.coalesce(1).write.mode("overwrite").parquet("s3://lake/gold/visitor_minutes/")
    `);
    assert.deepEqual(r.of('PSA301').map((f) => r.textOf(f)), ['per_visitor.coalesce(1)']);
  });
});
