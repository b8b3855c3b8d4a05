import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA306 window-without-partition', () => {
  it('is silent with a partitionBy anywhere in the chain or added later, on bounded frames, and on non-Spark Window', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.window import Window
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.table("silver.events")
      a = df.withColumn("rn", F.row_number().over(Window.partitionBy("user_id").orderBy("ts")))
      b = df.withColumn("rn", F.row_number().over(Window.orderBy("ts").partitionBy("user_id")))
      c = df.withColumn("total", F.sum("v").over(Window.partitionBy("user_id")))
      d = df.withColumn("r", F.rank().over(Window.partitionBy(*keys).orderBy("ts")))
      base = Window.orderBy("ts")
      per_user = base.partitionBy("user_id")
      top = df.orderBy(F.desc("score")).limit(100).withColumn("rank", F.rank().over(Window.orderBy(F.desc("score"))))
      e = df.orderBy("ts")
    `);
    assert.deepEqual(
      r.of('PSA306').map((f) => r.textOf(f)),
      [],
    );
    const other = await check(py`
      from pyspark.sql import functions as F
      from tkinter import Window
      win = Window.orderBy("z")
    `);
    assert.deepEqual(other.of('PSA306'), []);
  });
});
