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

  it('a query Spark refuses to start is an error; unbounded state alone stays a warning; a severity the user sets wins', async () => {
    // Append mode (the default) with no watermark: refused at start.
    assert.equal((await check(kafka)).of('PSA201')[0].severity, 'error');
    const update = kafka.replace('per_minute.writeStream.format("delta")', 'per_minute.writeStream.outputMode("update").format("delta")');
    // Update mode runs: every group stays in state, the rule's warning.
    assert.equal((await check(update)).of('PSA201')[0].severity, 'warning');
    // Update mode sorted after the aggregation: refused at start (only complete mode sorts a stream).
    const sorted = update.replace('per_minute.writeStream', 'per_minute.orderBy("clicks").writeStream');
    const [refused] = (await check(sorted)).of('PSA201');
    assert.match(refused.message, /refuses to start/);
    assert.equal(refused.severity, 'error');
    // No query in the file: whether it starts is not known.
    const unstarted = kafka.replace(/\nper_minute\.writeStream.*\n?$/, '\n');
    assert.equal((await check(unstarted)).of('PSA201')[0].severity, 'warning');
    assert.equal((await check(kafka, { 'rules.severity': { PSA201: 'information' } })).of('PSA201')[0].severity, 'information');
  });
});
