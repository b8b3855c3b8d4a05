import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA702 none-comparison-on-column', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.functions import col, when

    spark = SparkSession.builder.getOrCreate()

    def missing_contacts():
        orders = spark.read.parquet("s3://lake/silver/orders/")
        no_email = orders.filter(F.col("email") == None)
        has_email = orders.filter(col("email") != None)
        flagged = orders.withColumn("no_phone", when(orders["phone"] == None, 1).otherwise(0))
        reversed_order = orders.filter(None == orders.customer_id)
        identity = orders.filter(F.col("email") is None)
        not_identity = orders.where(F.col("email") is not None)
        arithmetic = orders.filter(F.col("net") + F.col("tax") == None)
        return no_email, has_email, flagged, reversed_order, identity, not_identity, arithmetic
  `;

  it('flags ==, != and is comparisons of Columns with None, in every import style', async () => {
    const r = await check(src);
    const found = r.of('PSA702');
    assert.deepEqual(
      found.map((f) => r.textOf(f)),
      [
        'F.col("email") == None',
        'col("email") != None',
        'orders["phone"] == None',
        'None == orders.customer_id',
        'F.col("email") is None',
        'F.col("email") is not None',
        'F.col("net") + F.col("tax") == None',
      ],
    );
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.match(found[0].message, /`= NULL`: that is NULL for every row.*Use F\.col\("email"\)\.isNull\(\)\./);
    assert.match(found[4].message, /identity test on the Column object.*always False/);
    assert.match(found[5].message, /always True/);
  });

  it('rewrites each comparison to isNull()/isNotNull(), parenthesising compound expressions', async () => {
    const r = await check(src);
    const found = r.of('PSA702');
    const expected = [
      'orders.filter(F.col("email").isNull())',
      'orders.filter(col("email").isNotNull())',
      'when(orders["phone"].isNull(), 1)',
      'orders.filter(orders.customer_id.isNull())',
      'orders.filter(F.col("email").isNull())',
      'orders.where(F.col("email").isNotNull())',
      'orders.filter((F.col("net") + F.col("tax")).isNull())',
    ];
    for (const [i, f] of found.entries()) {
      const { text } = await applyFix(r, f);
      assert.ok(text.includes(expected[i]), `${expected[i]} in:\n${text}`);
    }
  });

  it('trusts a bare col() or an unimported F only in PySpark code', async () => {
    const other = await check(py`
      from sympy import symbols
      x = symbols("x")
      same = F.col("a") == None
      also = col("a") != None
    `);
    assert.deepEqual(other.of('PSA702'), []);
    const notebook = await check(py`
      orders = spark.read.parquet("s3://lake/silver/orders/")
      missing = orders.filter(F.col("email") == None).filter(col("phone") != None)
    `);
    assert.equal(notebook.of('PSA702').length, 2);
  });
});
