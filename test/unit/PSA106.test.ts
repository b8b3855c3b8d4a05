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

    add_flags(raw, dict(spark.table("ref.flag_rules").collect()))

    i = 0
    while i < len(string_cols):
        raw = raw.withColumn(f"{string_cols[i]}_len", F.length(string_cols[i]))
        i += 1
  `;

  it('flags withColumn accumulated in for and while loops, in functions and chains', async () => {
    const r = await check(src);
    const found = r.of('PSA106');
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [9, 13, 21],
    );
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
});
