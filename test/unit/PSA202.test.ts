import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA202 streaming-dedup-without-watermark', () => {
  const kafka = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    ORDER = "order_id STRING, amount DOUBLE, order_ts TIMESTAMP"
    orders = (
        spark.readStream.format("kafka")
        .option("subscribe", "orders")
        .load()
        .select(F.from_json(F.col("value").cast("string"), ORDER).alias("o"))
        .select("o.*")
    )
    unique_orders = orders.dropDuplicates(["order_id"])
  `;

  it('flags dropDuplicates on a stream without a watermark, at the call', async () => {
    const r = await check(kafka);
    const [f] = r.of('PSA202');
    assert.ok(f);
    assert.equal(r.textOf(f), 'dropDuplicates(["order_id"])');
    assert.equal(r.lineOf(f), 13);
    assert.ok(f.related.some((x) => /stream is read/.test(x.message)));
    assert.equal(r.of('PSA202').length, 1);
  });

  it('fix watermarks the guessed event-time column and switches to dropDuplicatesWithinWatermark', async () => {
    const r = await check(kafka);
    const f = r.of('PSA202')[0];
    // The delay is the user's to choose: a placeholder, never applied in bulk.
    assert.equal(f.fixes[0].applicability, 'display-only');
    const edit = f.fixes[0].edits.find((e) => e.placeholders)!;
    assert.deepEqual(edit.placeholders!.map((p) => edit.newText.slice(p.start, p.end)), ['10 minutes']);
    const { text } = await applyFix(r, f, /withWatermark\("order_ts"/);
    assert.match(text, /orders\.withWatermark\("order_ts", "10 minutes"\)\.dropDuplicatesWithinWatermark\(\["order_id"\]\)/);
  });

  it('works on backslash chains with bare imports, with a placeholder column when none is known', async () => {
    const r = await check(py`
      from pyspark.sql.functions import *
      raw = spark.readStream.format("delta").table("bronze.events")
      deduped = raw \\
          .filter(col("event_id").isNotNull()) \\
          .drop_duplicates(["event_id"])
    `);
    const f = r.of('PSA202')[0];
    assert.ok(f);
    assert.equal(r.textOf(f), 'drop_duplicates(["event_id"])');
    const fix = f.fixes[0];
    assert.ok(fix.applicability === 'display-only' && /event-time column/.test(fix.reason));
    const edit = fix.edits.find((e) => e.placeholders)!;
    assert.deepEqual(edit.placeholders!.map((p) => edit.newText.slice(p.start, p.end)), ['event_time', '10 minutes']);
    const { text } = await applyFix(r, f, /set your event-time column/);
    assert.match(text, /\.filter\(col\("event_id"\)\.isNotNull\(\)\)\.withWatermark\("event_time", "10 minutes"\) \\\n {4}\.dropDuplicatesWithinWatermark\(\["event_id"\]\)/);
  });

  it('follows the stream into a function', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F

      def dedupe(events):
          return events.dropDuplicates()

      stream = spark.readStream.format("rate").load()
      dedupe(stream).writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/r").start("s3://lake/r")
    `);
    assert.equal(r.of('PSA202').length, 1);
    assert.equal(r.textOf(r.of('PSA202')[0]), 'dropDuplicates()');
  });

  it('is silent on batch frames, watermarked streams, WithinWatermark and unknown inputs', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()

      batch = spark.read.parquet("s3://lake/orders").dropDuplicates(["order_id"])
      stream = spark.readStream.format("kafka").option("subscribe", "t").load()
      ok1 = stream.withWatermark("timestamp", "1 hour").dropDuplicates(["key", "timestamp"])
      ok2 = stream.withWatermark("timestamp", "1 hour").dropDuplicatesWithinWatermark(["key"])

      def clean(df):
          return df.dropDuplicates(["id"])

      def process_batch(batch_df, batch_id):
          batch_df.dropDuplicates(["id"]).write.mode("append").saveAsTable("silver.t")
    `);
    assert.deepEqual(r.of('PSA202'), []);
  });
});
