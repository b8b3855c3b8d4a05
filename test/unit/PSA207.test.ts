import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA207 trigger-once-deprecated', () => {
  it('flags once=True at the keyword and the fix switches to availableNow=True', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      (
          spark.readStream.format("delta").table("bronze.orders")
          .writeStream
          .format("delta")
          .option("checkpointLocation", "s3://lake/_checkpoints/orders")
          .trigger(once=True)
          .toTable("silver.orders")
      )
    `);
    const [f] = r.of('PSA207');
    assert.ok(f);
    assert.equal(r.textOf(f), 'once=True');
    assert.equal(r.lineOf(f), 8);
    const { text } = await applyFix(r, f);
    assert.match(text, /\.trigger\(availableNow=True\)\n/);
  });

  it('flags a writer kept in a variable and a backslash chain', async () => {
    const r = await check(py`
      stream = spark.readStream.format("rate").load()
      writer = stream.writeStream.format("parquet").option("checkpointLocation", "s3://l/_c/r")
      writer.trigger(once = True).start("s3://l/r")
      stream.writeStream \\
          .trigger(once=(True)) \\
          .format("delta").option("checkpointLocation", "s3://l/_c/q").start("s3://l/q")
    `);
    const found = r.of('PSA207');
    assert.deepEqual(found.map((f) => r.textOf(f)), ['once = True', 'once=(True)']);
    for (const f of found) await applyFix(r, f);
  });

  it('is silent on availableNow, processingTime, once=False and trigger() of unrelated objects', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      s = spark.readStream.format("rate").load()
      s.writeStream.format("delta").option("checkpointLocation", "s3://l/_c/a").trigger(availableNow=True).start("s3://l/a")
      s.writeStream.format("delta").option("checkpointLocation", "s3://l/_c/b").trigger(processingTime="1 minute").start("s3://l/b")
      alarm.trigger(once=True)
      s.writeStream.trigger(once=False)
    `);
    assert.deepEqual(r.of('PSA207'), []);
  });
});
