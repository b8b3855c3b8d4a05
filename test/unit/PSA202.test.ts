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
    assert.deepEqual(
      edit.placeholders!.map((p) => edit.newText.slice(p.start, p.end)),
      ['10 minutes'],
    );
    const { text } = await applyFix(r, f, /withWatermark\("order_ts"/);
    assert.match(text, /orders\.withWatermark\("order_ts", "10 minutes"\)\.dropDuplicatesWithinWatermark\(\["order_id"\]\)/);
  });
});
