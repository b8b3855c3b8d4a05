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

  // A course's HDFS lab (fifty-third corpus): numbered steps read the uploaded CSV, print its schema and
  // rows, aggregate, and write the result back to HDFS. Its folders name the course's module and the
  // file a hands-on exercise; the same script under a job's folder is a job.
  const hdfsLab = py`
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import avg, round as spark_round

    spark = SparkSession.builder.appName("Lab2.1_HDFS_Hands_On").master("yarn").getOrCreate()

    # STEP C: read the uploaded CSV from HDFS
    df = spark.read.option("header", "true").option("inferSchema", "true").csv("hdfs:///user/training/lab02/employees.csv")
    print(f"Total records: {df.count()}")
    df.printSchema()
    df.show(truncate=False)

    # STEP D: explore
    df.groupBy("department").count().orderBy("count", ascending=False).show()

    # STEP E: average salary per department
    dept_avg = df.groupBy("department").agg(spark_round(avg("salary"), 2).alias("avg_salary"))
    dept_avg.show()

    # STEP F: write the result back to HDFS
    dept_avg.write.mode("overwrite").parquet("hdfs:///user/training/lab02/output/dept_avg_salary")
  `;

  it("stays silent in a course's numbered module or hands-on exercise, and reports the same script as a job (and its printed count: PSA101)", async () => {
    for (const path of [
      'module-02-hdfs-yarn/code/session-2.1-hdfs/read_write.py',
      'Module_09_Delta_Lake/NB_54_Delta_Fundamentals.py',
      'spark/hands_on_upload_and_read.py',
      'Section 3/hands-on-3.2.py',
    ]) {
      const r = await check(hdfsLab, {}, { path });
      assert.deepEqual(
        r.of('PSA113').map((f) => f.message),
        [],
        path,
      );
      // The count printed beside the frame's schema and rows is the lesson's output too.
      assert.deepEqual(
        r.of('PSA101').map((f) => f.message),
        [],
        path,
      );
    }
    // A package's modules/ folder, a module name without a number, a word that only starts with hands:
    // not course material, so the shows of a script that writes to HDFS are reported.
    for (const path of ['jobs/employees/dept_avg.py', 'src/modules/dept_avg.py', 'etl/module_loader/dept_avg.py', 'jobs/handsontable_export.py']) {
      const r = await check(hdfsLab, {}, { path });
      assert.equal(r.of('PSA113').length, 4, path);
      assert.equal(r.of('PSA101').length, 1, path);
    }
  });
});
