import * as assert from 'node:assert/strict';
import { analyseCellsOnce } from '../../server/src/notebook/analyseNotebook';
import type { CellSource } from '../../server/src/notebook/program';
import { check, loadParser, py } from './helpers';

const cells = (...sources: string[]): CellSource[] => sources.map((source, cell) => ({ cell, source }));

describe('PSA713 discarded-transformation', () => {
  it("leaves alone a Jupyter cell's last expression (its displayed output), and reports one in the middle of a cell", async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(
      parser,
      cells(
        'orders = spark.read.table("raw.orders")\norders.filter(orders.amount > 100)',
        'orders.dropDuplicates(["order_id"])\norders.write.mode("overwrite").saveAsTable("silver.orders")',
        'orders.groupBy("status").count()  # what the cell shows',
      ),
      'explore.ipynb',
    );
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'PSA713').map((f) => f.cell),
      [1],
    );
  });

  it('reports a writer left as the last expression of a cell: displaying it writes nothing', async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(parser, cells('orders = spark.read.table("raw.orders")', 'orders.write.format("delta").mode("overwrite")'), 'load.ipynb');
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'PSA713').map((f) => f.cell),
      [1],
    );
  });

  it("a script exported from Jupyter (# In[3]:) keeps its cells: a cell's last expression was its output", async () => {
    const text = py`
      #!/usr/bin/env python
      # coding: utf-8

      # In[1]:


      orders = spark.read.table("raw.orders")
      orders.select("order_id", "amount")


      # In[2]:


      orders.withColumn("vat", orders.amount * 0.2)
      orders.write.mode("overwrite").saveAsTable("silver.orders")
    `;
    const found = (await check(text, {}, { path: 'explore.py' })).of('PSA713');
    assert.deepEqual(
      found.map((f) => text.slice(f.start, f.end)),
      ['orders.withColumn("vat", orders.amount * 0.2)'],
    );
  });

  it('in a job, a change lost before the frame is read again is reported; one nothing reads afterwards is dead code', async () => {
    const text = py`
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.table("raw.orders")
      orders.dropDuplicates(["order_id"])
      orders.write.mode("overwrite").saveAsTable("silver.orders")
      orders.withColumn("loaded", orders.order_id.isNotNull())
    `;
    const found = (await check(text, {}, { path: 'jobs/orders.py' })).of('PSA713');
    assert.deepEqual(
      found.map((f) => text.slice(f.start, f.end)),
      ['orders.dropDuplicates(["order_id"])'],
    );
  });
  it('leaves alone a line tried bare and kept by the next statement, in a notebook cell before a write', async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(
      parser,
      cells(
        'stats = spark.read.format("delta").load("ml/bronze")',
        'stats.select("id", "name", "email")\nstats = stats.select("id", "name", "email")\nstats.dropDuplicates(["id"])\nstats = stats.dropDuplicates(["email"])',
        'stats.write.format("delta").mode("overwrite").save("ml/silver")',
      ),
      'etl.ipynb',
    );
    // The select is kept by the next line; the dropDuplicates is not (another key is kept).
    const found = a.findings.filter((f) => f.code === 'PSA713');
    assert.deepEqual(
      found.map((f) => [f.cell, f.message.split('(')[0]]),
      [[1, 'dropDuplicates']],
    );
  });
});
