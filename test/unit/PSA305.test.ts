import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA305 extreme-partition-count', () => {
  it('flags repartition/coalesce/repartitionByRange above 10,000 (underscores, keyword), at the call', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      df = spark.read.parquet("s3://lake/events")
      a = df.repartition(20000, "user_id")
      b = df.coalesce(50_000)
      c = df \\
          .repartitionByRange(numPartitions=100000, cols=[F.col("ts")])
    `);
    const found = r.of('PSA305');
    assert.deepEqual(found.map((f) => r.textOf(f)), [
      'repartition(20000, "user_id")',
      'coalesce(50_000)',
      'repartitionByRange(numPartitions=100000, cols=[F.col("ts")])',
    ]);
    assert.match(found[1].message, /coalesce\(50,000\)/);
  });

  it('is silent at or below 10,000, on computed counts and on unknown frames', async () => {
    const r = await check(py`
      df = spark.read.parquet("s3://lake/events")
      a = df.repartition(10000)
      b = df.repartition(200, "k")
      c = df.repartition(n_parts)
      d = df.repartition(spark.sparkContext.defaultParallelism * 100000)
      e = df.repartition("user_id")
      f = some_rdd.repartition(20000)
    `);
    assert.deepEqual(r.of('PSA305'), []);
  });
});
