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
});
