import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA104 count-for-emptiness', () => {
  const src = py`
    from pyspark.sql import SparkSession, DataFrame
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.json("s3://lake/landing/orders/")
    late = orders.where(F.col("delivered_at") > F.col("promised_at"))
    paid = orders.where(F.col("paid_at").isNotNull())

    if late.count() == 0:
        print("no late orders")
    if 0 < late.count():
        raise ValueError("late orders found")
    if not paid.count():
        raise SystemExit("empty input")
    while late.count():
        break
    has_rows = bool(paid.count())
    assert len(late.collect()) >= 1, "expected late orders"
    ok = paid.count() > 0 and late.count() != 0
  `;

  it('flags comparisons in either order, not/bool/if truthiness, and len(collect())', async () => {
    const r = await check(src);
    assert.deepEqual(
      r.of('PSA104').map((f) => r.textOf(f)),
      [
        'late.count() == 0',
        '0 < late.count()',
        'not paid.count()',
        'late.count()',
        'bool(paid.count())',
        'len(late.collect()) >= 1',
        'paid.count() > 0',
        'late.count() != 0',
      ],
    );
    assert.match(r.of('PSA104')[0].message, /isEmpty\(\)/);
  });

  it('isEmpty fixes keep the meaning of each test', async () => {
    const r = await check(src);
    const byText = new Map(r.of('PSA104').map((f) => [r.textOf(f), f]));
    const expect = async (flagged: string, replaced: RegExp) => {
      const { text } = await applyFix(r, byText.get(flagged)!, /isEmpty/);
      assert.match(text, replaced);
    };
    await expect('late.count() == 0', /^if late\.isEmpty\(\):$/m);
    await expect('0 < late.count()', /^if not late\.isEmpty\(\):$/m);
    await expect('not paid.count()', /^if paid\.isEmpty\(\):$/m);
    await expect('late.count()', /^while not late\.isEmpty\(\):$/m);
    await expect('bool(paid.count())', /^has_rows = not paid\.isEmpty\(\)$/m);
    await expect('len(late.collect()) >= 1', /^assert not late\.isEmpty\(\), "expected late orders"$/m);
    await expect('paid.count() > 0', /^ok = not paid\.isEmpty\(\) and late\.count\(\) != 0$/m);
  });

  it('take(1) is the safe, preferred fix (every Spark version); isEmpty() is unsafe (Spark 3.3+)', async () => {
    const r = await check(src);
    const [take, isEmpty] = r.of('PSA104')[0].fixes;
    assert.deepEqual([take.applicability, take.preferred, isEmpty.applicability], ['safe', true, 'unsafe']);
    assert.ok(isEmpty.applicability === 'unsafe' && /3\.3/.test(isEmpty.reason));
    const { text } = await applyFix(r, r.of('PSA104')[0], /take\(1\)/);
    assert.match(text, /^if len\(late\.take\(1\)\) == 0:$/m);
  });

  it('parenthesizes a receiver that is not a simple expression, and a negation inside arithmetic', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      a = spark.table("db.a").where("amount > 0")
      b = spark.table("db.b")
      if (a.join(b, "id")
              .where("a.x > b.x")
              .count()) == 0:
          print("nothing")
      flags = 1 + bool(a.where("a.x > 0").count())
    `);
    const found = r.of('PSA104');
    assert.equal(found.length, 2);
    const first = await applyFix(r, found[0], /isEmpty/);
    assert.match(first.text, /if \(a\.join\(b, "id"\)\n {8}\.where\("a\.x > b\.x"\)\)\.isEmpty\(\):/);
    const second = await applyFix(r, found[1], /isEmpty/);
    assert.match(second.text, /^flags = 1 \+ \(not a\.where\("a\.x > 0"\)\.isEmpty\(\)\)$/m);
    // The safe take(1) fix is a comparison: inside arithmetic it needs its parentheses too.
    const take = await applyFix(r, found[1], /take\(1\)/);
    assert.match(take.text, /^flags = 1 \+ \(len\(a\.where\("a\.x > 0"\)\.take\(1\)\) > 0\)$/m);
  });

  it('treats a DataFrame-annotated parameter as a frame', async () => {
    const r = await check(py`
      from pyspark.sql import DataFrame

      def validate(df: DataFrame) -> None:
          if df.count() == 0:
              raise ValueError("empty batch")
    `);
    assert.equal(r.of('PSA104').length, 1);
    const { text } = await applyFix(r, r.of('PSA104')[0], /isEmpty/);
    assert.match(text, / {4}if df\.isEmpty\(\):/);
  });
});
