import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA106 withcolumn-in-loop', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    raw = spark.read.option("header", True).csv("s3://landing/customers/")
    string_cols = [c for c, t in raw.dtypes if t == "string"]

    for c in string_cols:
        raw = raw.withColumn(c, F.trim(F.col(c)))

    def add_flags(df, flags):
        for name, expr in flags.items():
            df = df.withColumn(f"is_{name}", F.expr(expr)) \\
                .withColumnRenamed("tmp", "x")
        return df

    add_flags(raw, {"vip": "spend > 1000"})

    i = 0
    while i < len(string_cols):
        raw = raw.withColumn(f"{string_cols[i]}_len", F.length(string_cols[i]))
        i += 1
  `;

  it('flags withColumn accumulated in for and while loops, in functions and chains', async () => {
    const r = await check(src);
    const found = r.of('PSA106');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [9, 13, 21]);
    assert.equal(r.textOf(found[0]), 'withColumn(c, F.trim(F.col(c)))');
    assert.match(found[0].message, /withColumns/);
  });

  it('rewrites a single-statement for loop into one withColumns', async () => {
    const r = await check(src);
    const [first, second, third] = r.of('PSA106');
    assert.equal(second.fixes.length, 0, 'tuple target and a chained call: no fix');
    assert.equal(third.fixes.length, 0, 'while loop: no fix');
    const { text } = await applyFix(r, first, /withColumns/);
    assert.match(text, /^raw = raw\.withColumns\(\{c: F\.trim\(F\.col\(c\)\) for c in string_cols\}\)$/m);
    assert.doesNotMatch(text, /^for c in string_cols:/m);
  });

  it('fix keeps indentation inside a function and multi-line loop iterables', async () => {
    const r = await check(py`
      from pyspark.sql import DataFrame
      from pyspark.sql.functions import col

      def cast_all(df: DataFrame, types: dict) -> DataFrame:
          for name in sorted(
              types,
          ):
              df = df.withColumn(name, col(name).cast(types[name]))
          return df
    `);
    const f = r.of('PSA106')[0];
    const { text } = await applyFix(r, f);
    assert.match(text, /\n {4}df = df\.withColumns\(\{name: col\(name\)\.cast\(types\[name\]\) for name in sorted\(\n {8}types,\n {4}\)\}\)\n {4}return df/);
  });

  it('no fix when the loop variable is used after the loop, the body has more, or comments would be lost', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      df = spark.table("db.t")
      for c in cols:
          df = df.withColumn(c, F.upper(c))
      print("last", c)
      for c in cols:
          df = df.withColumn(c, F.lower(c))
          print(c)
      for c in cols:
          # normalise
          df = df.withColumn(c, F.trim(c))
      for c in cols:
          df = df.withColumn(c, F.trim(c))
      else:
          pass
    `);
    const found = r.of('PSA106');
    assert.equal(found.length, 4);
    assert.deepEqual(found.map((f) => f.fixes.length), [0, 0, 0, 0]);
  });

  it('is silent outside loops, for short literal lists, non-accumulating calls and unknown frames', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      df = spark.table("db.t")
      df = df.withColumn("a", F.lit(1)).withColumn("b", F.lit(2))
      for c in ["first_name", "last_name"]:
          df = df.withColumn(c, F.initcap(c))
      variants = []
      for c in cols:
          variants.append(df.withColumn("variant", F.lit(c)))
      for c in cols:
          other = df.withColumn(c, F.lit(None))
      def f(frame, cols):
          for c in cols:
              frame = frame.withColumn(c, F.lit(0))
          return frame
    `);
    assert.deepEqual(r.of('PSA106'), []);
  });

  it('is silent for a literal list of a handful of date columns cast in a loop', async () => {
    const r = await check(py`
      import pandas as pd
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      scored = spark.createDataFrame(pd.DataFrame({"opened": [], "closed": []}))
      for name in ["opened", "closed", "shipped", "billed", "paid"]:
          scored = scored.withColumn(name, scored[name].cast("date"))
    `);
    assert.deepEqual(r.of('PSA106'), []);
  });
});
