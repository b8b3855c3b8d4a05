import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { streamingSources, type DataFrameModel, type Frame } from '../../server/src/model/types';
import { loadParser, py } from './helpers';

/** The frame last bound to `name` (by the statement that defined it), with the model. */
async function bound(text: string, name: string): Promise<{ frame: Frame | undefined; model: DataFrameModel }> {
  const parser = await loadParser();
  const tree = parser.parse(text);
  try {
    const { model } = buildModel(tree, text);
    let frame: Frame | undefined;
    for (const [id, entry] of model.definitions) {
      if (entry.name !== name) continue;
      const f = model.frames.find((x) => x.id === id);
      if (f && (!frame || f.id > frame.id)) frame = f;
    }
    return { frame, model };
  } finally {
    tree.delete();
  }
}

async function streamingOf(text: string, name: string): Promise<boolean | undefined> {
  const { frame } = await bound(text, name);
  assert.ok(frame, `no frame bound to ${name}`);
  return frame.streaming;
}

const STREAM = py`
  from pyspark.sql import SparkSession
  spark = SparkSession.builder.getOrCreate()
  events = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", "b:9092")
            .option("subscribe", "events").load()
            .selectExpr("CAST(value AS STRING) AS body", "timestamp AS event_time"))
`;

describe('a stream registered as a temp view reads back as a stream (s-recall18)', () => {
  it('spark.table, spark.read.table and spark.sql of the view are streams, with the stream in their lineage', async () => {
    const text =
      STREAM +
      py`
        events.createOrReplaceTempView("events_v")
        by_table = spark.table("events_v")
        by_reader = spark.read.table("events_v")
        by_sql = spark.sql("SELECT body, event_time FROM events_v WHERE body IS NOT NULL")
        joined = spark.sql("SELECT e.body, d.name FROM events_v e JOIN dim_devices d ON e.body = d.id")
      `;
    for (const name of ['by_table', 'by_reader', 'by_sql', 'joined']) {
      const { frame } = await bound(text, name);
      assert.equal(frame?.streaming, true, name);
      assert.equal(streamingSources(frame)[0]?.source?.kind, 'read', `${name}: the readStream is upstream`);
    }
  });

  it('keeps the watermark set on the registered frame, and its columns for a table read', async () => {
    const text =
      STREAM +
      py`
        events.withWatermark("event_time", "10 minutes").createOrReplaceTempView("events_v")
        back = spark.table("events_v")
        picked = spark.sql("SELECT body, event_time FROM events_v")
      `;
    const back = (await bound(text, 'back')).frame!;
    assert.equal(back.watermark?.column, 'event_time');
    assert.deepEqual([...back.columns.keys()].sort(), ['body', 'event_time']);
    assert.equal((await bound(text, 'picked')).frame!.watermark?.column, 'event_time');
  });

  it('temp view names are case-insensitive; a query CTE of the same name, or the name in a string, is not the view', async () => {
    const text =
      STREAM +
      py`
        events.createOrReplaceTempView("Events_V")
        upper = spark.table("EVENTS_V")
        shadowed = spark.sql("WITH events_v AS (SELECT * FROM dim_devices) SELECT * FROM events_v")
        quoted = spark.sql("SELECT * FROM dim_devices WHERE note = 'copied from events_v'")
      `;
    assert.equal(await streamingOf(text, 'upper'), true);
    assert.equal(await streamingOf(text, 'shadowed'), false);
    assert.equal(await streamingOf(text, 'quoted'), false);
  });

  it('a name rebound by a batch frame reads the batch frame from then on', async () => {
    const text =
      STREAM +
      py`
        events.createOrReplaceTempView("v")
        before = spark.table("v")
        spark.read.parquet("s3://lake/events").createOrReplaceTempView("v")
        after = spark.table("v")
      `;
    assert.equal(await streamingOf(text, 'before'), true);
    assert.equal(await streamingOf(text, 'after'), false);
  });

  it('a view only ever registered on batch frames, or dropped, reads as batch', async () => {
    const batch = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      spark.read.parquet("s3://lake/events").createOrReplaceTempView("v")
      back = spark.table("v")
    `;
    assert.equal(await streamingOf(batch, 'back'), false);
    const dropped =
      STREAM +
      py`
        events.createOrReplaceTempView("v")
        spark.catalog.dropTempView("v")
        back = spark.table("v")
      `;
    assert.equal(await streamingOf(dropped, 'back'), false);
  });

  it('a global temp view is read as global_temp.<name>, not by its bare name', async () => {
    const text =
      STREAM +
      py`
        events.createOrReplaceGlobalTempView("shared_events")
        qualified = spark.table("global_temp.shared_events")
        in_sql = spark.sql("SELECT * FROM global_temp.shared_events")
        bare = spark.table("shared_events")
      `;
    assert.equal(await streamingOf(text, 'qualified'), true);
    assert.equal(await streamingOf(text, 'in_sql'), true);
    assert.equal(await streamingOf(text, 'bare'), false);
  });

  it('stays batch where unsure: a name built at run time, a registration in a branch or under an unknown name', async () => {
    const runtimeRead =
      STREAM +
      py`
        import sys
        events.createOrReplaceTempView("v")
        back = spark.table(sys.argv[1])
      `;
    assert.equal(await streamingOf(runtimeRead, 'back'), false);
    const branch =
      STREAM +
      py`
        import sys
        if sys.argv[1] == "stream":
            events.createOrReplaceTempView("v")
        back = spark.table("v")
      `;
    assert.equal(await streamingOf(branch, 'back'), false);
    const unknownName =
      STREAM +
      py`
        import sys
        events.createOrReplaceTempView("v")
        spark.read.parquet("s3://lake/x").createOrReplaceTempView(sys.argv[1])
        back = spark.table("v")
      `;
    assert.equal(await streamingOf(unknownName, 'back'), false);
    // An f-string name that cannot spell "v" rebinds something else.
    const otherName =
      STREAM +
      py`
        import sys
        events.createOrReplaceTempView("v")
        spark.read.parquet("s3://lake/x").createOrReplaceTempView(f"dim_{sys.argv[1]}")
        back = spark.table("v")
      `;
    assert.equal(await streamingOf(otherName, 'back'), true);
  });

  it('follows a view across functions only in an order the model knows', async () => {
    const called =
      STREAM +
      py`
        def register(df):
            df.createOrReplaceTempView("v")

        register(events)
        back = spark.table("v")
      `;
    assert.equal(await streamingOf(called, 'back'), true);
    // Nobody in the file calls read_back: it may run before the module registers the view, or elsewhere.
    const uncalled =
      STREAM +
      py`
        events.createOrReplaceTempView("v")

        def read_back(spark):
            back = spark.table("v")
            return back
      `;
    assert.equal(await streamingOf(uncalled, 'back'), false);
    const within = py`
      def job(spark):
          spark.readStream.format("rate").load().createOrReplaceTempView("ticks")
          back = spark.sql("SELECT value FROM ticks")
          return back
    `;
    assert.equal(await streamingOf(within, 'back'), true);
  });

  it('CREATE TEMP VIEW ... AS SELECT over a streaming view registers a stream; commands stay what they were', async () => {
    const text =
      STREAM +
      py`
        events.createOrReplaceTempView("raw")
        spark.sql("CREATE OR REPLACE TEMP VIEW enriched AS SELECT *, current_timestamp() AS receipt_time FROM raw")
        back = spark.table("enriched")
        merged = spark.sql("MERGE INTO t USING raw ON t.body = raw.body WHEN NOT MATCHED THEN INSERT *")
      `;
    assert.equal(await streamingOf(text, 'back'), true);
    const merged = (await bound(text, 'merged')).frame!;
    assert.equal(merged.streaming, false);
    assert.equal(merged.source?.kind, 'sql');
  });
});
