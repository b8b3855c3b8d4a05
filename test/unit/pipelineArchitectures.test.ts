/** Several pipelines in one workspace: each connected pipeline gets its own architecture. */
import * as assert from 'node:assert/strict';
import { graphOf, layout } from './graphTestHelpers';

const MEDALLION = `
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()

def ingest_orders():
    spark.read.json("s3://lake/landing/orders").write.format("delta").save("s3://lake/bronze/orders")

def clean_orders():
    spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")

def daily_revenue():
    spark.read.format("delta").load("s3://lake/silver/orders").groupBy("day").count().write.format("delta").save("s3://lake/gold/daily_revenue")
`;

const LAMBDA = `
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()

def batch_layer():
    spark.read.parquet("s3://clicks/history").groupBy("user").count().write.mode("overwrite").parquet("s3://clicks/batch_views")

def speed_layer():
    (spark.readStream.format("kafka").option("subscribe", "clicks").load()
        .writeStream.format("delta").option("checkpointLocation", "s3://chk/clicks").start("s3://clicks/realtime_views"))

def serving_layer():
    batch = spark.read.parquet("s3://clicks/batch_views")
    speed = spark.read.format("delta").load("s3://clicks/realtime_views")
    return batch.unionByName(speed)
`;

describe('architecture per connected pipeline', () => {
  it('keeps medallion steps in medallion lanes when another pipeline is lambda', async () => {
    const g = await graphOf([
      { name: 'etl/orders.py', text: MEDALLION },
      { name: 'jobs/clicks.py', text: LAMBDA },
    ]);
    const steps = layout(g, 'step');
    assert.deepEqual(
      steps.filter((s) => /orders|revenue/.test(s)),
      ['clean_orders@silver', 'daily_revenue@gold', 'ingest_orders@bronze'],
    );
    assert.deepEqual(
      steps.filter((s) => /layer/.test(s)),
      ['batch_layer@batch', 'serving_layer@serving', 'speed_layer@speed'],
    );
    assert.ok(
      !g.nodes.some((n) => /orders|revenue/.test(n.label) && ['batch', 'speed', 'serving'].includes(n.layer ?? '')),
      'no medallion node in a lambda lane',
    );

    const pipelines = g.pipelines ?? [];
    assert.deepEqual(pipelines.map((p) => `${p.name}:${p.architecture}`).sort(), ['clicks.py:lambda', 'orders.py:medallion']);
    for (const p of pipelines) assert.deepEqual(p.layers, p.architecture === 'lambda' ? ['batch', 'speed', 'serving'] : ['bronze', 'silver', 'gold']);
    // Every node names its pipeline, and a pipeline's nodes all come from its files.
    for (const n of g.nodes) {
      const p = pipelines.find((x) => x.id === n.pipeline);
      assert.ok(p, `${n.label} has a pipeline`);
      assert.equal(p.name, n.filename.endsWith('orders.py') ? 'orders.py' : 'clicks.py', n.label);
    }
    assert.deepEqual([...g.layers].sort(), ['batch', 'bronze', 'gold', 'serving', 'silver', 'speed']);
  });

  it('one pipeline spread over files is one pipeline named for its first file', async () => {
    const [ingest, refine] = MEDALLION.split('def clean_orders');
    const g = await graphOf([
      { name: 'a_ingest.py', text: ingest },
      { name: 'b_refine.py', text: `from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\ndef clean_orders${refine}` },
    ]);
    assert.equal(g.pipelines?.length, 1);
    assert.equal(g.pipelines?.[0].name, 'a_ingest.py + 1 more');
    assert.equal(g.pipelines?.[0].architecture, 'medallion');
    assert.equal(g.architecture, 'medallion');
  });

  it('the whole-workspace architecture is the largest recognised pipeline, a lone unrecognised job stays unlayered', async () => {
    const lone = `from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\ndef export():\n    spark.read.csv("/data/in.csv").write.csv("/data/out")\n`;
    const g = await graphOf([
      { name: 'clicks.py', text: LAMBDA },
      { name: 'export.py', text: lone },
    ]);
    assert.equal(g.architecture, 'lambda');
    assert.deepEqual(
      layout(g, 'step').filter((s) => s.startsWith('export')),
      ['export@-'],
    );
    assert.equal(g.pipelines?.find((p) => p.name === 'export.py')?.architecture, 'unknown');
  });
});
