import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA304 overwrite-drops-partitions', () => {
  const daily = py`
    import sys
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.appName("daily-orders").getOrCreate()
    run_date = sys.argv[1]
    orders = spark.read.parquet("s3://lake/bronze/orders/").filter(F.col("order_date") == run_date)
    orders.write \\
        .mode("overwrite") \\
        .partitionBy("order_date") \\
        .parquet("s3://lake/silver/orders/")
  `;

  it('flags a static overwrite of a one-day DataFrame, at mode("overwrite"), pointing at the filter', async () => {
    const r = await check(daily);
    const [f] = r.of('PSA304');
    assert.ok(f);
    assert.equal(r.textOf(f), 'mode("overwrite")');
    assert.match(f.message, /partitionBy\("order_date"\)/);
    assert.match(f.related[0].message, /filter keeps some partitions only/);
  });

  it('fix adds partitionOverwriteMode=dynamic after .write', async () => {
    const r = await check(daily);
    const { text } = await applyFix(r, r.of('PSA304')[0]);
    assert.match(text, /orders\.write\.option\("partitionOverwriteMode", "dynamic"\) \\\n {4}\.mode\("overwrite"\)/);
  });

  it('is silent on full snapshots, dynamic mode (option, session, SQL SET), replaceWhere, append and unknown modes', async () => {
    const r = await check(py`
      import os
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      day = spark.read.parquet("s3://raw/events/").where("dt = '2024-01-01'")
      spark.read.parquet("s3://raw/events/").write.mode("overwrite").partitionBy("dt").parquet("s3://lake/full")
      day.write.mode("overwrite").option("partitionOverwriteMode", "dynamic").partitionBy("dt").parquet("s3://lake/a")
      day.write.mode("overwrite").option("PartitionOverwriteMode", "DYNAMIC").partitionBy("dt").parquet("s3://lake/b")
      day.write.format("delta").mode("overwrite").option("replaceWhere", "dt = '2024-01-01'").partitionBy("dt").save("s3://lake/c")
      day.write.mode("append").partitionBy("dt").parquet("s3://lake/d")
      day.write.mode(os.environ["MODE"]).partitionBy("dt").parquet("s3://lake/e")
      day.write.mode("overwrite").parquet("s3://lake/f")
      day.write.mode("overwrite").options(**opts).partitionBy("dt").parquet("s3://lake/g")
      day.write.mode("overwrite").partitionBy("dt").insertInto("silver.events")
    `);
    assert.deepEqual(
      r.of('PSA304').map((f) => r.textOf(f)),
      [],
    );
    for (const session of [
      'spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")',
      'spark.sql("SET spark.sql.sources.partitionOverwriteMode=dynamic")',
    ]) {
      const s = await check(py`
        ${session}
        day = spark.read.parquet("s3://raw/events/").where("dt = '2024-01-01'")
        day.write.mode("overwrite").partitionBy("dt").parquet("s3://lake/a")
      `);
      assert.deepEqual(s.of('PSA304'), [], session);
    }
  });
  it('takes a placeholder for a run only when one of its words names it, not letters inside another word', async () => {
    const read = (placeholder: string) => py`
      import os, tempfile
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      EXPORT_DST = os.environ["EXPORT_DST"]
      STAGING = os.environ["STAGING"]
      def rewrite(run_date, processingDate, ds, batch_ids):
          staged = spark.read.parquet(f"{STAGING}/${placeholder}/")
          staged.write.mode("overwrite").partitionBy("event_date").parquet("s3://lake/events/")
    `;
    for (const word of ['{run_date}', '{processingDate}', '{ds}', '{batch_ids}']) {
      assert.equal((await check(read(word))).of('PSA304').length, 1, word);
    }
    // "dt" in mkdtemp and "ds" in DST are letters of other words.
    for (const other of ['{tempfile.mkdtemp()}', '{EXPORT_DST}']) {
      assert.equal((await check(read(other))).of('PSA304').length, 0, other);
    }
  });
});
