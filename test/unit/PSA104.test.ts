import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA104 count-for-emptiness', () => {
  const src = py`
    from pyspark.sql import SparkSession, DataFrame
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    orders = spark.read.parquet("s3://lake/silver/orders/")
    late = orders.where(F.col("delivered_at") > F.col("promised_at"))

    if late.count() == 0:
        print("no late orders")
    if 0 < late.count():
        raise ValueError("late orders found")
    if not orders.count():
        raise SystemExit("empty input")
    while late.count():
        break
    has_rows = bool(orders.count())
    assert len(late.collect()) >= 1, "expected late orders"
    ok = orders.count() > 0 and late.count() != 0
  `;

  it('flags comparisons in either order, not/bool/if truthiness, and len(collect())', async () => {
    const r = await check(src);
    assert.deepEqual(r.of('PSA104').map((f) => r.textOf(f)), [
      'late.count() == 0',
      '0 < late.count()',
      'not orders.count()',
      'late.count()',
      'bool(orders.count())',
      'len(late.collect()) >= 1',
      'orders.count() > 0',
      'late.count() != 0',
    ]);
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
    await expect('not orders.count()', /^if orders\.isEmpty\(\):$/m);
    await expect('late.count()', /^while not late\.isEmpty\(\):$/m);
    await expect('bool(orders.count())', /^has_rows = not orders\.isEmpty\(\)$/m);
    await expect('len(late.collect()) >= 1', /^assert not late\.isEmpty\(\), "expected late orders"$/m);
    await expect('orders.count() > 0', /^ok = not orders\.isEmpty\(\) and late\.count\(\) != 0$/m);
  });

  it('take(1) is the safe, preferred fix (every Spark version); isEmpty() is unsafe (Spark 3.3+)', async () => {
    const r = await check(src);
    const [take, isEmpty] = r.of('PSA104')[0].fixes;
    assert.deepEqual([take.applicability, take.preferred, isEmpty.applicability], ['safe', true, 'unsafe']);
    assert.ok(isEmpty.applicability === 'unsafe' && /3\.3/.test(isEmpty.reason));
    const { text } = await applyFix(r, r.of('PSA104')[0], /take\(1\)/);
    assert.match(text, /^if len\(late\.take\(1\)\) == 0:$/m);
  });
});
