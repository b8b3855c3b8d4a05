import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA105 python-udf-with-builtin', () => {
  const src = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, StringType

    spark = SparkSession.builder.getOrCreate()

    @F.udf(StringType())
    def to_upper(s):
        """Upper-cases a name."""
        return s.upper() if s is not None else None

    @F.udf(returnType=IntegerType())
    def name_len(s: str) -> int:
        return len(s)

    clean_udf = F.udf(lambda s: s.strip(), StringType())

    def full_name(first, last):
        return first + " " + last

    full_name_udf = F.udf(full_name, StringType())
    is_test = F.udf(lambda email: email.endswith("@example.com"), "boolean")

    customers = spark.table("crm.customers")
    out = (
        customers
        .withColumn("name_uc", to_upper("name"))
        .withColumn("name_len", name_len(F.col("name")))
        .withColumn("city", clean_udf(F.col("city")))
        .withColumn("full", full_name_udf("first_name", "last_name"))
        .withColumn("test", is_test("email"))
        .select("*", to_upper(F.col("country")).alias("cc"))
    )
  `;

  it('flags each call of a UDF that only wraps a builtin, in every definition style', async () => {
    const r = await check(src);
    assert.deepEqual(
      r.of('PSA105').map((f) => r.textOf(f)),
      [
        'to_upper("name")',
        'name_len(F.col("name"))',
        'clean_udf(F.col("city"))',
        'full_name_udf("first_name", "last_name")',
        'is_test("email")',
        'to_upper(F.col("country"))',
      ],
    );
    assert.match(r.of('PSA105')[0].message, /Python worker/);
  });

  it('replaces each call with the native function', async () => {
    const r = await check(src);
    const expected = [
      /\.withColumn\("name_uc", F\.upper\("name"\)\)/,
      /\.withColumn\("name_len", F\.length\(F\.col\("name"\)\)\)/,
      /\.withColumn\("city", F\.trim\(F\.col\("city"\)\)\)/,
      /\.withColumn\("full", F\.concat\("first_name", F\.lit\(" "\), "last_name"\)\)/,
      /\.withColumn\("test", F\.col\("email"\)\.endswith\("@example\.com"\)\)/,
      /\.select\("\*", F\.upper\(F\.col\("country"\)\)\.alias\("cc"\)\)/,
    ];
    const found = r.of('PSA105');
    for (let i = 0; i < found.length; i++) {
      const { text } = await applyFix(r, found[i]);
      assert.match(text, expected[i]);
    }
    assert.match(found[2].fixes[0].title, /spaces only/);
    // Nulls and the column type follow the Spark function: never applied in bulk.
    assert.ok(found.every((f) => f.fixes.every((x) => x.applicability === 'unsafe')));
    assert.ok(found[2].fixes[0].applicability === 'unsafe' && /strips spaces only/.test(found[2].fixes[0].reason));
  });

  it('keeps truthiness guards exact with when(), maps round to bround and escapes replace patterns', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.functions import udf, col
      spark = SparkSession.builder.getOrCreate()

      @udf("string")
      def lower_or_none(s):
          return s.lower() if s else None

      @udf("double")
      def round2(x):
          return round(x, 2)

      @udf("string")
      def dots_to_dollars(s):
          return s.replace(".", "$")

      df = spark.read.parquet("s3://lake/prices/")
      df = df.select(lower_or_none("sku"), lower_or_none("brand"), round2(col("price")), dots_to_dollars(df.code))
    `);
    const found = r.of('PSA105');
    assert.equal(found.length, 4);
    const a = await applyFix(r, found[0]);
    assert.match(a.text, /^from pyspark\.sql import functions as F$/m);
    assert.match(a.text, /df\.select\(F\.when\(F\.col\("sku"\) != "", F\.lower\("sku"\)\), lower_or_none\("brand"\)/);
    const b = await applyFix(r, found[2]);
    assert.match(b.text, /F\.bround\(col\("price"\), 2\)/);
    const c = await applyFix(r, found[3]);
    assert.match(c.text, /F\.regexp_replace\(df\.code, "\\\\\.", "\\\\\$"\)/);
  });
});

describe('PSA105 never rewrites a call that runs on Python values', () => {
  it('leaves UDF calls inside another UDF, a Python lambda or a function handed to rdd.map without a fix', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      from pyspark.sql.types import StringType

      spark = SparkSession.builder.getOrCreate()
      shout = F.udf(lambda s: s.upper(), StringType())

      @F.udf(returnType=StringType())
      def greet(name):
          return "hi " + shout(name)

      def clean_row(row):
          return shout(row.name)

      people = spark.table("crm.people")
      names = people.rdd.map(lambda row: shout(row.name)).collect()
      cleaned = people.rdd.map(clean_row).collect()
      wrapped = F.udf(lambda s: shout(s))
      out = people.select(shout("name").alias("loud"), greet("name"), wrapped("name"))
      out.write.parquet("s3://lake/people_loud/")
    `);
    const found = r.of('PSA105');
    const withFix = found.filter((f) => f.fixes.length).map((f) => r.textOf(f));
    // Only the column call is rewritten; the Python-side ones would get F.upper on a str.
    assert.deepEqual(withFix, ['shout("name")']);
    assert.deepEqual(
      found.find((f) => f.fixes.length)!.fixes.map((x) => x.applicability),
      ['unsafe'],
    );
    const { text } = await applyFix(
      r,
      found.find((f) => f.fixes.length)!,
    );
    assert.match(text, /people\.select\(F\.upper\("name"\)\.alias\("loud"\)/);
    assert.match(text, /return "hi " \+ shout\(name\)/);
    assert.match(text, /rdd\.map\(lambda row: shout\(row\.name\)\)/);
  });

  it('still rewrites inside lambdas of Spark higher-order functions and DataFrame.transform', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      spark = SparkSession.builder.getOrCreate()
      lower = F.udf(lambda s: s.lower())
      people = spark.table("crm.people")
      out = people.transform(lambda d: d.withColumn("email", lower("email")))
      out.write.parquet("s3://lake/people_lower/")
    `);
    assert.deepEqual(
      r
        .of('PSA105')
        .filter((f) => f.fixes.length)
        .map((f) => r.textOf(f)),
      ['lower("email")'],
    );
  });
});
