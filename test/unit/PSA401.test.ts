import * as assert from 'node:assert/strict';
import { PiiMatcher } from '../../server/src/rules/helpers/pii';
import { applyFix, check, py } from './helpers';

describe('PSA401 unmasked-pii-at-sink', () => {
  it('matches PII names by token, not substring', () => {
    const m = new PiiMatcher([]);
    for (const c of ['email', 'customer_email', 'phone_number', 'ssn', 'credit_card', 'card_number', 'iban', 'passport_no', 'ip_address', 'emailAddress'])
      assert.ok(m.isPii(c), c);
    // Names, birth dates and home addresses only with pii.personDetails: public data is full of them.
    const person = new PiiMatcher([], true);
    for (const c of ['dob', 'birth_date', 'official_full_name', 'player_fullName', 'first_name', 'street_address']) {
      assert.ok(!m.isPii(c), c);
      assert.ok(person.isPii(c), c);
    }
    assert.ok(person.isPii('email') && !person.isPii('cvv_validado') && !m.isPii('cvv_validado'));
    for (const c of [
      'email_masked',
      'email_hash',
      'email_domain',
      'is_email_verified',
      'email_count',
      'phone_country',
      'company',
      'shipping_method',
      'dobby',
      'pancake',
      'pan',
      'mobile_os',
      'phone_model',
      'email_template',
    ])
      assert.ok(!m.isPii(c), c);
    assert.ok(new PiiMatcher(['member_no', 'nhs_.*']).isPii('NHS_number'));
  });

  const schemaPipeline = py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    spark = SparkSession.builder.getOrCreate()
    schema = StructType([
        StructField("customer_id", StringType()),
        StructField("email", StringType()),
        StructField("phone", StringType()),
        StructField("country", StringType()),
    ])
    customers = spark.read.schema(schema).json("s3://raw/crm/")
    customers.write.mode("append").saveAsTable("silver.customers")
  `;

  it('flags PII columns known from a schema reaching saveAsTable', async () => {
    const r = await check(schemaPipeline);
    const [f] = r.of('PSA401');
    assert.ok(f);
    assert.match(f.message, /"email", "phone"/);
    assert.equal(r.textOf(f), 'write.mode("append").saveAsTable("silver.customers")');
    assert.equal(f.related.length, 2);
  });

  it('mask fix hashes each column with sha2 before the write', async () => {
    const r = await check(schemaPipeline);
    const { text } = await applyFix(r, r.of('PSA401')[0], /Mask/);
    assert.match(
      text,
      /customers\.withColumn\("email", F\.sha2\(F\.col\("email"\)\.cast\("string"\), 256\)\)\.withColumn\("phone", F\.sha2\(F\.col\("phone"\)\.cast\("string"\), 256\)\)\.write/,
    );
  });

  it('a masked copy next to the original still leaks the original; drop fix removes it', async () => {
    const r = await check(py`
      from pyspark.sql.functions import col, sha2
      users = spark.readStream.schema("email STRING, country STRING").json("s3://raw/users/")
      out = users.withColumn("email_masked", sha2(col("email"), 256))
      out.writeStream.format("delta").option("checkpointLocation", "s3://l/_chk/u").start("s3://l/u")
    `);
    const [f] = r.of('PSA401');
    assert.ok(f);
    assert.match(f.message, /email_masked/);
    assert.equal(f.fixes[0].title, 'Drop email (masked copy exists)');
    const { text } = await applyFix(r, f, /Drop/);
    assert.match(text, /out\.drop\("email"\)\.writeStream/);
  });

  it('adds the functions import when the file has none', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      df = spark.read.parquet("s3://raw/x").select("user_id", "ip_address")
      df.write.parquet("s3://lake/x")
    `);
    const { text } = await applyFix(r, r.of('PSA401')[0], /Mask/);
    assert.match(text, /^from pyspark\.sql import SparkSession\nfrom pyspark\.sql import functions as F\n/);
  });

  it('extra patterns from settings extend the defaults', async () => {
    const src = py`
      df = spark.createDataFrame([], "member_no STRING, tier STRING")
      df.write.parquet("s3://lake/members")
    `;
    assert.equal((await check(src)).of('PSA401').length, 0);
    assert.equal((await check(src, { 'pii.extraPatterns': ['member_no'] })).of('PSA401').length, 1);
  });

  it('names and birth dates reach the sink unreported unless pii.personDetails is on', async () => {
    const src = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      officials = spark.read.json("s3://nba-raw/officials/")
      officials.select("game_id", "official_full_name", "jersey_num").write.mode("append").parquet("s3://nba-lake/officials/")
      players = spark.read.json("s3://crm-raw/customers/")
      players.select("customer_id", "first_name", "date_of_birth").write.mode("append").parquet("s3://crm-lake/customers/")
    `;
    assert.equal((await check(src)).of('PSA401').length, 0);
    const on = await check(src, { 'pii.personDetails': true });
    assert.equal(on.of('PSA401').length, 2);
    assert.match(on.of('PSA401')[1].message, /first_name/);
  });

  // Issue 18: user patterns run on a linear-time engine. On JavaScript's backtracking engine
  // `(a+)+` against 30 letters and a trailing mismatch takes minutes; here it answers at once.
  it('extra patterns run on a linear-time engine: (a+)+ against a 30-letter column', async () => {
    const long = 'a'.repeat(30);
    const src = py`
      df = spark.createDataFrame([], "${long} STRING, ${long}b STRING, tier STRING")
      df.write.parquet("s3://lake/members")
    `;
    const r = await check(src, { 'pii.extraPatterns': ['(a+)+'] });
    assert.deepEqual(
      r.of('PSA401').map((f) => f.message.includes(`${long}b`)),
      [false],
    );
    assert.match(r.of('PSA401')[0].message, new RegExp(`"${long}"`));
  });

  it('patterns the linear-time engine cannot run are refused, never run on the backtracking one', async () => {
    const src = py`
      df = spark.createDataFrame([], "member_no STRING, tier STRING")
      df.write.parquet("s3://lake/members")
    `;
    assert.equal((await check(src, { 'pii.extraPatterns': ['(member)_no(?=x)?', '(m)\\1'] })).of('PSA401').length, 0);
  });
});

describe('PSA401 fixes: unsafe, and no masking of columns that are not text', () => {
  it('offers masking, labelled unsafe, for string columns', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.types import StringType, StructField, StructType
      spark = SparkSession.builder.getOrCreate()
      schema = StructType([StructField("id", StringType()), StructField("email", StringType())])
      spark.read.schema(schema).json("s3://raw/crm/").write.saveAsTable("silver.customers")
    `);
    const [f] = r.of('PSA401');
    assert.deepEqual(
      f.fixes.map((x) => x.applicability),
      ['unsafe'],
    );
  });

  it('never offers masking for a boolean, a number or a flag-named column (a hash of a flag is meaningless text)', async () => {
    const typed = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType
      spark = SparkSession.builder.getOrCreate()
      schema = StructType([StructField("order_id", StringType()), StructField("ssn", LongType()), StructField("email", StringType())])
      spark.read.schema(schema).json("s3://raw/orders/").write.saveAsTable("silver.orders")
    `);
    assert.deepEqual(typed.of('PSA401')[0].fixes, []);
    const ddl = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      spark.read.schema("order_id STRING, cvv INT").csv("s3://raw/payments/").write.saveAsTable("silver.payments")
    `);
    assert.deepEqual(ddl.of('PSA401')[0].fixes, []);
    const derived = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      payments = spark.read.parquet("s3://raw/payments/").select("payment_id", "amount")
      checked = payments.withColumn("phone", F.col("amount") > 0)
      checked.write.saveAsTable("silver.payments")
    `);
    // A comparison's result is a boolean, not a phone number: not reported at all (issue #11).
    assert.deepEqual(derived.of('PSA401'), []);
  });

  it('cvv_validated is a flag, not card data', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      payments = spark.read.parquet("s3://raw/payments/").select("payment_id", "cvv_validated")
      payments.write.saveAsTable("silver.payments")
    `);
    assert.deepEqual(r.of('PSA401'), []);
  });
});
