import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA306 window-without-partition', () => {
  it('flags Window.orderBy with no partitionBy, at the Window.orderBy call', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession, Window
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      events = spark.read.table("silver.events")
      numbered = events.withColumn("seq", F.row_number().over(Window.orderBy("event_time")))
      w = Window.orderBy(F.col("ts").desc()).rowsBetween(Window.unboundedPreceding, Window.currentRow)
      running = events.withColumn("total", F.sum("amount").over(w))
    `);
    const found = r.of('PSA306');
    assert.deepEqual(found.map((f) => r.textOf(f)), ['Window.orderBy("event_time")', 'Window.orderBy(F.col("ts").desc())']);
    assert.match(found[0].message, /single partition/);
  });

  it('flags an alias import, an empty partitionBy and a backslash chain', async () => {
    const r = await check(py`
      from pyspark.sql.window import Window as W
      from pyspark.sql.functions import lag, col
      spec = W.partitionBy() \\
          .orderBy("ts")
      spec2 = W.partitionBy([]).orderBy("ts")
      df = spark.read.parquet("s3://x").withColumn("prev", lag("v").over(spec))
    `);
    assert.deepEqual(r.of('PSA306').map((f) => r.textOf(f)), ['W.partitionBy() \\\n    .orderBy("ts")', 'W.partitionBy([]).orderBy("ts")']);
  });

  it('is silent with a partitionBy anywhere in the chain or added later, on bounded frames, and on non-Spark Window', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.window import Window
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.table("silver.events")
      a = df.withColumn("rn", F.row_number().over(Window.partitionBy("user_id").orderBy("ts")))
      b = df.withColumn("rn", F.row_number().over(Window.orderBy("ts").partitionBy("user_id")))
      c = df.withColumn("total", F.sum("v").over(Window.partitionBy("user_id")))
      d = df.withColumn("r", F.rank().over(Window.partitionBy(*keys).orderBy("ts")))
      base = Window.orderBy("ts")
      per_user = base.partitionBy("user_id")
      top = df.orderBy(F.desc("score")).limit(100).withColumn("rank", F.rank().over(Window.orderBy(F.desc("score"))))
      e = df.orderBy("ts")
    `);
    assert.deepEqual(r.of('PSA306').map((f) => r.textOf(f)), []);
    const other = await check(py`
      from pyspark.sql import functions as F
      from tkinter import Window
      win = Window.orderBy("z")
    `);
    assert.deepEqual(other.of('PSA306'), []);
  });
  it('is silent for a spec only applied to an aggregate by a low-cardinality key, not to the raw rows', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      from pyspark.sql.window import Window
      spark = SparkSession.builder.getOrCreate()
      sales = spark.read.parquet("s3://lake/silver/sales/")
      by_store_rank = Window.orderBy(F.col("revenue").desc())
      per_store = (sales.groupBy("store_region")
                   .agg(F.sum("amount").alias("revenue"))
                   .withColumn("position", F.dense_rank().over(by_store_rank)))
      per_store.show()
      by_amount = Window.orderBy(F.col("amount").desc())
      sales.withColumn("position", F.row_number().over(by_amount)).show()
    `);
    assert.deepEqual(r.of('PSA306').map((f) => r.lineOf(f)), [11]);
  });
});
