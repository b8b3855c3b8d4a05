import * as assert from 'node:assert/strict';
import { py } from './helpers';
import { edgeLabels, graphOf, graphOfFiles, layout } from './graphTestHelpers';

describe('pipeline graph inference', () => {
  it('seed medallion example: bronze, silver, gold lanes and the dataset flow', async () => {
    const g = await graphOfFiles('test/fixtures/seed/medallion.py');
    assert.equal(g.architecture, 'medallion');
    assert.deepEqual(g.layers, ['bronze', 'silver', 'gold']);
    assert.deepEqual(layout(g, 'step'), ['bronze_layer@bronze', 'gold_layer@gold', 'silver_layer@silver']);
    assert.deepEqual(layout(g, 'dataset'), [
      'bronze/events@bronze',
      'gold/product_metrics@gold',
      'gold/user_metrics@gold',
      'landing-zone/events@bronze',
      'silver/events@silver',
    ]);
    assert.deepEqual(edgeLabels(g), [
      'bronze/events -> silver_layer',
      'bronze_layer -> bronze/events',
      'gold_layer -> gold/product_metrics',
      'gold_layer -> gold/user_metrics',
      'landing-zone/events -> bronze_layer',
      'silver/events -> gold_layer',
      'silver_layer -> silver/events',
    ]);
  });

  it('seed lambda example: batch, speed and serving', async () => {
    const g = await graphOfFiles('test/fixtures/seed/lambda.py');
    assert.equal(g.architecture, 'lambda');
    assert.deepEqual(g.layers, ['batch', 'speed', 'serving']);
    assert.deepEqual(layout(g, 'step'), ['batch_layer_pipeline@batch', 'serving_layer_query@serving', 'speed_layer_pipeline@speed']);
    assert.ok(edgeLabels(g).includes('data-lake/batch-views -> serving_layer_query'));
    assert.ok(edgeLabels(g).includes('redis -> serving_layer_query'));
  });

  it('seed kappa example: one streaming path into the lake', async () => {
    const g = await graphOfFiles('test/fixtures/seed/kappa.py');
    assert.equal(g.architecture, 'kappa');
    assert.deepEqual(layout(g, 'dataset'), ['all-events@source', 'data-lake/system-metrics@lake', 'data-lake/user-analytics@lake']);
    assert.deepEqual(layout(g, 'step'), ['kappa_architecture_pipeline@stream']);
    const psa201 = g.nodes.find((n) => n.label === 'kappa_architecture_pipeline')!.findings.map((f) => f.code);
    assert.deepEqual(psa201, ['PSA201']);
    const sink = g.nodes.find((n) => n.label === 'data-lake/user-analytics')!;
    assert.deepEqual(
      sink.findings.map((f) => f.code),
      ['PSA214', 'PSA204'],
      'the unnamed-query and /tmp checkpoint badges sit on the sink they concern',
    );
    assert.equal(sink.streaming, true);
    assert.equal(sink.role, 'sink');
    assert.equal(sink.format, 'delta');
  });

  it('samples: each architecture sample is recognised; ranges point at the code', async () => {
    for (const [file, arch] of [
      ['samples/medallion_architecture.py', 'medallion'],
      ['samples/lambda_architecture.py', 'lambda'],
      ['samples/kappa_architecture.py', 'kappa'],
    ] as const) {
      const g = await graphOfFiles(file);
      assert.equal(g.architecture, arch, file);
      for (const n of g.nodes) assert.ok(n.range.end.line >= n.range.start.line && n.filename === file, `${n.id} range`);
    }
    const g = await graphOfFiles('samples/medallion_architecture.py');
    const silver = g.nodes.find((n) => n.location === 's3://data-lake/silver/events')!;
    assert.equal(silver.range.start.line, 39, 'dataset node points at its write');
    assert.ok(silver.columns?.includes('email'));
  });

  it('joins datasets across files and across f-strings/constants into one node', async () => {
    const g = await graphOf([
      {
        name: 'jobs/ingest.py',
        text: py`
        LAKE = "s3a://lake"
        def ingest_orders(spark):
            spark.read.json("s3://landing/orders/").write.format("delta").save(f"{LAKE}/bronze/orders/")
      `,
      },
      {
        name: 'jobs/clean.py',
        text: py`
        def clean_orders(spark):
            df = spark.read.format("delta").load("s3://lake/bronze/orders")
            df.dropDuplicates(["order_id"]).write.format("delta").saveAsTable("silver.orders")
      `,
      },
    ]);
    const bronze = g.nodes.filter((n) => n.location === 's3://lake/bronze/orders');
    assert.equal(bronze.length, 1);
    assert.equal(bronze[0].role, 'intermediate');
    assert.deepEqual(
      edgeLabels(g),
      ['bronze/orders -> clean_orders', 'ingest_orders -> bronze/orders', 'landing/orders -> ingest_orders', 'clean_orders -> silver.orders'].sort(),
    );
    assert.equal(g.architecture, 'medallion');
  });

  it('names a JDBC table as Spark does: the jdbc() argument over the dbtable option, constants resolved', async () => {
    const g = await graphOf([
      {
        name: 'jobs/warehouse.py',
        text: py`
        URL = "jdbc:postgresql://db:5432/shop"
        ORDERS = "public.orders"
        PROPS = {"user": "etl", "driver": "org.postgresql.Driver"}
        def load_orders(spark):
            orders = spark.read.jdbc(URL, ORDERS, properties=PROPS)
            orders.groupBy("customer_id").count().write.option("dbtable", "ignored.by_spark").jdbc(URL, table="mart.order_counts", mode="overwrite", properties=PROPS)
        def load_customers(spark):
            spark.read.format("jdbc").option("url", URL).option("dbtable", "public.customers").load().write.parquet("s3://lake/customers")
            spark.read.format("jdbc").option("url", URL).option("dbtable", "(SELECT id FROM public.customers) c").load().write.parquet("s3://lake/ids")
      `,
      },
    ]);
    assert.deepEqual(
      g.nodes
        .filter((n) => n.kind === 'dataset' && n.location?.startsWith('jdbc'))
        .map((n) => n.location)
        .sort(),
      ['jdbc:', 'jdbc:mart.order_counts', 'jdbc:public.customers', 'jdbc:public.orders'],
    );
    assert.ok(edgeLabels(g).includes('public.orders -> load_orders'), edgeLabels(g).join('\n'));
    assert.ok(edgeLabels(g).includes('load_orders -> mart.order_counts'), edgeLabels(g).join('\n'));
  });

  it('unknown architecture leaves nodes unlayered; an empty file gives an empty graph', async () => {
    const g = await graphOf([
      {
        name: 'x.py',
        text: py`
      df = spark.read.parquet("s3://bucket/in")
      df.write.parquet("s3://bucket/out")
    `,
      },
    ]);
    assert.equal(g.architecture, 'unknown');
    assert.deepEqual(g.layers, []);
    assert.ok(g.nodes.every((n) => n.layer === null));
    const empty = await graphOf([{ name: 'e.py', text: 'print("hello")\n' }]);
    assert.deepEqual(empty, { architecture: 'unknown', layers: [], nodes: [], edges: [] });
  });
});
