import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';
import { isEphemeralPath } from '../../server/src/rules/helpers/checkpoints';

describe('PSA204 ephemeral-checkpoint-location', () => {
  it('recognises ephemeral paths', () => {
    for (const p of ['/tmp/chk', 'file:/tmp/chk', 'file:///tmp/x', '/dbfs/tmp/q1', 'dbfs:/tmp/q1', 'checkpoints/q1', './chk']) assert.ok(isEphemeralPath(p), p);
    for (const p of ['s3://lake/_checkpoints/q1', 'abfss://c@acct.dfs.core.windows.net/chk/q1', '/mnt/lake/chk/q1', 'dbfs:/mnt/chk', '/Volumes/main/chk/q1', '{BASE}/chk']) assert.ok(!isEphemeralPath(p), p);
  });

  const seed = py`
    from pyspark.sql import SparkSession
    LAKE = "s3://data-lake"
    CHECKPOINT = "/tmp/user_checkpoint"
    spark = SparkSession.builder.getOrCreate()
    events = spark.readStream.format("kafka").option("subscribe", "events").load()
    q1 = events.writeStream \\
        .format("delta") \\
        .option("checkpointLocation", CHECKPOINT) \\
        .outputMode("append") \\
        .start(f"{LAKE}/user-analytics/")
    q2 = events.writeStream.format("delta").options(checkpointLocation="chk/raw").toTable("bronze.raw_events")
  `;

  it('flags /tmp through a module constant and a relative path in options(), at the value', async () => {
    const r = await check(seed);
    const found = r.of('PSA204');
    assert.deepEqual(found.map((f) => r.textOf(f)), ['CHECKPOINT', '"chk/raw"']);
    assert.match(found[0].message, /\/tmp\/user_checkpoint/);
  });

  it('fix replaces the location with a durable path next to the sink', async () => {
    const r = await check(seed);
    const [first, second] = r.of('PSA204');
    const a = await applyFix(r, first);
    assert.match(a.text, /\.option\("checkpointLocation", "s3:\/\/data-lake\/_checkpoints\/user-analytics"\)/);
    const b = await applyFix(r, second);
    assert.match(b.text, /options\(checkpointLocation="s3:\/\/CHANGE-ME\/checkpoints\/bronze\.raw_events"\)/);
  });

  it('is silent for durable paths, console/memory sinks, batch writes and unknown values', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      import os
      spark = SparkSession.builder.getOrCreate()
      stream = spark.readStream.format("rate").load()
      stream.writeStream.format("console").option("checkpointLocation", "/tmp/console").start()
      stream.writeStream.format("memory").queryName("t").option("checkpointLocation", "tmp/x").start()
      stream.writeStream.format("delta").option("checkpointLocation", "s3://lake/_checkpoints/rate").start("s3://lake/rate")
      stream.writeStream.format("delta").option("checkpointLocation", os.environ["CHK"]).start("s3://lake/rate2")
      spark.read.parquet("s3://a").write.option("checkpointLocation", "/tmp/irrelevant").parquet("s3://b")
    `);
    assert.deepEqual(r.of('PSA204'), []);
  });

  it('follows a checkpoint handed to a writer function: a parameter default and each call site, fixed where written', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.appName("events").getOrCreate()


      def start_stream(df, target, checkpoint_dir="/tmp/checkpoints/default"):
          return (df.writeStream.format("delta")
                  .option("checkpointLocation", checkpoint_dir)
                  .outputMode("append")
                  .start(target))


      events = spark.readStream.format("kafka").option("subscribe", "events").option("kafka.bootstrap.servers", "b:9092").load()
      q1 = start_stream(events, "s3://lake/bronze/events")
      q2 = start_stream(events, "s3://lake/bronze/audit", checkpoint_dir="/tmp/cp/audit")
      q3 = start_stream(events, "s3://lake/bronze/clicks", "s3://lake/_checkpoints/clicks")
    `);
    const found = r.of('PSA204');
    assert.deepEqual(found.map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), ['6: "/tmp/checkpoints/default"', '15: "/tmp/cp/audit"']);
    assert.ok(found.every((f) => f.related.some((x) => /used as checkpointLocation here/.test(x.message))));
    const fixed = await applyFix(r, found[1]);
    assert.match(fixed.text, /checkpoint_dir="s3:\/\/lake\/bronze\/_checkpoints\/audit"\)/);
  });
});
