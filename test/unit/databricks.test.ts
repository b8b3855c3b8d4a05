import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('Databricks notebook sources', () => {
  const notebook = py`
    # Databricks notebook source
    # MAGIC %md
    # MAGIC # Clickstream aggregation
    # MAGIC This notebook reads the clicks topic.

    # COMMAND ----------

    from pyspark.sql import functions as F

    clicks = spark.readStream.format("kafka").option("subscribe", "clicks").load()

    # COMMAND ----------

    # MAGIC %sql
    # MAGIC SELECT count(*) FROM clicks_per_minute -- a groupBy( in SQL text is not code

    # COMMAND ----------

    per_minute = clicks.groupBy(F.window("timestamp", "1 minute")).count()
    per_minute.writeStream.format("delta").option("checkpointLocation", "/tmp/clicks").toTable("gold.clicks_per_minute")
  `;

  it('cells share one namespace: a stream read in one cell is aggregated in another', async () => {
    const r = await check(notebook);
    assert.deepEqual(r.findings.map((f) => f.code).sort(), ['PSA201', 'PSA204']);
    assert.equal(r.lineOf(r.of('PSA201')[0]), 19);
  });

  it('magic lines are not code: nothing is reported inside them, and noqa in a cell works', async () => {
    const r = await check(notebook.replace('.count()\n', '.count()  # noqa: PSA201\n'));
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['PSA204'],
    );
    const magicOnly = await check('# Databricks notebook source\n# MAGIC %python\n# MAGIC df = spark.readStream.load(); df.groupBy("k").count()\n');
    assert.deepEqual(magicOnly.findings, []);
  });
});
