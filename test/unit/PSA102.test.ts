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

  it('reports the deepest variable and, separately, an ancestor reused elsewhere', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import col, count

      def build(spark):
          events = spark.read.format("delta").load("s3://lake/silver/events")
          deduped = events.dropDuplicates(["event_id"])
          daily = deduped.groupBy("event_date").agg(count("*").alias("n"))
          daily.write.format("delta").mode("overwrite").save("s3://lake/gold/daily")
          daily.toPandas().to_csv("/dbfs/reports/daily.csv")
          deduped.where(col("type") == "purchase").write.format("delta").save("s3://lake/gold/purchases")
    `);
    assert.deepEqual(r.of('PSA102').map((f) => r.textOf(f)), ['deduped', 'daily']);
    const deduped = r.of('PSA102')[0];
    assert.match(deduped.message, /computed 3 times/);
    const { text } = await applyFix(r, deduped);
    assert.match(text, /\n {4}deduped = events\.dropDuplicates\(\["event_id"\]\)\n {4}deduped = deduped\.cache\(\)\n/);
  });

  it('stays silent when the frame is cached, in-place cached, or consumed in exclusive branches', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      a = spark.table("s.a").join(spark.table("s.b"), "id")
      a = a.cache()
      a.write.saveAsTable("g.a1")
      a.write.saveAsTable("g.a2")

      b = spark.table("s.a").groupBy("k").count()
      b.persist()
      b.write.saveAsTable("g.b1")
      print(b.collect())
      b.write.saveAsTable("g.b2")

      c = spark.table("s.a").distinct()
      if mode == "full":
          c.write.mode("overwrite").saveAsTable("g.c")
      elif mode == "csv":
          c.write.csv("s3://exports/c/")
      else:
          c.toPandas()

      d = spark.table("s.a").orderBy("ts")
      try:
          d.write.saveAsTable("g.d")
      except Exception:
          d.write.saveAsTable("g.d_fallback")
    `);
    assert.deepEqual(r.of('PSA102').map((f) => r.textOf(f)), []);
  });

  it('stays silent for raw sources, cheap lineages, streaming, cheap/monitoring/emptiness actions and loops', async () => {
    const r = await check(py`
      import logging
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      log = logging.getLogger(__name__)
      spark = SparkSession.builder.getOrCreate()

      raw = spark.read.parquet("s3://lake/raw/")
      raw.write.parquet("s3://lake/copy1/")
      raw.write.parquet("s3://lake/copy2/")

      filtered = spark.read.parquet("s3://lake/raw/").where(F.col("ok")).select("a", "b")
      filtered.write.parquet("s3://lake/f1/")
      filtered.write.parquet("s3://lake/f2/")

      agg = spark.table("s.t").groupBy("k").agg(F.sum("v").alias("v"))
      log.info("groups: %d", agg.count())
      if agg.count() == 0:
          raise ValueError("no groups")
      agg.show()
      print(agg.first())
      agg.write.saveAsTable("g.agg")

      stream = spark.readStream.format("kafka").option("subscribe", "t").load()
      windowed = stream.withWatermark("timestamp", "10 minutes").groupBy(F.window("timestamp", "1 minute")).count()
      windowed.writeStream.format("delta").option("checkpointLocation", "s3://chk/a").start("s3://out/a")
      windowed.writeStream.format("delta").option("checkpointLocation", "s3://chk/b").start("s3://out/b")

      joined = spark.table("s.a").join(spark.table("s.b"), "id")
      for region in ["eu", "us"]:
          joined.where(F.col("region") == region).write.saveAsTable(f"g.{region}")
    `);
    assert.deepEqual(r.of('PSA102').map((f) => r.textOf(f)), []);
  });

  it('no fix when the definition shares its line with another statement', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      x = spark.table("a").join(spark.table("b"), "k"); y = 1
      x.write.saveAsTable("c")
      x.write.saveAsTable("d")
    `);
    assert.equal(r.of('PSA102').length, 1);
    assert.equal(r.of('PSA102')[0].fixes.length, 0);
  });
});
