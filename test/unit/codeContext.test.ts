import * as assert from 'node:assert/strict';
import { CodeContext, fileKind } from '../../server/src/context/codeContext';
import { contextPath } from '../../server/src/project/contextPath';
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
    // Test-support modules beside the code: comparing expected and actual frames is test code.
    assert.equal(fileKind(job, { path: 'etl/src/common/pytest_utils.py' }).kind, 'test');
    assert.equal(fileKind(job, { path: 'src/spark_test_helpers.py' }).kind, 'test');
    assert.equal(fileKind(job, { path: 'lib/testutils.py' }).kind, 'test');
    // "contest" and "latest" are not tests, nor are utilities that only mention a test elsewhere.
    assert.equal(fileKind(job, { path: 'jobs/latest_orders.py' }).kind, 'job');
    assert.equal(fileKind(job, { path: 'jobs/latest_utils.py' }).kind, 'job');
    assert.equal(fileKind(job, { path: 'src/common/utils.py' }).kind, 'job');
    assert.equal(fileKind('from faker import Faker\n' + job, { path: 'jobs/seed.py' }).kind, 'generator');
    assert.equal(fileKind(job, { path: '_resources/generate_orders.py' }).kind, 'generator');
    assert.equal(fileKind('# Databricks notebook source\n' + job, { path: 'notebooks/01-bronze.py' }).kind, 'notebook');
    assert.equal(fileKind(job, { path: 'analysis.ipynb' }).kind, 'notebook');
    assert.equal(fileKind(job, { notebook: true }).kind, 'notebook');
  });

  it('reads folder names from the workspace folder down, not the disk layout above it', () => {
    const roots = ['file:///home/ana/testing/lakehouse', 'file:///home/ana/testing/lakehouse/vendor'];
    // A clone under ~/testing/ is not a test; the longest root wins and keeps its own name.
    assert.equal(contextPath('file:///home/ana/testing/lakehouse/jobs/orders.py', roots), 'lakehouse/jobs/orders.py');
    assert.equal(contextPath('file:///home/ana/testing/lakehouse/vendor/x.py', roots), 'vendor/x.py');
    assert.equal(fileKind(job, { path: contextPath('file:///home/ana/testing/lakehouse/jobs/orders.py', roots) }).kind, 'job');
    assert.equal(fileKind(job, { path: 'file:///home/ana/testing/lakehouse/jobs/orders.py' }).kind, 'test');
    // Test folders inside the project still count; so does a root that is itself a test folder.
    assert.equal(fileKind(job, { path: contextPath('file:///home/ana/testing/lakehouse/tests/orders.py', roots) }).kind, 'test');
    assert.equal(contextPath('/srv/tests/x.py', ['/srv/tests']), 'tests/x.py');
    // Outside every root (a file opened on its own), or a root that is a prefix of a name only: read whole.
    assert.equal(contextPath('file:///tmp/labs/x.py', roots), '/tmp/labs/x.py');
    assert.equal(contextPath('/home/ana/testing/lakehouse2/x.py', ['/home/ana/testing/lakehouse']), '/home/ana/testing/lakehouse2/x.py');
    assert.equal(contextPath('C:\\Users\\ana\\labs\\repo\\job.py', ['C:\\Users\\ana\\labs\\repo']), 'repo/job.py');
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

  it('takes a Fabric notebook saved in git (notebook-content.py) for a notebook, its block markers for cell boundaries', async () => {
    const text = [
      '# Fabric notebook source',
      '',
      '# METADATA ********************',
      '',
      '# META {}',
      '',
      '# CELL ********************',
      '',
      'orders = spark.read.table("silver.orders")',
      'orders.filter("amount > 100")',
      '',
      '# METADATA ********************',
      '',
      '# META {}',
      '',
      '# MARKDOWN ********************',
      '',
      '# ## Totals',
      '',
      '# PARAMETERS CELL ********************',
      '',
      'run_date = "2026-01-01"',
      '',
      '# CELL ********************',
      '',
      'orders.groupBy("status").count()',
      'orders.count()',
      '',
    ].join('\n');
    assert.equal(fileKind(text, { path: 'Gold/Orders.Notebook/notebook-content.py' }).kind, 'notebook');
    // The header line is what makes it one: the same markers in a script do not.
    assert.equal(fileKind(text.replace('# Fabric notebook source', '# orders report'), { path: 'jobs/orders.py' }).kind, 'job');
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const ctx = new CodeContext(text, { path: 'Gold/Orders.Notebook/notebook-content.py' });
      const statement = (needle: string) => {
        const offset = text.indexOf(needle);
        let node = syntaxRoot(tree, text).descendantForIndex(offset, offset + needle.length);
        while (node.parent && node.parent.type !== 'module') node = node.parent;
        return node;
      };
      // The last statement of a cell is its output, whatever metadata or markdown blocks follow.
      assert.equal(ctx.endsCell(statement('orders.filter')), true);
      assert.equal(ctx.endsCell(statement('run_date')), true);
      assert.equal(ctx.endsCell(statement('orders.groupBy')), false);
      assert.equal(ctx.endsCell(statement('orders.count()')), true);
      assert.equal(ctx.sameCell(text.indexOf('orders.groupBy'), text.indexOf('orders.count()')), true);
      assert.equal(ctx.sameCell(text.indexOf('orders.filter'), text.indexOf('orders.groupBy')), false);
    } finally {
      tree.delete();
    }
  });

  it('takes a Colab notebook downloaded as .py for a notebook, a top-level line after a blank line for a cell', () => {
    const text = [
      '# -*- coding: utf-8 -*-',
      '"""orders_eda.ipynb',
      '',
      'Automatically generated by Colab.',
      '',
      'Original file is located at',
      '    https://colab.research.google.com/drive/1AbCdEf',
      '"""',
      '',
      '!pip install pyspark',
      '',
      'orders = spark.read.csv("/content/orders.csv", header=True)',
      'print(orders.count())',
      '',
      'for c in orders.columns:',
      '    n = orders.filter(orders[c].isNull()).count()',
      '',
      '    print(c, n)',
      '',
      'orders.write.mode("overwrite").parquet("/content/out")',
      '',
    ].join('\n');
    assert.equal(fileKind(text, { path: 'notebooks/orders_eda.py' }).kind, 'notebook');
    // Older exports say "Colaboratory"; the header is what makes it one, not a Colab link in a comment.
    assert.equal(fileKind(text.replace('by Colab.', 'by Colaboratory.'), { path: 'orders_eda.py' }).kind, 'notebook');
    assert.equal(fileKind(text.replace('Automatically generated by Colab.', 'Orders report.'), { path: 'jobs/orders_eda.py' }).kind, 'job');
    const ctx = new CodeContext(text, { path: 'notebooks/orders_eda.py' });
    // The count and the write sit in different cells; the two statements of the first cell in one;
    // a blank line inside the loop's body (indented) does not cut the loop.
    assert.equal(ctx.sameCell(text.indexOf('orders = spark'), text.indexOf('print(orders.count())')), true);
    assert.equal(ctx.sameCell(text.indexOf('print(orders.count())'), text.indexOf('orders.write')), false);
    assert.equal(ctx.sameCell(text.indexOf('for c in'), text.indexOf('print(c, n)')), true);
  });

  it('takes a Jupyter notebook exported as a script for a notebook, each `# In[n]:` marker for a cell', () => {
    const text = [
      '#!/usr/bin/env python',
      '# coding: utf-8',
      '',
      '# In[1]:',
      '',
      '',
      'orders = spark.read.parquet("/data/orders")',
      'print(orders.count())',
      '',
      '',
      '# Markdown cells are comments of the cell above.',
      '',
      '# In[ ]:',
      '',
      '',
      'orders.write.mode("overwrite").parquet("/data/out")',
      '',
      '',
      '# In[12]:',
      '',
      '',
      'orders.show()',
      '',
    ].join('\n');
    assert.equal(fileKind(text, { path: 'notebooks/orders_eda.py' }).kind, 'notebook');
    const ctx = new CodeContext(text, { path: 'notebooks/orders_eda.py' });
    // A never-run cell (`# In[ ]:`) is a cell too; the header lines before the first marker are not code of cell 1.
    assert.equal(ctx.sameCell(text.indexOf('orders = spark'), text.indexOf('print(orders.count())')), true);
    assert.equal(ctx.sameCell(text.indexOf('print(orders.count())'), text.indexOf('orders.write')), false);
    assert.equal(ctx.sameCell(text.indexOf('orders.write'), text.indexOf('orders.show')), false);
    assert.equal(ctx.sameCell(text.indexOf('# coding'), text.indexOf('orders = spark')), false);
    // Without the markers it is a script with one cell.
    const script = new CodeContext(text.replace(/# In\[[ \d]*\]:/g, '#'), { path: 'notebooks/orders_eda.py' });
    assert.equal(script.sameCell(text.indexOf('print(orders.count())'), text.indexOf('orders.write')), true);
  });

  it('takes a notebook in the percent format (`# %%` cells) for a notebook, each marker for a cell', () => {
    const text = [
      '# %% [markdown]',
      '# # Orders exploration',
      '',
      '# %%',
      'orders = spark.read.parquet("/data/orders")',
      'print(orders.count())',
      '',
      '# %% Write the results',
      '# %%time',
      'orders.write.mode("overwrite").parquet("/data/out")',
      '#%%',
      'orders.show()',
      '',
    ].join('\n');
    assert.equal(fileKind(text, { path: 'analysis/orders.py' }).kind, 'notebook');
    const ctx = new CodeContext(text, { path: 'analysis/orders.py' });
    assert.equal(ctx.sameCell(text.indexOf('orders = spark'), text.indexOf('print(orders.count())')), true);
    // A titled marker starts a cell; a commented cell magic (`# %%time`) does not.
    assert.equal(ctx.sameCell(text.indexOf('print(orders.count())'), text.indexOf('orders.write')), false);
    assert.equal(ctx.sameCell(text.indexOf('# %%time'), text.indexOf('orders.write')), true);
    assert.equal(ctx.sameCell(text.indexOf('orders.write'), text.indexOf('orders.show')), false);
    // One marker alone (a stray comment, a script split once) does not make a notebook; nor do magics.
    const once = ['# %%', 'orders = spark.read.parquet("/data/orders")', 'orders.write.parquet("/data/out")', ''].join('\n');
    assert.notEqual(fileKind(once, { path: 'jobs/orders.py' }).kind, 'notebook');
    const magics = ['# %%time', 'orders = spark.read.parquet("/data/orders")', '# %%sql', 'orders.write.parquet("/data/out")', ''].join('\n');
    assert.notEqual(fileKind(magics, { path: 'jobs/orders.py' }).kind, 'notebook');
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
