import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA203 stream-join-without-watermark', () => {
  const streams = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    spark = SparkSession.builder.getOrCreate()
    impressions = spark.readStream.table("bronze.impressions").withWatermark("imp_time", "2 hours")
    clicks = spark.readStream.table("bronze.clicks").withWatermark("click_time", "3 hours")
    raw_clicks = spark.readStream.table("bronze.clicks")
  `;

  it('flags an equi-join on names between two watermarked streams, at join(...)', async () => {
    const r = await check(streams + '\njoined = impressions.join(clicks, "ad_id")\n');
    const [f] = r.of('PSA203');
    assert.ok(f);
    assert.equal(r.textOf(f), 'join(clicks, "ad_id")');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /no event-time bound/);
    assert.doesNotMatch(f.message, /watermark either/);
    assert.equal(f.related.length, 2);
    assert.equal(f.fixes.length, 0);
  });

  it('flags a Column equality condition and mentions a missing watermark', async () => {
    const r = await check(
      streams +
        py`
      joined = (
          impressions
          .join(raw_clicks, impressions.ad_id == raw_clicks.ad_id, "inner")
      )
    `,
    );
    const [f] = r.of('PSA203');
    assert.ok(f);
    assert.match(f.message, /One input has no watermark either/);
    assert.equal(r.of('PSA201').length, 1, 'PSA201 keeps reporting the missing watermark');
  });

  it('reports outer joins with no time bound as errors (Spark rejects them)', async () => {
    const r = await check(streams + '\nj = impressions.join(clicks, ["ad_id"], how="left_outer")\n');
    const [f] = r.of('PSA203');
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /rejects a stream-stream left_outer join/);
  });

  it('flags expr() SQL equality without a range', async () => {
    const r = await check(streams + '\nj = impressions.join(clicks, F.expr("imp_ad_id = click_ad_id"))\n');
    assert.equal(r.of('PSA203').length, 1);
  });

  it('is silent with a time range, BETWEEN/INTERVAL SQL, equality on a watermarked column, unknown conditions and stream-static joins', async () => {
    const r = await check(
      streams +
        py`
      from pyspark.sql.functions import expr, col
      a = impressions.join(clicks, (impressions.ad_id == clicks.ad_id) & (clicks.click_time >= impressions.imp_time) & (clicks.click_time <= impressions.imp_time + F.expr("interval 1 hour")))
      b = impressions.join(clicks, expr("""
          click_ad_id = imp_ad_id AND
          click_time BETWEEN imp_time AND imp_time + INTERVAL 1 HOUR
      """))
      c = impressions.join(clicks, [col("ad_id") == col("c_ad_id"), col("click_time").between(col("imp_time"), col("imp_time") + expr("interval 1 hour"))])
      d = impressions.join(clicks, ["ad_id", "imp_time"])
      e = impressions.join(clicks, impressions.imp_time == clicks.click_time)
      cond = build_condition(impressions, clicks)
      f = impressions.join(clicks, cond)
      g = impressions.join(clicks, on=make_cond())
      dims = spark.read.table("gold.dim_ads")
      h = impressions.join(dims, "ad_id")
      batch = spark.read.table("silver.impressions").join(spark.read.table("silver.clicks"), "ad_id")
    `,
    );
    assert.deepEqual(
      r.of('PSA203').map((f) => r.textOf(f)),
      [],
    );
  });
});
