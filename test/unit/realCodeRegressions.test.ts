import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

/**
 * The false-positive classes found by triaging the development corpus (docs/accuracy.md), one
 * describe per class, each with the true positive it must keep. Written from scratch in the shape
 * of the real code, not copied from it.
 */
describe('real-code regressions (issue #11)', () => {
  describe('Auto Loader inside Lakeflow / DLT and formats with a fixed schema (PSA208)', () => {
    it('is silent on Auto Loader reads whose flows the pipeline runs', async () => {
      const dltTable = await check(py`
        import dlt
        from pyspark.sql import functions as F

        @dlt.table(comment="Raw orders landed by the upstream app")
        @dlt.expect_or_drop("has_id", "order_id IS NOT NULL")
        def orders_bronze():
            return (spark.readStream.format("cloudFiles")
                    .option("cloudFiles.format", "json")
                    .option("cloudFiles.inferColumnTypes", "true")
                    .load("/Volumes/retail/landing/orders")
                    .withColumn("ingested_at", F.current_timestamp()))
      `);
      assert.deepEqual(dltTable.of('PSA208'), []);
      const factory = await check(py`
        from pyspark import pipelines as dp

        def make_bronze(entity):
            @dp.table(name=f"{entity}_bronze")
            def bronze():
                return spark.readStream.format("cloudFiles").option("cloudFiles.format", "csv").load(f"/Volumes/raw/{entity}")
            return bronze

        for entity in ["customers", "orders"]:
            make_bronze(entity)
      `);
      assert.deepEqual(factory.of('PSA208'), []);
    });

    it('is silent on binaryFile and text Auto Loader reads, which have a fixed schema', async () => {
      const r = await check(py`
        docs = (spark.readStream.format("cloudFiles")
                .option("cloudFiles.format", "BINARYFILE")
                .option("pathGlobFilter", "*.pdf")
                .load("/Volumes/rag/raw/pdfs"))
        logs = spark.readStream.format("cloudFiles").option("cloudFiles.format", "text").load("/Volumes/ops/logs")
        docs.writeStream.option("checkpointLocation", "/Volumes/rag/_chk/pdfs").toTable("rag.pdf_raw")
      `);
      assert.deepEqual(r.of('PSA208'), []);
    });

    it('still flags a plain Auto Loader CSV read in a notebook with no schema location', async () => {
      const r = await check(py`
        # Databricks notebook source
        customers = (spark.readStream.format("cloudFiles")
                     .option("cloudFiles.format", "csv")
                     .option("header", "true")
                     .load("/mnt/landing/customers/"))

        # COMMAND ----------

        customers.writeStream.option("checkpointLocation", "/mnt/chk/customers").toTable("bronze.customers")
      `);
      assert.deepEqual(r.of('PSA208').map((f) => r.lineOf(f)), [2]);
    });
  });
});
