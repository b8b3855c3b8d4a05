import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import * as assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { buildModel } from '../../server/src/model/buildModel';
import { hoverAt } from '../../server/src/lsp/hover';
import { check, loadParser, py } from './helpers';

/** The hover at the `|` in `source` (the bar is removed before parsing), as markdown. */
async function hover(source: string, extraPatterns: string[] = []): Promise<{ value: string | undefined; hover: Hover | null; text: string }> {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  const tree = (await loadParser()).parse(text);
  try {
    const { model } = buildModel(tree, text);
    const h = hoverAt(model, syntaxRoot(tree, text), text, offset, { 'pii.extraPatterns': extraPatterns });
    return { value: h ? (h.contents as MarkupContent).value : undefined, hover: h, text };
  } finally {
    tree.delete();
  }
}

describe('hover', () => {
  describe('on a conf key', () => {
    it('documents the key: default, scope, since, doc; the range is the string', async () => {
      const { value, hover: h } = await hover('spark.conf.set("spark.sql.shuffle.par|titions", 64)');
      assert.match(value!, /\*\*`spark\.sql\.shuffle\.partitions`\*\*/);
      assert.match(value!, /Default: `200`/);
      assert.match(value!, /runtime SQL config, can be changed at runtime/);
      assert.match(value!, /Since: Spark 1\.1\.0/);
      assert.deepEqual(h!.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 45 } });
    });

    it('says a static key must be set where the session is built, also outside conf calls', async () => {
      const { value } = await hover('CONF = {"spark.sql.ext|ensions": "io.delta.sql.DeltaSparkSessionExtension"}');
      assert.match(value!, /static SQL config, must be set in SparkSession\.builder/);
    });

    it('is silent on strings that are not known keys', async () => {
      assert.equal((await hover('spark.conf.set("spark.sql.not.a.re|al.key", 1)')).hover, null);
      assert.equal((await hover('path = "s3://bucket/ta|ble"')).hover, null);
    });
  });

  describe('on a DataFrame variable', () => {
    const streaming = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      events = (spark.readStream.format("kafka")
                .option("subscribe", "orders")
                .load())
      windowed = events.withWatermark("timestamp", "10 minutes")
      counts = windowed.groupBy("key").count()
      counts.writeStream.format("delta").outputMode("append").option("checkpointLocation", "s3://b/cp").toTable("silver.counts")
    `;

    it('tells a streaming frame, its watermark column, source and sinks', async () => {
      const { value } = await hover(streaming.replace('counts = windowed.', 'counts = windo|wed.'));
      assert.match(value!, /\*\*`windowed`\*\*: streaming DataFrame/);
      assert.match(value!, /Watermark: on `timestamp` \(line 6\)/);
      assert.match(value!, /Source: readStream kafka topic `kafka:orders` \(line 3\)/);
      assert.match(value!, /Reaches sink: writeStream delta table `silver\.counts`, outputMode append \(line 8\)/);
      assert.match(value!, /Cached: no/);
    });

    it('hovers the assignment target too, and a frame before its watermark has none', async () => {
      const { value } = await hover(streaming.replace('events = (spark', 'eve|nts = (spark'));
      assert.match(value!, /streaming DataFrame/);
      assert.match(value!, /Watermark: none/);
      assert.match(value!, /Schema \(7 columns, exactly these\): `key` binary, `value` binary, `topic` string, `partition` int/);
    });

    const batch = py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      schema = "id BIGINT, email STRING, customer_ref STRING"
      raw = spark.read.schema(schema).json("s3://lake/raw/customers")
      masked = raw.withColumn("email", F.sha2(F.col("email"), 256)).cache()
      masked.write.mode("overwrite").parquet("s3://lake/silver/customers")
    `;

    it('lists the known columns of a batch frame and whether PII columns are masked', async () => {
      const before = (await hover(batch.replace('masked = raw.', 'masked = r|aw.'))).value!;
      assert.match(before, /\*\*`raw`\*\*: batch DataFrame/);
      // A file read with a schema may still gain the partition columns of its path.
      assert.match(before, /Schema \(3 columns, from the read schema; partition columns of the path may be added\): `id` bigint, `email` string, `customer_ref` string/);
      assert.match(before, /PII columns: `email` \(\*\*not masked\*\*\)/);
      assert.doesNotMatch(before, /Watermark/);
      assert.match(before, /Source: read json path `s3:\/\/lake\/raw\/customers` \(line 5\)/);
      assert.match(before, /Reaches sink: write parquet path `s3:\/\/lake\/silver\/customers`, mode overwrite \(line 7\)/);
      const after = (await hover(batch.replace('masked.write', 'mas|ked.write'))).value!;
      assert.match(after, /PII columns: `email` \(masked\)/);
      assert.match(after, /Cached: yes, `cache` \(line 6\)/);
    });

    it('uses the extra PII patterns of the settings', async () => {
      const source = batch.replace('masked = raw.', 'masked = r|aw.');
      assert.match((await hover(source)).value!, /PII columns: `email` \(\*\*not masked\*\*\)\n/);
      assert.match((await hover(source, ['customer_.*'])).value!, /PII columns: `email` \(\*\*not masked\*\*\), `customer_ref` \(\*\*not masked\*\*\)/);
    });

    it('says nothing of a parameter whose value the model does not know', async () => {
      const { hover: h } = await hover(py`
        def clean(df):
            return d|f.dropna()
      `);
      assert.equal(h, null);
    });

    it('says when a function parameter stands for several frames', async () => {
      const { value } = await hover(py`
        def clean(df):
            return d|f.dropna()
        a = clean(spark.read.parquet("s3://x"))
        b = clean(spark.readStream.format("rate").load())
      `);
      assert.match(value!, /stands for 2 different frames/);
      assert.match(value!, /batch DataFrame/);
    });
  });
  describe('on a finding', () => {
    /** The hover at the `|` with the analysis' findings, as the server asks for it. */
    async function findingHover(source: string, path?: string): Promise<Hover | null> {
      const offset = source.indexOf('|');
      const text = source.slice(0, offset) + source.slice(offset + 1);
      const result = await check(text, {}, { path });
      return hoverAt(result.model, result.model!.root, text, offset, { 'pii.extraPatterns': [] }, result.findings);
    }
    const job = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.json("s3://landing/orders/").dropDuplicates(["order_id"])
      print(f"orders: {orders.co|unt()}")
      orders.write.mode("append").saveAsTable("silver.orders")
    `;

    it('says why it fired here: the kind of code, what the rule saw, the related places', async () => {
      const h = await findingHover(job, '/repo/jobs/load_orders.py');
      const value = (h!.contents as MarkupContent).value;
      assert.match(value, /^\*\*Why PSA101 \(count-for-monitoring\) fired here\*\*\n/);
      assert.match(value, /\n- Code: job module\n/);
      assert.match(value, /\n- Because: its result only feeds a print or log call, the frame is not cached, and the saveAsTable\(\) below computes the same lineage\n/);
      assert.match(value, /\n- See line 5: the frame is computed again by this write$/);
      // The range is the finding's: `orders.count()`.
      assert.deepEqual(h!.range, { start: { line: 3, character: 17 }, end: { line: 3, character: 31 } });
    });

    it('puts the explanation above the frame hover when the cursor is on a frame inside the finding', async () => {
      const h = await findingHover(job.replace('orders.co|unt()', 'ord|ers.count()'));
      const value = (h!.contents as MarkupContent).value;
      assert.match(value, /^\*\*Why PSA101[\s\S]*\n---\n\n\*\*`orders`\*\*: batch DataFrame/);
    });

    it('names the code kind a test or notebook was taken for, escaped as text', async () => {
      const h = await findingHover(py`
        def test_load_with_password():
            props = {"user": "etl", "password": "Sup3r_s|3cret!"}
            spark.read.jdbc("jdbc:postgresql://db/sales", "orders", properties=props)
      `, '/repo/src/loaders.py');
      const value = h ? (h.contents as MarkupContent).value : '';
      assert.match(value, /Why PSA402/);
      assert.match(value, /- Code: test function test\\_load\\_with\\_password/);
    });

    it('is only the frame or conf hover away from findings', async () => {
      const h = await findingHover(job.replace('orders.co|unt()', 'orders.count()').replace('orders.write', 'ord|ers.write'));
      assert.doesNotMatch((h!.contents as MarkupContent).value, /Why PSA/);
    });
  });
});

describe('hover: the schema of a frame whose columns are known', () => {
  it('lists names and types through a select, a withColumn with a cast and an aggregate', async () => {
    const source = py`
      from pyspark.sql import SparkSession, functions as F
      spark = SparkSession.builder.getOrCreate()
      orders = spark.createDataFrame([], "order_id STRING, amount DOUBLE, created_at TIMESTAMP")
      daily = (orders.withColumn("day", F.to_date("created_at"))
          .withColumn("cents", (F.col("amount") * 100).cast("long"))
          .groupBy("day").agg(F.sum("cents").alias("total"), F.count("order_id").alias("n")))
      dai|ly.show()
    `;
    const { value } = await hover(source);
    assert.match(value!, /Schema \(3 columns, exactly these\): `day` date, `total`, `n` bigint/);
  });

  it('falls back to the columns gathered so far when a step is unknown', async () => {
    const { value } = await hover(py`
      from pyspark.sql import SparkSession, functions as F
      spark = SparkSession.builder.getOrCreate()
      raw = spark.read.json("s3://lake/raw/events")
      events = raw.withColumn("day", F.to_date("ts"))
      eve|nts.show()
    `);
    assert.doesNotMatch(value!, /Schema \(/);
    assert.match(value!, /Columns \(known so far; there may be others\): `day`/);
  });
});
