import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA701 shadowed-spark-function', () => {
  describe('a local name hiding a Spark function the code calls', () => {
    it('flags the seed classify_and_mask_data loop and renames the loop variable', async () => {
      const r = await check(py`
        from pyspark.sql import SparkSession
        from pyspark.sql.functions import col, sha2

        def classify_and_mask_data(df, pii_columns):
            for col in pii_columns:
                df = df.withColumn(col, sha2(col(col), 256))
            return df
      `);
      const [f, ...rest] = r.of('PSA701');
      assert.equal(rest.length, 0);
      // Reported once, at the loop variable; the call it breaks is the related location.
      assert.equal(r.textOf(f), 'col');
      assert.equal(r.lineOf(f), 5);
      assert.equal(f.severity, 'error');
      assert.match(f.message, /^`col` is bound here as a loop variable, so in this whole function it no longer means pyspark\.sql\.functions\.col/);
      assert.match(
        f.message,
        /the call col\(col\) on line 6 calls the loop variable and fails \(for a column name: "TypeError: 'str' object is not callable"\)/,
      );
      assert.equal(r.text.slice(f.related[0].start, f.related[0].end), 'col(col)');
      assert.equal(r.lineOf({ ...f, start: f.related[0].start }), 6);
      const { text } = await applyFix(r, f, /Rename the loop variable 'col' to 'col_name'/);
      assert.match(text, /for col_name in pii_columns:\n {8}df = df\.withColumn\(col_name, sha2\(col\(col_name\), 256\)\)/);
      assert.match(text, /^from pyspark\.sql\.functions import col, sha2$/m);
    });

    it('works with a star import, comprehensions and module-level loops', async () => {
      const r = await check(py`
        from pyspark.sql import SparkSession
        from pyspark.sql.functions import *

        spark = SparkSession.builder.getOrCreate()
        df = spark.table("crm.customers").select(col("id"), col("email"), col("phone"))

        def lower_names(frame):
            return frame.select([col(col).alias(col.lower()) for col in frame.columns])

        for col in ["email", "phone"]:
            df = df.withColumn(col, when(col(col).isNull(), lit("n/a")).otherwise(col(col)))
        df.write.mode("overwrite").parquet("s3://lake/silver/customers/")
      `);
      const found = r.of('PSA701');
      // One finding per binding: the comprehension's target, the module loop's variable (two calls).
      assert.deepEqual(
        found.map((f) => [r.lineOf(f), r.textOf(f), f.related.length]),
        [
          [8, 'col', 1],
          [10, 'col', 2],
        ],
      );
      assert.match(found[0].message, /as a loop variable \(a str\), so in this whole comprehension/);
      assert.match(
        found[1].message,
        /so in the rest of this module it no longer means .*: the 2 calls col\(\.\.\.\) on line 11 call the loop variable and fail \("TypeError: 'str' object is not callable"\)/,
      );
      const comprehension = await applyFix(r, found[0]);
      assert.match(comprehension.text, /\[col\(col_name\)\.alias\(col_name\.lower\(\)\) for col_name in frame\.columns\]/);
      const loop = await applyFix(r, found[1], /Rename the loop variable 'col' to 'col_name'/);
      assert.match(
        loop.text,
        /for col_name in \["email", "phone"\]:\n {4}df = df\.withColumn\(col_name, when\(col\(col_name\)\.isNull\(\), lit\("n\/a"\)\)\.otherwise\(col\(col_name\)\)\)/,
      );
      // The calls before the loop meant the function and keep it.
      assert.match(loop.text, /select\(col\("id"\), col\("email"\), col\("phone"\)\)/);
      assert.equal(loop.after.of('PSA701').length, 1);
    });

    it('flags a parameter that hides the function, without a rename (callers may pass it by keyword)', async () => {
      const r = await check(py`
        from pyspark.sql.functions import col, year

        def mask(df, col: str):
            return df.withColumn(col, col(col).cast("string"))

        def by_year(df, year=2024):
            return df.filter(year("order_ts") == year)
      `);
      const found = r.of('PSA701');
      assert.deepEqual(
        found.map((f) => [r.lineOf(f), r.textOf(f)]),
        [
          [3, 'col'],
          [6, 'year'],
        ],
      );
      assert.match(found[0].message, /is bound here as a parameter \(a str\)/);
      assert.match(
        found[1].message,
        /parameter \(an int\).*the call year\("order_ts"\) on line 7 calls the parameter and fails \("TypeError: 'int' object is not callable"\)/,
      );
      assert.ok(found.every((f) => f.fixes.length === 0));
    });

    it('explains UnboundLocalError for a call written before the binding in the same function', async () => {
      const r = await check(py`
        from pyspark.sql import functions as F
        from pyspark.sql.functions import col

        def hash_then_upper(df, cols):
            for c in cols:
                df = df.withColumn(c, F.sha2(col(c), 256))
            for col in cols:
                df = df.withColumn(col, F.upper(F.col(col)))
            return df
      `);
      const [f, ...rest] = r.of('PSA701');
      assert.equal(rest.length, 0);
      assert.equal(r.lineOf(f), 7);
      assert.match(f.message, /the call col\(c\) on line 6, written before this binding, raises UnboundLocalError/);
      const { text } = await applyFix(r, f);
      assert.match(text, /F\.sha2\(col\(c\), 256\)[\s\S]*for col_name in cols:\n {8}df = df\.withColumn\(col_name, F\.upper\(F\.col\(col_name\)\)\)/);
    });

    it('reports a module-level rebinding once however many calls it breaks, and each rebinding once', async () => {
      const r = await check(py`
        from pyspark.sql.functions import *

        col = ['KEYFIGUREDATE', 'CUSTID', 'PRDID', 'ZBUDGQTY']

        df = spark.read.format('csv').option('header', 'true').load('s3://landing/budget/')
        opDF = df.select('Keyfiguredate', 'SoldID', 'ProdID', 'qty')
        fnDF = opDF.withColumn('keyfigureDate', when(col('KeyfigureDate') == 'Jun', '20200601').when(col('KeyfigureDate') == 'Jul', '20200701'))
        fnDF = fnDF.select(col('KeyfigureDate'), col('SoldID'), col('ProdID'), col('qty'))
        fnDF.write.mode('overwrite').parquet('s3://lake/budget/')

        col = 'qty'
        totals = fnDF.groupBy('SoldID').agg(sum(col('qty')))
      `);
      const found = r.of('PSA701');
      assert.deepEqual(
        found.map((f) => [r.lineOf(f), r.textOf(f), f.related.length]),
        [
          [3, 'col', 6],
          [11, 'col', 1],
        ],
      );
      assert.match(
        found[0].message,
        /^`col` is bound here as a variable \(a list\), so in the rest of this module it no longer means pyspark\.sql\.functions\.col: the 6 calls col\(\.\.\.\) on lines 7, 8 call the variable and fail \("TypeError: 'list' object is not callable"\)/,
      );
      assert.match(found[1].message, /\(a str\).*the call col\('qty'\) on line 12/);
      // The rename must cover both bindings' calls: offered, it renames every binding and read.
      const { text, after } = await applyFix(r, found[0], /Rename the variable 'col' to 'col_name'/);
      assert.match(text, /^col_name = \['KEYFIGUREDATE'/m);
      assert.match(text, /^col_name = 'qty'$/m);
      assert.deepEqual(after.of('PSA701'), []);
    });

    it('does not mistake loops over callables for shadowing under a star import', async () => {
      const r = await check(py`
        from pyspark.sql.functions import *

        def run(df, steps, handlers, finalizers):
            for transform in steps:
                df = transform(df)
            for e in handlers:
                e(df)
            return [first(df) for first in finalizers]

        def normalise(df, pii):
            for column in pii:
                df = df.withColumn(column, lit("***"))
                df = df.select(column(column))
            for hour in ["start", "end"]:
                df = df.withColumn(hour + "_h", hour(hour))
            return df
      `);
      assert.deepEqual(
        r.of('PSA701').map((f) => [r.lineOf(f), r.textOf(f)]),
        [
          [11, 'column'],
          [14, 'hour'],
        ],
      );
    });
  });

  describe('a Python builtin replaced by a pyspark.sql.functions import', () => {
    const src = py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import *

      spark = SparkSession.builder.getOrCreate()
      events = spark.read.json("s3://landing/events/")
      total_files = sum([len(batch) for batch in [[1, 2], [3]]])
      partitions = max(events.count() // 1_000_000, 1)
      ratio = round(len(events.columns) / 3 * 100, 2)
      bucket = hash((1, "a"))
      weights = sum(w * 2 for w in range(10))
      odd = list(filter(lambda n: n % 2, range(10)))
      daily = events.groupBy("day").agg(sum("amount"), max(col("ts")), round(avg("x"), 2), abs(col("delta")))
    `;

    it('flags builtins called on plain Python values only', async () => {
      const r = await check(src);
      const found = r.of('PSA701');
      assert.deepEqual(
        found.map((f) => r.lineOf(f)),
        [6, 7, 8, 9, 10, 11],
      );
      assert.match(found[0].message, /^`from pyspark\.sql\.functions import \*` replaces Python's builtin `sum` with pyspark\.sql\.functions\.sum/);
    });

    it('rewrites the call to builtins.<name> and imports builtins once', async () => {
      const r = await check(src);
      const found = r.of('PSA701');
      const { text, after } = await applyFix(r, found[1], /Call builtins\.max/);
      assert.match(text, /^from pyspark\.sql\.functions import \*\nimport builtins$/m);
      assert.match(text, /partitions = builtins\.max\(events\.count\(\) \/\/ 1_000_000, 1\)/);
      const again = await applyFix(after, after.of('PSA701')[0], /Call builtins\.sum/);
      assert.equal(again.text.match(/^import builtins$/gm)?.length, 1);
    });

    it('covers an explicit import of the function and leaves alias-style files alone', async () => {
      const named = await check(py`
        from pyspark.sql.functions import sum, col
        sizes = sum([1, 2, 3])
        total = sum(col("amount"))
      `);
      assert.deepEqual(
        named.of('PSA701').map((f) => named.textOf(f)),
        ['sum([1, 2, 3])'],
      );
      assert.match(named.of('PSA701')[0].message, /`from pyspark\.sql\.functions import sum` replaces/);
      const aliased = await check(py`
        from pyspark.sql import functions as F
        sizes = sum([1, 2, 3])
        biggest = max(len("ab"), 3)
      `);
      assert.deepEqual(aliased.of('PSA701'), []);
    });
  });
});
