import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';
import { isEphemeralPath } from '../../server/src/rules/helpers/checkpoints';

describe('PSA204 ephemeral-checkpoint-location', () => {
  it('recognises ephemeral paths', () => {
    for (const p of ['/tmp/chk', 'file:/tmp/chk', 'file:///tmp/x', '/dbfs/tmp/q1', 'dbfs:/tmp/q1', 'checkpoints/q1', './chk']) assert.ok(isEphemeralPath(p), p);
    for (const p of [
      's3://lake/_checkpoints/q1',
      'abfss://c@acct.dfs.core.windows.net/chk/q1',
      '/mnt/lake/chk/q1',
      'dbfs:/mnt/chk',
      '/Volumes/main/chk/q1',
      '{BASE}/chk',
    ])
      assert.ok(!isEphemeralPath(p), p);
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
    assert.deepEqual(
      found.map((f) => r.textOf(f)),
      ['CHECKPOINT', '"chk/raw"'],
    );
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
});

describe('PSA204/PSA205 fixes never give two queries one checkpoint', () => {
  it('two queries that would derive the same checkpoint get different ones', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      events = spark.readStream.format("kafka").option("subscribe", "events").option("kafka.bootstrap.servers", "b:9092").load()
      events.writeStream.format("delta").option("checkpointLocation", "/tmp/a").toTable("bronze.events")
      events.writeStream.format("delta").option("checkpointLocation", "/tmp/b").toTable("bronze.events")
      events.writeStream.format("delta").toTable("bronze.events")
    `);
    const paths = [...r.of('PSA204'), ...r.of('PSA205')].map((f) => f.fixes[0].edits.at(-1)!.newText.match(/s3:\/\/[^"]+/)![0]);
    assert.equal(paths.length, 3);
    assert.equal(new Set(paths).size, 3, paths.join(', '));
    for (const f of [...r.of('PSA204'), ...r.of('PSA205')]) {
      const [fix] = f.fixes;
      assert.equal(fix.applicability, 'display-only', "a CHANGE-ME path is the user's to choose");
      const edit = fix.edits.at(-1)!;
      assert.match(edit.newText.slice(edit.placeholders![0].start, edit.placeholders![0].end), /^s3:\/\/CHANGE-ME\//);
    }
  });

  it('a derived path next to the sink is unsafe (a guess, and the query starts over)', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      events = spark.readStream.format("kafka").option("subscribe", "events").option("kafka.bootstrap.servers", "b:9092").load()
      events.writeStream.format("delta").option("checkpointLocation", "/tmp/cp").start("s3://lake/bronze/events")
    `);
    const [fix] = r.of('PSA204')[0].fixes;
    assert.equal(fix.applicability, 'unsafe');
    assert.equal(fix.edits[0].newText, '"s3://lake/bronze/_checkpoints/events"');
  });

  it('no fix for a checkpoint written in a loop or in a writer function called twice', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      for topic in ["a", "b"]:
          s = spark.readStream.format("kafka").option("subscribe", topic).option("kafka.bootstrap.servers", "b:9092").load()
          s.writeStream.format("delta").option("checkpointLocation", "/tmp/cp").start(f"s3://lake/{topic}")

      def sink(df, target):
          return df.writeStream.format("delta").option("checkpointLocation", "/tmp/shared").start(target)

      e = spark.readStream.format("kafka").option("subscribe", "e").option("kafka.bootstrap.servers", "b:9092").load()
      sink(e, "s3://lake/e1")
      sink(e, "s3://lake/e2")
    `);
    const found = r.of('PSA204');
    assert.ok(found.length >= 2, found.map((f) => r.textOf(f)).join(', '));
    for (const f of found) assert.deepEqual(f.fixes, [], r.textOf(f));
  });
});
