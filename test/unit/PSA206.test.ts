import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA206 watermark-column-mismatch', () => {
  it('flags a window on a different column than the watermark, at the window call', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      events = spark.readStream.format("delta").table("bronze.events")
      counts = (
          events
          .withWatermark("ingest_ts", "10 minutes")
          .filter(F.col("kind") == "click")
          .groupBy(F.window("event_time", "5 minutes"), "page")
          .count()
      )
    `);
    const [f] = r.of('PSA206');
    assert.ok(f);
    assert.equal(r.textOf(f), 'F.window("event_time", "5 minutes")');
    assert.match(f.message, /window is on "event_time" but the watermark is on "ingest_ts"/);
    assert.equal(f.related.length, 1);
    assert.equal(r.text.slice(f.related[0].start, f.related[0].end), 'events\n    .withWatermark("ingest_ts", "10 minutes")');
    assert.equal(r.of('PSA201').length, 0);
  });

  it('flags bare-import window(col(...)) on a backslash chain', async () => {
    const r = await check(py`
      from pyspark.sql.functions import *
      s = spark.readStream.format("kafka").option("subscribe", "t").load()
      w = s.withWatermark("timestamp", "1 hour")
      agg = w \\
          .groupBy(window(col("event_time"), "1 hour")) \\
          .agg(count("*").alias("n"))
    `);
    assert.equal(r.of('PSA206').length, 1);
  });

  it('is silent when the columns match, the window column is derived after the watermark, columns are unknown, or the frame is batch', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      s = spark.readStream.format("delta").table("bronze.events")
      ok1 = s.withWatermark("event_time", "10 minutes").groupBy(F.window("event_time", "5 minutes")).count()
      ok2 = s.withWatermark("ts", "10 minutes").withColumnRenamed("ts", "event_time").groupBy(F.window("event_time", "5 minutes")).count()
      ok3 = s.withWatermark("ts", "10 minutes").select(F.col("ts").alias("event_time"), "v").groupBy(F.window("event_time", "1 minute")).count()
      WM = column_name()
      ok4 = s.withWatermark(WM, "10 minutes").groupBy(F.window("event_time", "5 minutes")).count()
      ok5 = s.withWatermark("ingest_ts", "10 minutes").groupBy(F.window(time_col, "5 minutes")).count()
      batch = spark.read.table("silver.events").withWatermark("ingest_ts", "1 hour").groupBy(F.window("event_time", "1 day")).count()
      no_wm = s.groupBy(F.window("event_time", "5 minutes")).count()
    `);
    assert.deepEqual(r.of('PSA206').map((f) => r.textOf(f)), []);
  });

  it('is silent when one input of a union is watermarked on the window column', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      a = spark.readStream.table("bronze.a").withWatermark("ingest_ts", "10 minutes")
      b = spark.readStream.table("bronze.b").withWatermark("event_time", "10 minutes")
      both = a.unionByName(b).groupBy(F.window("event_time", "5 minutes")).count()
    `);
    assert.deepEqual(r.of('PSA206'), []);
  });
});
