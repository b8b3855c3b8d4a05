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
