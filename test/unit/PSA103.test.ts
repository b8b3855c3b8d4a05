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
    assert.deepEqual(found.map((f) => r.textOf(f)), ['toPandas()', 'collect()', 'collect()', 'toPandas()', 'collect()']);
    assert.deepEqual(found.map((f) => r.lineOf(f)), [7, 8, 10, 11, 18]);
    assert.match(found[0].message, /driver/);
  });

  it('toLocalIterator fix only where the rows are iterated; limit fix everywhere', async () => {
    const r = await check(src);
    const found = r.of('PSA103');
    assert.deepEqual(found.map((f) => f.fixes.map((x) => x.title)), [
      ['Add .limit(1000) before toPandas()'],
      ['Stream rows with toLocalIterator() instead of collect()', 'Add .limit(1000) before collect()'],
      ['Stream rows with toLocalIterator() instead of collect()', 'Add .limit(1000) before collect()'],
      ['Add .limit(1000) before toPandas()'],
      ['Add .limit(1000) before collect()'],
    ]);
    const it1 = await applyFix(r, found[1], /toLocalIterator/);
    assert.match(it1.text, /for row in events\.select\("user_id", "ts"\)\.toLocalIterator\(\):/);
    const lim = await applyFix(r, found[0], /limit/);
    assert.match(lim.text, /pdf = events\.where\(F\.col\("country"\) == "FR"\)\.limit\(1000\)\.toPandas\(\)/);
    const cont = await applyFix(r, found[4], /limit/);
    assert.match(cont.text, /rows = joined\.limit\(1000\) \\\n {4}\.collect\(\)/);
  });

  it('is silent for bounded and small frames', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession, DataFrame
      from pyspark.sql.functions import col, count, max as max_, sum as sum_
      spark = SparkSession.builder.getOrCreate()
      events = spark.read.parquet("s3://lake/silver/events/")
      sample = events.limit(20).collect()
      total = events.agg(sum_("amount").alias("total")).collect()[0][0]
      latest = events.select(max_("ts").alias("latest")).collect()[0]["latest"]
      countries = [r[0] for r in events.select("country").distinct().collect()]
      pairs = events.select(col("country"), "device_type").distinct().collect()
      by_status = events.groupBy("status").agg(count("*").alias("n")).orderBy("status").toPandas()
      by_day = events.groupBy(col("event_date"), "country").count().collect()
      keyed = events.groupBy(keys).count().collect()
      one_user = events.filter(col("user_id") == uid).collect()
      one_order = events.where((events.order_id == oid) & (col("status") == "paid")).toPandas()
      by_sql = events.where("session_id = 'abc'").collect()
      literal = spark.createDataFrame([("a", 1), ("b", 2)], ["k", "v"]).collect()
      from_pandas = spark.createDataFrame(pdf).collect()
      tables = spark.sql("SHOW TABLES IN silver").collect()
      params = spark.table("ops.job_config").where(col("job") == "daily").collect()
      nums = spark.range(10).collect()
      first = events.first()
      some = events.take(5)
      it = events.toLocalIterator()
      if len(events.collect()) == 0:
          pass

      def to_pandas(df: DataFrame):
          return df.toPandas()

      def unknown(frame):
          return frame.collect()

      stream = spark.readStream.format("kafka").option("subscribe", "t").load()
    `);
    assert.deepEqual(r.of('PSA103').map((f) => r.textOf(f)), []);
  });

  it('flags groupBy on an id key, a join, and the distinct values of an id column', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      orders = spark.table("sales.orders")
      a = orders.groupBy("order_id").agg(F.sum("amount").alias("s")).collect()
      b = orders.select("country").distinct().join(orders, "country").collect()
      c = orders.select("customer_id", "country").distinct().collect()
    `);
    assert.equal(r.of('PSA103').length, 3);
  });
});
