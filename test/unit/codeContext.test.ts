import * as assert from 'node:assert/strict';
import { CodeContext, fileKind } from '../../server/src/context/codeContext';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { loadParser, py } from './helpers';

describe('code context (what kind of code a finding sits in)', () => {
  const job = py`
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.parquet("s3://lake/bronze/orders")
  `;

  it('tells tests, generators, notebooks and jobs apart from the path and the first lines', () => {
    assert.equal(fileKind(job, { path: 'jobs/orders_daily.py' }).kind, 'job');
    assert.equal(fileKind(job, { path: 'tests/test_orders.py' }).kind, 'test');
    assert.equal(fileKind(job, { path: 'src/orders_test.py' }).kind, 'test');
    assert.equal(fileKind(job, { path: 'file:///repo/tests/integration/orders.py' }).kind, 'test');
    assert.equal(fileKind(job, { path: 'conftest.py' }).kind, 'test');
    // "contest" and "latest" are not tests.
    assert.equal(fileKind(job, { path: 'jobs/latest_orders.py' }).kind, 'job');
    assert.equal(fileKind('from faker import Faker\n' + job, { path: 'jobs/seed.py' }).kind, 'generator');
    assert.equal(fileKind(job, { path: '_resources/generate_orders.py' }).kind, 'generator');
    assert.equal(fileKind('# Databricks notebook source\n' + job, { path: 'notebooks/01-bronze.py' }).kind, 'notebook');
    assert.equal(fileKind(job, { path: 'analysis.ipynb' }).kind, 'notebook');
    assert.equal(fileKind(job, { notebook: true }).kind, 'notebook');
  });

  it('takes a Glue notebook that runs the job lifecycle (job.init ... job.commit) for the job script, and a Glue tutorial notebook for a notebook', () => {
    const glue = [
      'from awsglue.context import GlueContext',
      'from awsglue.job import Job',
      'glueContext = GlueContext(sc)',
      'job = Job(glueContext)',
      'job.init(args["JOB_NAME"], args)',
      'dyf = glueContext.create_dynamic_frame.from_catalog(database="sales", table_name="orders")',
    ].join('\n');
    const k = fileKind(glue + '\njob.commit()\n', { path: 'glue/orders_etl.ipynb' });
    assert.deepEqual(k, { kind: 'job', why: 'AWS Glue job (job.init ... job.commit)' });
    assert.equal(fileKind(glue + '\n', { path: 'tutorials/glue_orders.ipynb' }).kind, 'notebook');
    assert.equal(fileKind(glue + '\njob.commit()\n', { path: 'tests/test_glue.ipynb' }).kind, 'test');
  });

  it('lets a team say its notebooks are production jobs', () => {
    const k = fileKind('# Databricks notebook source\n' + job, { path: 'pipelines/orders.py', notebooksAreJobs: true });
    assert.equal(k.kind, 'job');
    assert.match(k.why, /context\.notebooks/);
  });

  it('refines the kind per function: test functions, fixtures and Lakeflow datasets', async () => {
    const text = py`
      import dlt
      import pytest

      @pytest.fixture
      def orders(spark):
          return spark.createDataFrame([(1, "a")], ["id", "v"])

      def test_dedup(orders):
          assert orders.count() == 1

      @dlt.table(comment="raw events")
      @dlt.expect_or_drop("valid", "id IS NOT NULL")
      def bronze_events():
          return spark.readStream.format("cloudFiles").load("/Volumes/raw/events")

      def helper(df):
          return df.count()
    `;
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const ctx = new CodeContext(text, { path: 'pipelines/events.py' });
      const at = (needle: string) => {
        const offset = text.indexOf(needle);
        const node = syntaxRoot(tree, text).descendantForIndex(offset, offset + needle.length);
        return ctx.at(node);
      };
      assert.equal(at('createDataFrame').kind, 'test');
      assert.equal(at('orders.count()').kind, 'test');
      assert.equal(at('readStream').kind, 'pipeline');
      assert.match(at('readStream').why, /@dlt\.table/);
      assert.equal(at('df.count()').kind, 'job');
      assert.equal(ctx.pipelineSource, true);
    } finally {
      tree.delete();
    }
  });
});
