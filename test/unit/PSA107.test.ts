import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA107 action-in-loop', () => {
  it('flags actions run once per iteration of for/while loops and comprehensions', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      spark = SparkSession.builder.getOrCreate()
      events = spark.read.parquet("s3://lake/silver/events/")
      countries = ["FR", "DE", "US", "JP"]

      for country in countries:
          n = events.filter(F.col("country") == country).count()
          print(country, n)

      null_counts = {c: events.where(F.col(c).isNull()).count() for c in events.columns}

      def daily_report(days):
          out = []
          for d in days:
              rows = (
                  events
                  .where(F.col("date") == d)
                  .groupBy("event_type")
                  .agg(F.count("*").alias("n"))
                  .collect()
              )
              out.append(rows)
          return out

      i = 0
      while i < batches:
          events.show(5)
          i += 1
    `);
    const found = r.of('PSA107');
    assert.deepEqual(found.map((f) => r.textOf(f)), ['count()', 'count()', 'collect()', 'show(5)']);
    assert.deepEqual(found.map((f) => r.lineOf(f)), [9, 12, 22, 29]);
    assert.match(found[0].message, /every iteration launches a separate Spark job/);
    assert.match(found[1].message, /comprehension/);
    assert.equal(found[0].fixes.length, 0);
    assert.equal(r.text.slice(found[0].related[0].start, found[0].related[0].end), 'for country in countries:');
  });

  it('flags a constant read inside a for loop (the same input every iteration)', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import col
      spark = SparkSession.builder.getOrCreate()
      for status in ("new", "paid", "shipped", "returned"):
          print(spark.table("sales.orders").where(col("status") == status).count())
    `);
    assert.equal(r.of('PSA107').length, 1);
  });

  it('is silent for per-iteration inputs, polling loops, retries, in-memory frames and iterables', async () => {
    const r = await check(py`
      import time
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      tables = ["a", "b"]
      for t in tables:
          df = spark.table(f"bronze.{t}")
          print(t, df.count())
      for path in paths:
          spark.read.parquet(path).show()
      while True:
          pending = spark.table("ops.queue").where("status = 'new'")
          if pending.count() > 0:
              break
          time.sleep(60)
      big = spark.read.parquet("s3://lake/big/")
      for attempt in range(3):
          try:
              rows = big.limit(10).collect()
              break
          except Exception:
              time.sleep(5)
      for row in big.limit(100).collect():
          print(row)
      for x in range(3):
          spark.createDataFrame([(x, "a")], ["id", "v"]).show()
      stream = spark.readStream.format("rate").load()
      for q in range(2):
          pass
      def process(frame):
          return frame.count()
      for name in tables:
          process(big)
    `);
    assert.deepEqual(r.of('PSA107').map((f) => r.textOf(f)), []);
  });

  it('is silent when a helper called in the loop reads a different table each time, not for a constant helper read', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()

      def load_layer(name):
          return spark.read.format("delta").load(f"s3://lake/gold/{name}")

      def load_orders():
          return spark.read.parquet("s3://lake/silver/orders/")

      for table, key in [("dim_store", "store_id"), ("dim_item", "item_id")]:
          frame = load_layer(table)
          print(table, frame.count(), frame.select(key).distinct().count())

      for region in ["north", "south"]:
          print(region, load_orders().where(f"region = '{region}'").count())
    `);
    assert.deepEqual(r.of('PSA107').map((f) => r.lineOf(f)), [15]);
  });

  it('is silent for iterative algorithms whose action decides when the loop stops', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      links = spark.read.parquet("s3://lake/silver/links/")

      def reachable(start, goal, max_hops=8):
          seen = spark.createDataFrame([(start,)], "node string")
          edge = seen
          for _ in range(max_hops):
              nxt = (edge.join(links, edge.node == links.src)
                     .select(F.col("dst").alias("node"))
                     .join(seen, "node", "left_anti")
                     .distinct())
              if nxt.isEmpty():
                  return False
              hit = nxt.where(F.col("node") == goal).first()
              if hit:
                  return True
              seen = seen.unionByName(nxt).localCheckpoint()
              edge = nxt
          return False

      current = links.select("src").distinct()
      while current.count() > 10:
          current = current.join(links, current.src == links.dst).select(links.src).distinct()
    `);
    assert.deepEqual(r.of('PSA107').map((f) => r.textOf(f)), []);
  });

  it('still flags an early-exit check on a frame the loop does not carry over', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      sales = spark.read.parquet("s3://lake/silver/sales/")
      for day in ["2024-01-01", "2024-01-02"]:
          todays = sales.where(F.col("day") == day)
          if todays.isEmpty():
              break
    `);
    assert.deepEqual(r.of('PSA107').map((f) => r.textOf(f)), ['isEmpty()']);
  });

  it('noqa suppresses', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      df = spark.table("db.t")
      for k in keys:
          df.where(df.k == k).show()  # noqa: PSA107
    `);
    assert.equal(r.of('PSA107').length, 0);
  });
});
