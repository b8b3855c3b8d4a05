import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA601 layer-skip / PSA602 layer-backflow', () => {
  it('PSA601: a gold table built straight from bronze, reported at the read', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F

      def build_gold_revenue(spark):
          orders = spark.read.format("delta").load("s3://lake/bronze/orders")
          daily = orders.groupBy("order_date").agg(F.sum("amount").alias("revenue"))
          daily.write.format("delta").mode("overwrite").saveAsTable("gold.daily_revenue")
    `);
    const [f] = r.of('PSA601');
    assert.ok(f);
    assert.equal(r.textOf(f), 'spark.read.format("delta").load("s3://lake/bronze/orders")');
  });

  it('PSA601: a lambda serving step reading raw history', async () => {
    const r = await check(py`
      def batch_layer(spark):
          spark.read.parquet("s3://lake/raw/events").groupBy("day").count().write.parquet("s3://lake/batch-views/daily")

      def speed_layer(spark):
          s = spark.readStream.format("kafka").option("subscribe", "events").load()
          s.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/speed").start("s3://lake/speed-views/live")

      def serving_layer(spark):
          batch = spark.read.parquet("s3://lake/batch-views/daily")
          live = spark.read.format("delta").load("s3://lake/speed-views/live")
          raw = spark.read.parquet("s3://lake/raw/events")
          return batch.unionByName(live, allowMissingColumns=True).unionByName(raw, allowMissingColumns=True)
    `);
    assert.deepEqual(r.of('PSA601').map((f) => r.lineOf(f)), [11]);
  });

  it('PSA601 silent on proper bronze -> silver -> gold flows', async () => {
    const r = await check(py`
      def silver(spark):
          spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")

      def gold(spark):
          spark.read.format("delta").load("s3://lake/silver/orders").groupBy("d").count().write.format("delta").save("s3://lake/gold/orders_daily")

      def gold_with_dim(spark):
          facts = spark.read.format("delta").load("s3://lake/silver/orders")
          dims = spark.read.format("delta").load("s3://lake/bronze/ref_countries")
          facts.join(dims, "country").write.format("delta").save("s3://lake/gold/orders_by_country")
    `);
    assert.deepEqual(r.of('PSA601'), []);
    assert.deepEqual(r.of('PSA602'), []);
  });

  it('PSA602: gold logic writing back into a bronze location, reported at the write', async () => {
    const r = await check(py`
      def fix_up(spark):
          gold = spark.table("gold.customer_ltv")
          gold.write.mode("append").format("delta").save("s3://lake/bronze/customers")
    `);
    const [f] = r.of('PSA602');
    assert.ok(f);
    assert.equal(r.textOf(f), 'write.mode("append").format("delta").save("s3://lake/bronze/customers")');
    assert.match(f.message, /reads gold data and writes into the bronze location/);
  });

  it('PSA601 does not read lambda serving views as medallion gold', async () => {
    const r = await check(py`
      def batch_layer(spark):
          spark.read.parquet("s3://lake/raw/clicks").groupBy("day").count().write.parquet("s3://lake/serving/daily_clicks")

      def speed_layer(spark):
          s = spark.readStream.format("kafka").option("subscribe", "clicks").load()
          s.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/speed").start("s3://lake/speed/clicks")

      def serving_layer(spark):
          daily = spark.read.parquet("s3://lake/serving/daily_clicks")
          live = spark.read.format("delta").load("s3://lake/speed/clicks")
          return daily.unionByName(live, allowMissingColumns=True)
    `);
    assert.deepEqual(r.of('PSA601'), []);
  });
});

