import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA107 action-in-loop', () => {
  it('flags actions run once per iteration of for/while loops and comprehensions', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      spark = SparkSession.builder.getOrCreate()
      events = spark.read.parquet("s3://lake/silver/events/")
      countries = ["FR", "DE", "US", "JP"]

      for country in countries:
          n = events.filter(F.col("country") == country).count()
          print(country, n)

      null_counts = {c: events.where(F.col(c).isNull()).count() for c in events.columns}

      def daily_report(days):
          out = []
          for d in days:
              rows = (
                  events
                  .where(F.col("date") == d)
                  .groupBy("event_type")
                  .agg(F.count("*").alias("n"))
                  .collect()
              )
              out.append(rows)
          return out

      i = 0
      while i < batches:
          print(events.filter(F.col("batch_id") == i).count())
          i += 1
    `);
    const found = r.of('PSA107');
    assert.deepEqual(
      found.map((f) => r.textOf(f)),
      ['count()', 'count()', 'collect()', 'count()'],
    );
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [9, 12, 22, 29],
    );
    assert.match(found[0].message, /every iteration launches a separate Spark job/);
    assert.match(found[1].message, /comprehension/);
    assert.equal(found[0].fixes.length, 0);
    assert.equal(r.text.slice(found[0].related[0].start, found[0].related[0].end), 'for country in countries:');
  });
});
