import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA404 sql-built-from-job-input', () => {
  it('flags spark.sql text spliced with command-line arguments, widgets and Glue arguments', async () => {
    const r = await check(py`
      import sys
      import argparse
      from awsglue.utils import getResolvedOptions
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      parser = argparse.ArgumentParser()
      parser.add_argument("--day")
      args = parser.parse_args()
      glue = getResolvedOptions(sys.argv, ["TABLE"])

      def load_day(spark, region):
          day = args.day.strip()
          return spark.sql(f"SELECT * FROM sales.orders WHERE day = '{day}' AND region = '{region}'")

      customer = dbutils.widgets.get("customer_id")
      spark.sql("DELETE FROM gold.customers WHERE id = " + customer)
      spark.sql("SELECT * FROM sales.orders WHERE {}".format(glue["FILTER"]))
      spark.sql("SELECT * FROM raw.events WHERE source = '%s'" % sys.argv[1])
    `);
    const found = r.of('PSA404');
    assert.deepEqual(found.map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), [
      "14: {day}",
      '17: customer',
      '18: glue["FILTER"]',
      '19: sys.argv[1]',
    ]);
    assert.match(found[0].message, /comes from a command-line argument \(argparse\)/);
    assert.equal(found[0].related.length, 1, 'points at where the input enters');
    assert.match(found[1].message, /a Databricks widget/);
    assert.match(found[2].message, /a Glue job argument/);
  });

  it('leaves table, schema and catalog names from job input alone (the common notebook pattern)', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      catalog = dbutils.widgets.get("catalog")
      schema = dbutils.widgets.get("schema")
      spark.sql(f"USE CATALOG {catalog}")
      spark.sql(f"OPTIMIZE {catalog}.{schema}.orders ZORDER BY (customer_id)")
      spark.sql(f"SELECT * FROM {catalog}.{schema}.orders WHERE status = 'open'")
      spark.sql("CREATE SCHEMA IF NOT EXISTS " + schema)
      spark.sql(f"SELECT * FROM {catalog}.{schema}.orders WHERE region = '{schema}'")
    `);
    assert.deepEqual(r.of('PSA404').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), ['9: {schema}']);
  });

  it('is silent on parameters, casts, validated values, constants and unknown values', async () => {
    const r = await check(py`
      import sys
      from datetime import datetime
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      TABLE = "sales.orders"
      day = sys.argv[1]
      limit = int(sys.argv[2])
      checked = datetime.strptime(sys.argv[3], "%Y-%m-%d").date()
      allowed = validate_table(sys.argv[4])

      spark.sql("SELECT * FROM sales.orders WHERE day = :day", args={"day": day})
      spark.sql(f"SELECT * FROM {TABLE} LIMIT {limit}")
      spark.sql(f"SELECT * FROM sales.orders WHERE day = '{checked}'")
      spark.sql(f"SELECT * FROM {allowed}")

      def report(spark, table_name):
          return spark.sql(f"SELECT count(*) FROM {table_name}")

      day = "2024-01-01"
      spark.sql(f"SELECT * FROM sales.orders WHERE day = '{day}'")
    `);
    assert.deepEqual(r.of('PSA404').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), []);
  });
});
