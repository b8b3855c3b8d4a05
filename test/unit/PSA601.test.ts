import * as assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis';
import { fileFragment, mergeRawGraphs } from '../../server/src/graph';
import type { RawGraph } from '../../server/src/graph/pipelineGraph';
import { check, loadParser, py } from './helpers';

describe('PSA601 layer-skip / PSA602 layer-backflow', () => {
  it('PSA601 silent on proper bronze -> silver -> gold flows', async () => {
    const r = await check(py`
      def silver(spark):
          spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")

      def gold(spark):
          spark.read.format("delta").load("s3://lake/silver/orders").groupBy("d").count().write.format("delta").save("s3://lake/gold/orders_daily")

      def gold_with_dim(spark):
          facts = spark.read.format("delta").load("s3://lake/silver/orders")
          dims = spark.read.format("delta").load("s3://lake/bronze/ref_countries")
          facts.join(dims, "country").write.format("delta").save("s3://lake/gold/orders_by_country")
    `);
    assert.deepEqual(r.of('PSA601'), []);
    assert.deepEqual(r.of('PSA602'), []);
  });

  it('PSA602: gold logic writing back into a bronze location, reported at the write', async () => {
    const r = await check(py`
      def fix_up(spark):
          gold = spark.table("gold.customer_ltv")
          gold.write.mode("append").format("delta").save("s3://lake/bronze/customers")
    `);
    const [f] = r.of('PSA602');
    assert.ok(f);
    assert.equal(r.textOf(f), 'write.mode("append").format("delta").save("s3://lake/bronze/customers")');
    assert.match(f.message, /reads gold data and writes into the bronze location/);
  });

  describe('each connected pipeline by its own architecture (as the preview draws it)', () => {
    const lambdaJob = `
def batch_layer(spark):
    spark.read.parquet("s3://clicks/history").groupBy("user_id").count().write.mode("overwrite").parquet("s3://clicks/batch_views")

def speed_layer(spark):
    s = spark.readStream.format("kafka").option("subscribe", "clicks").load()
    s.writeStream.format("delta").option("checkpointLocation", "s3://chk/clicks").start("s3://clicks/realtime_views")

def serving_layer(spark):
    batch = spark.read.parquet("s3://clicks/batch_views")
    live = spark.read.format("delta").load("s3://clicks/realtime_views")
    topic = spark.read.format("kafka").option("subscribe", "clicks").load()
    return batch.unionByName(live, allowMissingColumns=True).unionByName(topic, allowMissingColumns=True)
`;

    it('a medallion gold step skipping silver is reported beside a lambda job (the job no longer makes the file lambda)', async () => {
      const r = await check(
        py`
        def clean_orders(spark):
            spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")

        def build_gold_revenue(spark):
            orders = spark.read.format("delta").load("s3://lake/bronze/orders")
            orders.groupBy("day").count().write.format("delta").saveAsTable("gold.daily_revenue")
      ` + lambdaJob,
      );
      const found = r.of('PSA601').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}: ${f.message.slice(0, 40)}`);
      assert.deepEqual(found, [
        '5: spark.read.format("delta").load("s3://lake/bronze/orders"): Layer skip: this gold step reads bronze/',
        // The lambda's serving step reading the raw topic is still its own finding.
        '18: spark.read.format("kafka").option("subscribe", "clicks").load(): Layer skip: the serving layer reads raw ',
      ]);
    });

    it('a medallion step named for serving is not a lambda serving layer, the lambda beside it still is', async () => {
      const r = await check(
        py`
        def clean_orders(spark):
            spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")

        def serving_orders_by_country(spark):
            facts = spark.read.format("delta").load("s3://lake/silver/orders")
            countries = spark.read.format("delta").load("s3://lake/raw/countries")
            facts.join(countries, "country").write.format("delta").save("s3://lake/gold/orders_by_country")
      ` + lambdaJob,
      );
      assert.deepEqual(
        r.of('PSA601').map((f) => r.textOf(f)),
        ['spark.read.format("kafka").option("subscribe", "clicks").load()'],
      );
      assert.deepEqual(r.of('PSA602'), []);
    });

    it('a lambda without its serving step: batch and speed layers are layered together, not as medallion', async () => {
      const r = await check(py`
        def batch_layer(spark):
            spark.read.parquet("s3://lake/raw/clicks").groupBy("day").count().write.parquet("s3://lake/serving/daily_clicks")

        def speed_layer(spark):
            s = spark.readStream.format("kafka").option("subscribe", "clicks").load()
            s.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/speed").start("s3://lake/speed/clicks")
      `);
      assert.deepEqual(r.of('PSA601'), []);
    });
  });

  describe('across files', () => {
    /** The raw graph of other files, as the server and the CLI build it. */
    async function workspaceOf(files: Record<string, string>): Promise<RawGraph> {
      const parser = await loadParser();
      const fragments = Object.entries(files).map(([name, text]) => {
        const tree = parser.parse(text);
        try {
          const r = analyze(tree, text);
          return fileFragment({ filename: name, uri: `file:///repo/${name}`, model: r.model, lines: r.lines, findings: r.findings });
        } finally {
          tree.delete();
        }
      });
      return mergeRawGraphs(fragments.map((f) => f.raw));
    }

    const batch = py`
      def batch_layer(spark):
          spark.read.parquet("s3://lake/raw/events").groupBy("day").count().write.parquet("s3://lake/batch-views/daily")
    `;
    const speed = py`
      def speed_layer(spark):
          s = spark.readStream.format("kafka").option("subscribe", "events").load()
          s.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/speed").start("s3://lake/speed-views/live")
    `;
    const serving = py`
      def serving_layer(spark):
          batch = spark.read.parquet("s3://lake/batch-views/daily")
          live = spark.read.format("delta").load("s3://lake/speed-views/live")
          raw = spark.read.parquet("s3://lake/raw/events")
          return batch.unionByName(live, allowMissingColumns=True).unionByName(raw, allowMissingColumns=True)
    `;

    it('PSA601: a lambda split over three files is layered as one, and the serving file is told of its raw read', async () => {
      const alone = await check(serving);
      assert.deepEqual(alone.of('PSA601'), [], 'alone, the serving file cannot know it is the serving layer of a lambda');
      const r = await check(serving, {}, { workspace: await workspaceOf({ 'batch.py': batch, 'speed.py': speed }) });
      assert.deepEqual(
        r.of('PSA601').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`),
        ['4: spark.read.parquet("s3://lake/raw/events")'],
      );
      // The batch file reads the same raw data, but is the batch layer: it is not reported.
      const b = await check(batch, {}, { workspace: await workspaceOf({ 'speed.py': speed, 'serving.py': serving }) });
      assert.deepEqual(b.of('PSA601'), []);
    });

    it('PSA601 stays silent when the "raw" view a serving step reads is produced by another file', async () => {
      const views = py`
        def batch_layer(spark):
            spark.read.parquet("s3://lake/landing/events").groupBy("day").count().write.parquet("s3://lake/raw_daily_view")
      `;
      const serve = py`
        def serving_layer(spark):
            daily = spark.read.parquet("s3://lake/raw_daily_view")
            live = spark.read.format("delta").load("s3://lake/speed-views/live")
            return daily.unionByName(live, allowMissingColumns=True)
      `;
      const r = await check(serve, {}, { workspace: await workspaceOf({ 'batch.py': views, 'speed.py': speed }) });
      assert.deepEqual(r.of('PSA601'), []);
    });

    it('PSA602: a serving file writing into a view the batch file produces', async () => {
      const serve = py`
        def serving_layer(spark):
            daily = spark.read.parquet("s3://lake/batch-views/daily")
            live = spark.read.format("delta").load("s3://lake/speed-views/live")
            merged = daily.unionByName(live, allowMissingColumns=True)
            merged.write.mode("overwrite").parquet("s3://lake/batch-views/daily")
      `;
      const alone = await check(serve);
      assert.deepEqual(alone.of('PSA602'), []);
      const r = await check(serve, {}, { workspace: await workspaceOf({ 'batch.py': batch, 'speed.py': speed }) });
      const [f, ...rest] = r.of('PSA602');
      assert.equal(rest.length, 0);
      assert.equal(r.lineOf(f), 5);
      assert.match(f.message, /which the batch layer produces/);
    });

    it('unrelated files in the workspace change nothing', async () => {
      const gold = py`
        def build_gold_revenue(spark):
            orders = spark.read.format("delta").load("s3://lake/bronze/orders")
            orders.groupBy("d").count().write.format("delta").saveAsTable("gold.daily_revenue")
      `;
      const alone = await check(gold);
      const withOthers = await check(gold, {}, { workspace: await workspaceOf({ 'batch.py': batch, 'speed.py': speed, 'serving.py': serving }) });
      assert.deepEqual(
        withOthers.findings.map((f) => `${f.code}@${f.start}`),
        alone.findings.map((f) => `${f.code}@${f.start}`),
      );
      assert.equal(withOthers.of('PSA601').length, 1);
    });
  });
});
