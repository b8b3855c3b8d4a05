import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA201 streaming-aggregation-without-watermark', () => {
  const kafka = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.appName("clicks").getOrCreate()
    events = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", "broker:9092")
        .option("subscribe", "clicks")
        .load()
        .select(F.from_json(F.col("value").cast("string"), "user_id STRING, url STRING, event_time TIMESTAMP").alias("e"))
        .select("e.*")
    )
    per_minute = events.groupBy(F.window("event_time", "1 minute"), "url").agg(F.count("*").alias("clicks"))
    per_minute.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/clicks").start("s3://lake/clicks")
  `;

  it('flags a windowed aggregation on a stream with no watermark, at the groupBy call', async () => {
    const r = await check(kafka);
    const [f] = r.of('PSA201');
    assert.ok(f);
    assert.equal(r.textOf(f), 'groupBy(F.window("event_time", "1 minute"), "url")');
    assert.equal(r.lineOf(f), 13);
    assert.ok(f.related.some((x) => /stream is read/.test(x.message)));
  });

  it('fix inserts withWatermark on the window column and the finding goes away', async () => {
    const r = await check(kafka);
    const { text } = await applyFix(r, r.of('PSA201')[0]);
    assert.match(text, /events\.withWatermark\("event_time", "10 minutes"\)\.groupBy\(/);
  });

  it('fix works on backslash-continued chains (seed kappa example, bare imports)', async () => {
    const r = await check(py`
      from pyspark.sql.functions import *
      stream_df = spark.readStream.format("kafka").option("subscribe", "all-events").load()
      system_events = stream_df.filter("event_type = 'system_metric'")
      system_metrics = system_events \\
          .groupBy(window("timestamp", "5 minutes")) \\
          .agg(avg("cpu_usage").alias("avg_cpu"))
    `);
    const f = r.of('PSA201')[0];
    assert.ok(f);
    const { text } = await applyFix(r, f);
    assert.match(text, /system_events\.withWatermark\("timestamp", "10 minutes"\) \\\n {4}\.groupBy/);
  });

  it('follows a stream through a function parameter and its return', async () => {
    const r = await check(py`
      from pyspark.sql import DataFrame, SparkSession
      from pyspark.sql import functions as F

      def read_orders(spark: SparkSession) -> DataFrame:
          return spark.readStream.format("delta").table("bronze.orders")

      def revenue_by_store(orders):
          return orders.groupBy("store_id").agg(F.sum("amount").alias("revenue"))

      spark = SparkSession.builder.getOrCreate()
      revenue = revenue_by_store(read_orders(spark))
    `);
    assert.equal(r.of('PSA201').length, 1);
    assert.match(r.textOf(r.of('PSA201')[0]), /^groupBy\("store_id"\)/);
  });

  it('flags a stream-stream join when a side lacks a watermark', async () => {
    const r = await check(py`
      impressions = spark.readStream.table("bronze.impressions").withWatermark("imp_time", "2 hours")
      clicks = spark.readStream.table("bronze.clicks")
      joined = impressions.join(clicks, "ad_id")
    `);
    const [f] = r.of('PSA201');
    assert.ok(f);
    assert.match(f.message, /Stream-stream join/);
  });

  it('is silent on batch aggregations, watermarked streams, stream-static joins and unknown inputs', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()

      history = spark.read.parquet("s3://lake/history/")
      daily = history.groupBy(F.window("event_time", "1 day")).agg(F.sum("revenue").alias("revenue"))

      stream = spark.readStream.format("kafka").option("subscribe", "t").load()
      ok = stream.withWatermark("timestamp", "10 minutes").filter("value is not null").groupBy(F.window("timestamp", "1 minute")).count()

      dims = spark.read.table("gold.dim_store")
      enriched = stream.join(dims, "store_id")

      def aggregate(df):
          return df.groupBy("k").count()
    `);
    assert.deepEqual(r.of('PSA201'), []);
  });

  it('flags a watermark that cannot bound state (grouped without the event-time column), without a fix', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      orders = spark.readStream.table("bronze.orders").withWatermark("order_ts", "30 minutes")
      per_customer = orders.groupBy("customer_id").agg(F.sum("amount").alias("total"))
      per_window = orders.groupBy(F.window("order_ts", "1 hour"), "customer_id").count()
      per_ts = orders.groupBy("order_ts", "customer_id").count()
    `);
    const found = r.of('PSA201');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3]);
    assert.match(found[0].message, /watermark on "order_ts" does not bound/);
    assert.deepEqual(found[0].fixes, []);
  });

  it('no watermark fix when it would not bound state; silent on user-managed state', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      events = spark.readStream.schema("user_id STRING, created_at TIMESTAMP").json("s3://landing/events/")
      per_user = events.groupBy("user_id").count()
      sessions = events.groupBy("user_id").applyInPandasWithState(update_session, "user_id STRING, n LONG", "n LONG", "append", "ProcessingTimeTimeout")
    `);
    const found = r.of('PSA201');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3]);
    assert.deepEqual(found[0].fixes, [], 'withWatermark("created_at") would not bound a groupBy("user_id")');
  });
  it('is silent on a running total per non-time key written in update or complete mode (no watermark could bound it)', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      trips = spark.readStream.format("kafka").option("subscribe", "trips").load()
      per_rider = trips.groupBy("rider_id").agg(F.sum("fare").alias("spent"))
      per_rider.writeStream.outputMode("update").foreachBatch(save_totals).option("checkpointLocation", "s3://lake/_chk/riders").start()
      per_zone = trips.groupBy("zone").count()
      per_zone.writeStream.outputMode("complete").format("memory").queryName("zones").start()
    `);
    assert.deepEqual(r.of('PSA201'), []);
  });

  it('still flags a running aggregate in append mode, by a time-like key, or with a sink in append mode', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      trips = spark.readStream.format("kafka").option("subscribe", "trips").load()
      per_rider = trips.groupBy("rider_id").count()
      per_rider.writeStream.outputMode("append").format("console").start()
      per_day = trips.groupBy("trip_date", "zone").count()
      per_day.writeStream.outputMode("update").format("console").start()
      per_zone = trips.groupBy("zone").count()
      per_zone.writeStream.outputMode("update").format("console").start()
      per_zone.writeStream.format("console").start()
    `);
    assert.deepEqual(r.of('PSA201').map((f) => r.lineOf(f)), [3, 5, 7]);
  });
});

