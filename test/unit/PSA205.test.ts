import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA205 missing-checkpoint-location', () => {
  const seed = py`
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()
    events = spark.readStream.format("kafka").option("subscribe", "events").load()
    q = events.writeStream \\
        .format("delta") \\
        .outputMode("append") \\
        .start("s3://lake/bronze/events")
  `;

  it('flags a delta stream with no checkpoint, at writeStream, as an error', async () => {
    const r = await check(seed);
    const [f] = r.of('PSA205');
    assert.ok(f);
    assert.equal(r.textOf(f), 'writeStream');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /checkpointLocation must be specified/);
  });

  it('fix adds a durable checkpoint next to the sink right after writeStream', async () => {
    const r = await check(seed);
    const { text, after } = await applyFix(r, r.of('PSA205')[0]);
    assert.match(text, /events\.writeStream\.option\("checkpointLocation", "s3:\/\/lake\/bronze\/_checkpoints\/events"\) \\\n/);
    assert.deepEqual(after.of('PSA204'), []);
  });

  it('flags toTable in a parenthesised chain and foreachBatch (as a warning), with a placeholder path', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      stream = spark.readStream.format("rate").load()

      def upsert(batch_df, batch_id):
          batch_df.write.mode("append").saveAsTable("silver.rates")

      q1 = (
          stream.writeStream
          .outputMode("append")
          .toTable("bronze.rates")
      )
      q2 = stream.writeStream.foreachBatch(upsert).start()
    `);
    const found = r.of('PSA205');
    assert.equal(found.length, 2);
    assert.deepEqual(found.map((f) => f.severity), ['error', 'warning']);
    assert.match(found[1].message, /temporary checkpoint/);
    const a = await applyFix(r, found[0]);
    assert.match(a.text, /stream\.writeStream\.option\("checkpointLocation", "s3:\/\/CHANGE-ME\/checkpoints\/bronze\.rates"\)\n/);
    assert.equal(found[0].fixes[0].applicability, 'display-only', 'a placeholder path is the user\'s to fill in');
    assert.equal(found[1].fixes[0].applicability, 'display-only');
    await applyFix(r, found[1]);
  });

  it('is silent with a checkpoint option (any case), a session default, console/memory/noop, unknown formats and options', async () => {
    const r = await check(py`
      import os
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      s = spark.readStream.format("rate").load()
      s.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/a").start("s3://lake/a")
      s.writeStream.format("delta").option("checkpointlocation", "s3://lake/_chk/b").start("s3://lake/b")
      s.writeStream.format("delta").options(checkpointLocation=os.environ["CHK"]).toTable("bronze.c")
      s.writeStream.format("console").start()
      s.writeStream.format("memory").queryName("t").start()
      s.writeStream.format("noop").start()
      s.writeStream.format(os.environ["SINK"]).start()
      opts = {"checkpointLocation": "s3://lake/_chk/d"}
      s.writeStream.format("delta").options(**opts).start("s3://lake/d")
      s.writeStream.start("s3://lake/e", format="delta", **opts)
      spark.read.parquet("s3://x").write.format("delta").save("s3://y")
    `);
    assert.deepEqual(r.of('PSA205').map((f) => r.textOf(f)), []);
  });

  it('a session default set anywhere in the file covers every query', async () => {
    for (const setting of [
      'spark.conf.set("spark.sql.streaming.checkpointLocation", "s3://lake/_checkpoints")',
      'spark.sql("SET spark.sql.streaming.checkpointLocation=s3://lake/_checkpoints")',
    ]) {
      const r = await check(py`
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.config("spark.sql.shuffle.partitions", "64").getOrCreate()
        ${setting}
        spark.readStream.format("rate").load().writeStream.format("delta").start("s3://lake/a")
      `);
      assert.deepEqual(r.of('PSA205'), [], setting);
    }
    const built = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.config("spark.sql.streaming.checkpointLocation", "s3://lake/_chk").getOrCreate()
      spark.readStream.format("rate").load().writeStream.format("delta").start("s3://lake/a")
    `);
    assert.deepEqual(built.of('PSA205'), []);
  });
});
