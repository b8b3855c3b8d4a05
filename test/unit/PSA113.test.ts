import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

const job = py`
  from pyspark.sql import SparkSession

  spark = SparkSession.builder.appName("orders").getOrCreate()
  orders = spark.read.table("silver.orders").groupBy("country").count()
  orders.show()
  orders.write.mode("overwrite").saveAsTable("gold.orders_by_country")
`;

describe('PSA113 notebook-debris-in-job', () => {
  it('reports show() in a job module, whatever folder a job lives in', async () => {
    for (const path of ['jobs/orders.py', 'file:///repo/src/etl/orders.py', 'pipelines/labels_daily.py']) {
      assert.equal((await check(job, {}, { path })).of('PSA113').length, 1, path);
    }
  });

  it('stays silent in teaching material, notebooks and tests, named so by their path', async () => {
    for (const path of [
      'Chapter04/Recipe_Orders.py',
      'pyspark-tutorials/04_streaming/orders.py',
      'pyspark-examples/orders.py',
      'demos/orders.py',
      'courses/module-2/orders.py',
      'notebooks/orders.ipynb',
      'tests/test_orders.py',
    ]) {
      assert.deepEqual(
        (await check(job, {}, { path })).of('PSA113').map((f) => f.message),
        [],
        path,
      );
    }
  });

  it('stays silent when the only writes go to a local scratch folder (a Windows drive, /tmp, a relative path)', async () => {
    for (const target of ['c:/tmp/out', '/tmp/out', 'output/orders', 'file:///home/me/out']) {
      const text = job.replace('.saveAsTable("gold.orders_by_country")', `.parquet("${target}")`);
      assert.deepEqual(
        (await check(text)).of('PSA113').map((f) => f.message),
        [],
        target,
      );
    }
    const durable = job.replace('.saveAsTable("gold.orders_by_country")', '.parquet("s3://lake/gold/orders")');
    assert.equal((await check(durable)).of('PSA113').length, 1);
  });
});
