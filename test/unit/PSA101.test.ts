import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA101 count-for-monitoring', () => {
  const monitored = py`
    import logging
    from prometheus_client import Counter
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    log = logging.getLogger(__name__)
    rows = Counter("rows_total", "rows", ["stage"])
    spark = SparkSession.builder.getOrCreate()

    df = spark.read.json("s3://lake/input/")
    rows.labels(stage="input").inc(df.count())
    active = df.filter(F.col("status") == "active")
    log.info("active rows: %d", active.count())
    active.write.mode("append").parquet("s3://lake/out/")
    print(f"wrote {active.count()} rows")
  `;

  it('flags counts that only feed metrics, logs and prints', async () => {
    const r = await check(monitored);
    const found = r.of('PSA101');
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [11, 13, 15],
    );
    assert.deepEqual(
      found.map((f) => r.textOf(f)),
      ['df.count()', 'active.count()', 'active.count()'],
    );
    assert.equal(found[0].severity, 'warning');
    assert.ok(found[0].related.length > 0, 'points at the write that recomputes the frame');
  });

  it('flags a count assigned to a variable used only for logging', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      import logging
      logger = logging.getLogger("job")
      spark = SparkSession.builder.getOrCreate()
      orders = spark.table("sales.orders").where("status = 'OPEN'")
      n = orders.count()
      logger.info(f"orders: {n}")
      orders.write.saveAsTable("sales.orders_copy")
    `);
    assert.equal(r.of('PSA101').length, 1);
    assert.equal(r.textOf(r.of('PSA101')[0]), 'orders.count()');
  });

  it('both import styles and a bare print of collect()', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import col
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.json("s3://raw/events/").where(col("ok"))
      print(df.collect())
      df.write.parquet("s3://lake/events/")
    `);
    assert.equal(r.of('PSA101').length, 1);
  });

  it('observe fix moves the metric after the write and reads the Observation', async () => {
    const r = await check(monitored);
    const first = r.of('PSA101')[0];
    const { text, after } = await applyFix(r, first, /observe/);
    assert.match(text, /from pyspark\.sql import Observation/);
    assert.match(text, /df_observation = Observation\("df_metrics"\)\ndf = df\.observe\(df_observation, F\.count\(F\.lit\(1\)\)\.alias\("row_count"\)\)/);
    // The metric now runs after the write, reading the observed value instead of a new job.
    const writeAt = text.indexOf('active.write');
    const metricAt = text.indexOf('rows.labels(stage="input").inc(df_observation.get["row_count"])');
    assert.ok(metricAt > writeAt, text);
    assert.equal(after.of('PSA101').length, 2);
  });

  it('observe fix in place when the metric already follows the write; adds functions import when missing', async () => {
    const src = py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import col

      def run(spark):
          out = spark.read.parquet("s3://lake/in/").where(col("x") > 1)
          out.write.parquet("s3://lake/out/")
          print("written", out.count())
    `;
    const r = await check(src);
    const f = r.of('PSA101')[0];
    assert.ok(f);
    const { text } = await applyFix(r, f, /observe/);
    assert.match(text, /from pyspark\.sql import functions as F, Observation/);
    assert.match(text, / {4}out = out\.observe\(out_observation, F\.count\(F\.lit\(1\)\)\.alias\("row_count"\)\)/);
    assert.match(text, /print\("written", out_observation\.get\["row_count"\]\)/);
  });

  it('cache fix when nothing writes the frame (it is returned to the caller)', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      def active_users(spark):
          users = spark.table("crm.users").where("active")
          print("users:", users.count())
          return users
    `);
    const f = r.of('PSA101')[0];
    assert.deepEqual(
      f.fixes.map((x) => x.title),
      ["Cache 'users' before its first action"],
    );
    const { text } = await applyFix(r, f);
    assert.match(text, / {4}users = spark\.table\("crm\.users"\)\.where\("active"\)\n {4}users = users\.cache\(\)/);
  });

  it('noqa suppresses', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      users = spark.table("crm.users").where("active")
      print(users.count())  # noqa: PSA101
      print(users.count())  # noqa
      print(users.count())  # noqa: PSA201
      users.write.saveAsTable("crm.active_users")
    `);
    assert.deepEqual(
      r.of('PSA101').map((f) => r.lineOf(f)),
      [6],
    );
  });

  it('does not mistake maths, state or catalogs for logging', async () => {
    const r = await check(py`
      import math
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.json("s3://lake/in/")
      buckets = int(math.log(df.count()))
      state.set("rows", df.count())
      catalog.info(df.first())
      self.logger.info("rows %d", df.count())
      df.write.parquet("s3://lake/out/")
    `);
    assert.deepEqual(
      r.of('PSA101').map((f) => r.lineOf(f)),
      [8],
    );
  });

  it('observe fix inside a double-quoted f-string uses single quotes (valid before Python 3.12)', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      active = spark.read.json("s3://lake/in/")
      active.write.parquet("s3://lake/out/")
      print(f"wrote {active.count()} rows")
    `);
    const { text } = await applyFix(r, r.of('PSA101')[0], /observe/);
    assert.match(text, /print\(f"wrote \{active_observation\.get\['row_count'\]\} rows"\)/);
  });

  it('observe fixes applied one after the other keep the metrics in their original order', async () => {
    const r = await check(monitored);
    const first = await applyFix(r, r.of('PSA101')[0], /observe/);
    const second = await applyFix(first.after, first.after.of('PSA101')[0], /observe/);
    const lines = second.text.split('\n');
    const input = lines.findIndex((l) => l.includes('rows.labels(stage="input")'));
    const active = lines.findIndex((l) => l.startsWith('log.info("active rows'));
    const write = lines.findIndex((l) => l.startsWith('active.write'));
    assert.ok(write < input && input < active, second.text);
  });

  it('a second observe fix on the same frame reuses its Observation', async () => {
    const r = await check(monitored);
    const activeCounts = (a: typeof r) => a.of('PSA101').filter((f) => a.textOf(f) === 'active.count()');
    assert.equal(activeCounts(r).length, 2);
    const first = await applyFix(r, activeCounts(r)[0], /observe/);
    const [left] = activeCounts(first.after);
    assert.ok(left, first.text);
    const second = await applyFix(first.after, left, /observe/);
    assert.equal((second.text.match(/^active_observation = Observation\(/gm) ?? []).length, 1, second.text);
    assert.equal((second.text.match(/^active = active\.observe\(/gm) ?? []).length, 1, second.text);
    assert.equal((second.text.match(/active_observation\.get\[["']row_count["']\]/g) ?? []).length, 2, second.text);
  });
});

describe('PSA101 observe fix: only where the write is the first action to read every row', () => {
  const observeTitles = async (src: string) => {
    const r = await check(src);
    return r.of('PSA101').map((f) => f.fixes.map((x) => `${x.applicability}: ${x.title}`));
  };

  it('is offered, safe, when nothing runs on the frame before the write', async () => {
    const fixes = await observeTitles(py`
      import logging
      from pyspark.sql import SparkSession
      log = logging.getLogger(__name__)
      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.json("s3://lake/orders/")
      log.info("orders: %d", orders.count())
      orders.write.mode("overwrite").parquet("s3://lake/orders_copy/")
    `);
    assert.deepEqual(fixes, [["safe: Count 'orders' with DataFrame.observe while it is written", "safe: Cache 'orders' before its first action"]]);
  });

  it('is not offered when a show(), take() or a write of a limit() of the frame completes first (a partial count)', async () => {
    for (const first of ['orders.show()', 'orders.take(5)', 'orders.limit(10).write.json("s3://lake/sample/")', 'orders.filter("amount > 0").first()']) {
      const fixes = await observeTitles(py`
        import logging
        from pyspark.sql import SparkSession
        log = logging.getLogger(__name__)
        spark = SparkSession.builder.getOrCreate()
        orders = spark.read.json("s3://lake/orders/")
        ${first}
        orders.write.mode("overwrite").parquet("s3://lake/orders_copy/")
        log.info("orders: %d", orders.count())
      `);
      assert.deepEqual(fixes, [["safe: Cache 'orders' before its first action"]], first);
    }
  });

  it('is not offered when the write reads only part of the frame, is in a branch, or the metric might not reach it', async () => {
    const sources = [
      py`
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        orders = spark.read.json("s3://lake/orders/")
        print("orders:", orders.count())
        orders.limit(1000).write.parquet("s3://lake/orders_head/")
      `,
      py`
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        orders = spark.read.json("s3://lake/orders/")
        if spark.conf.get("spark.app.name") == "full":
            orders.write.parquet("s3://lake/orders_copy/")
        print("orders:", orders.count())
      `,
      py`
        from pyspark.sql import SparkSession

        def run(spark, dry_run):
            orders = spark.read.json("s3://lake/orders/")
            print("orders:", orders.count())
            if dry_run:
                return
            orders.write.parquet("s3://lake/orders_copy/")
      `,
      py`
        from pyspark.sql import SparkSession
        spark = SparkSession.builder.getOrCreate()
        orders = spark.read.json("s3://lake/orders/")
        checked = print("orders:", orders.count()) or True
        orders.write.parquet("s3://lake/orders_copy/")
      `,
    ];
    for (const src of sources) {
      const r = await check(src);
      for (const f of r.of('PSA101')) assert.ok(!f.fixes.some((x) => /observe/.test(x.title)), src);
    }
  });

  it('a full count of a derived frame before the write does not stop it (every row passes the observe point)', async () => {
    const fixes = await observeTitles(py`
      import logging
      from pyspark.sql import SparkSession
      log = logging.getLogger(__name__)
      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.json("s3://lake/orders/")
      log.info("orders: %d", orders.count())
      paid = orders.filter("status = 'paid'")
      partitions = max(1, paid.count() // 1_000_000)
      paid.repartition(partitions).write.parquet("s3://lake/paid/")
    `);
    assert.ok(
      fixes[0].some((t) => /^safe: Count 'orders' with DataFrame\.observe/.test(t)),
      fixes.join('\n'),
    );
  });
});
