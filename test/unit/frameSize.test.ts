import * as assert from 'node:assert/strict';
import { sqlReturnsFewRows } from '../../server/src/spark/frameSize';
import { check, py } from './helpers';

describe('frame size: frames known to hold a handful of rows', () => {
  it('reads LIMIT and global aggregates from the outer query of SQL text', () => {
    for (const sql of [
      'SELECT * FROM t ORDER BY ts DESC LIMIT 1',
      'select explode(items) as item from {table} order by ts desc limit 5;',
      'SELECT count(*) FROM t',
      'SELECT COUNT(DISTINCT user_id) AS users, max(ts) last_seen FROM events WHERE day = current_date()',
      'SELECT sum(coalesce(amount, 0)) AS total FROM (SELECT * FROM orders UNION ALL SELECT * FROM returns)',
      'DESCRIBE HISTORY db.orders LIMIT 1',
      'SELECT max(ts) FROM t -- newest',
    ])
      assert.equal(sqlReturnsFewRows(sql), true, sql);
    for (const sql of [
      'SELECT * FROM t',
      'SELECT * FROM t LIMIT 5000000',
      'SELECT country, count(*) FROM t GROUP BY country',
      'SELECT count(*) OVER (PARTITION BY c) FROM t',
      'SELECT * FROM a JOIN (SELECT * FROM b LIMIT 1) x ON a.id = x.id',
      'SELECT max(a) FROM t UNION ALL SELECT max(b) FROM u',
      'SELECT DISTINCT country FROM t',
      'SELECT id, max(ts) FROM t',
    ])
      assert.equal(sqlReturnsFewRows(sql), false, sql);
    assert.equal(sqlReturnsFewRows(undefined), false);
  });

  it('marks global aggregates in select lists and limited SQL bounded in the model', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession, Window
      import pyspark.sql.functions as F
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.parquet("s3://lake/orders")
      a = df.select(F.max("ts").alias("last"), F.count("*"))
      b = df.selectExpr("min(day) AS first_day", "max(day)")
      c = spark.sql("SELECT * FROM orders LIMIT 10")
      d = df.select("id", F.count("*").over(Window.partitionBy("c")))
      e = df.selectExpr("id", "max(ts)")
    `);
    const bounded = (name: string) => r.model!.frames.find((f) => r.model!.definitions.get(f.id)?.name === name)?.bounded;
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map(bounded), [true, true, true, false, false]);
  });
});
