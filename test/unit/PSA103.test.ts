import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA103 unbounded-collect', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    events = spark.read.parquet("s3://lake/silver/events/")

    pdf = events.where(F.col("country") == "FR").toPandas()
    for row in events.select("user_id", "ts").collect():
        print(row)
    user_ids = [r.user_id for r in events.select("user_id").distinct().collect()]
    per_user = events.groupBy("user_id").agg(F.count("*").alias("n")).toPandas()
    joined = (
        events
        .join(spark.table("crm.customers"), "customer_id")
        .select("customer_id", "email")
    )
    rows = joined \\
        .collect()
  `;

  it('flags collect()/toPandas() of big frames, including distinct ids and per-user aggregates', async () => {
    const r = await check(src);
    const found = r.of('PSA103');
    assert.deepEqual(
      found.map((f) => r.textOf(f)),
      ['toPandas()', 'collect()', 'collect()', 'toPandas()', 'collect()'],
    );
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [7, 8, 10, 11, 18],
    );
    assert.match(found[0].message, /driver/);
  });

  it('toLocalIterator fix only where the rows are iterated; limit fix everywhere', async () => {
    const r = await check(src);
    const found = r.of('PSA103');
    assert.deepEqual(
      found.map((f) => f.fixes.map((x) => x.title)),
      [
        ['Add .limit(1000) before toPandas()'],
        ['Stream rows with toLocalIterator() instead of collect()', 'Add .limit(1000) before collect()'],
        ['Stream rows with toLocalIterator() instead of collect()', 'Add .limit(1000) before collect()'],
        ['Add .limit(1000) before toPandas()'],
        ['Add .limit(1000) before collect()'],
      ],
    );
    const it1 = await applyFix(r, found[1], /toLocalIterator/);
    assert.match(it1.text, /for row in events\.select\("user_id", "ts"\)\.toLocalIterator\(\):/);
    const lim = await applyFix(r, found[0], /limit/);
    assert.match(lim.text, /pdf = events\.where\(F\.col\("country"\) == "FR"\)\.limit\(1000\)\.toPandas\(\)/);
    const cont = await applyFix(r, found[4], /limit/);
    assert.match(cont.text, /rows = joined\.limit\(1000\) \\\n {4}\.collect\(\)/);
  });
});
