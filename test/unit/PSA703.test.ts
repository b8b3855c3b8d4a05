import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA703 python-boolean-operator-on-column', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.functions import col

    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.parquet("s3://lake/silver/orders/")

    active = orders.filter(F.col("status") == "active" and F.col("amount") > 0)
    either = orders.filter(col("email").isNull() or col("phone").isNull())
    kept = orders.filter(not F.col("deleted"))
    chain = orders.filter(F.col("a") > 1 and F.col("b") > 2 and F.col("c") > 3)
    mixed = orders.filter((F.col("a") > 1) and (F.col("b") < 2 or not F.col("c").isNull()))
    flagged = orders.withColumn("vip", F.when(orders["tier"] == "gold" or orders["spend"] > 1000, True))
  `;

  it('flags and / or / not whose operand Python converts with bool() is a Column', async () => {
    const r = await check(src);
    const found = r.of('PSA703');
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [8, 9, 10, 11, 12, 13],
    );
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.match(
      found[0].message,
      /Python `and` calls bool\(\) on the Column `F\.col\("status"\) == "active"`: that raises "ValueError: Cannot convert column into bool/,
    );
    assert.match(found[2].message, /Python `not` calls bool\(\)/);
  });

  it('rewrites to &, | and ~, parenthesising comparisons and keeping chains flat', async () => {
    const r = await check(src);
    const expected = [
      'orders.filter((F.col("status") == "active") & (F.col("amount") > 0))',
      'orders.filter(col("email").isNull() | col("phone").isNull())',
      'orders.filter(~F.col("deleted"))',
      'orders.filter((F.col("a") > 1) & (F.col("b") > 2) & (F.col("c") > 3))',
      'orders.filter((F.col("a") > 1) & ((F.col("b") < 2) | ~F.col("c").isNull()))',
      'F.when((orders["tier"] == "gold") | (orders["spend"] > 1000), True)',
    ];
    for (const [i, f] of r.of('PSA703').entries()) {
      const { text, after } = await applyFix(r, f);
      assert.ok(text.includes(expected[i]), `${expected[i]} in:\n${text}`);
      assert.equal(after.of('PSA703').length, 5);
    }
  });
});
