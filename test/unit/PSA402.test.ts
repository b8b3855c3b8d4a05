import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';
import { looksLikeSecretValue } from '../../server/src/rules/governance/PSA402-hardcoded-secret';

describe('PSA402 hardcoded-secret', () => {
  it('flags a JDBC read with a literal password in a properties dict and fixes it from os.environ', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      props = {"user": "etl", "password": "Pr0d-s3cret!", "driver": "org.postgresql.Driver"}
      orders = spark.read.jdbc("jdbc:postgresql://db:5432/shop", "public.orders", properties=props)
    `);
    const [f, ...rest] = r.of('PSA402');
    assert.equal(rest.length, 0);
    assert.equal(r.textOf(f), '"Pr0d-s3cret!"');
    assert.equal(f.severity, 'error');
    assert.doesNotMatch(f.message, /Pr0d/, 'the message must not repeat the secret');
    const { text } = await applyFix(r, f);
    assert.match(text, /"password": os\.environ\["JDBC_PASSWORD"\]/);
    assert.match(text, /^from pyspark\.sql import SparkSession\nimport os\n/);
  });

  it('flags a literal password in a Kafka SASL JAAS config but not an f-string placeholder', async () => {
    const r = await check(py`
      JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="kafka-pass-1";'
      stream = (spark.readStream.format("kafka")
                .option("kafka.bootstrap.servers", "broker:9093")
                .option("kafka.sasl.mechanism", "PLAIN")
                .option("kafka.security.protocol", "SASL_SSL")
                .option("kafka.sasl.jaas.config", JAAS)
                .load())
      ok = (spark.readStream.format("kafka")
            .option("kafka.sasl.jaas.config", f'... required username="svc" password="{kafka_password}";')
            .load())
    `);
    const [f, ...rest] = r.of('PSA402');
    assert.equal(rest.length, 0);
    assert.equal(r.lineOf(f), 1, 'reported at the literal, where the constant is defined');
    assert.equal(f.related.length, 1);
    const { text } = await applyFix(r, f);
    assert.match(text, /^import os\nJAAS = os\.environ\["KAFKA_SASL_JAAS_CONFIG"\]/);
  });

  it('flags Azure and S3 keys in builder configs and spark.conf.set', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = (SparkSession.builder
               .config("spark.hadoop.fs.azure.account.key.lake.dfs.core.windows.net", "q9Zk0P+abc/xyz==")
               .config("spark.hadoop.fs.s3a.access.key", "AKIAIOSFODNN7EXAMPLE")
               .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
               .getOrCreate())
      spark.conf.set("fs.s3a.secret.key", "wJalrXUtnFEMI/K7MDENG")
      spark.conf.set("fs.azure.account.auth.type.lake.dfs.core.windows.net", "SAS")
      spark.conf.set("fs.azure.sas.token.provider.type", "org.example.FixedSASTokenProvider")
    `);
    const found = r.of('PSA402');
    assert.deepEqual(
      found.map((f) => r.lineOf(f)),
      [3, 4, 7],
    );
    const { text } = await applyFix(r, found[2]);
    assert.match(text, /spark\.conf\.set\("fs\.s3a\.secret\.key", os\.environ\["FS_S3A_SECRET_KEY"\]\)/);
    const s3 = await applyFix(r, found[1]);
    assert.match(s3.text, /os\.environ\["FS_S3A_ACCESS_KEY"\]/);
  });

  it('flags options(**dict) and options(password=...) keywords', async () => {
    const r = await check(py`
      snow = {"sfUser": "loader", "sfPassword": "Sn0w!", "sfWarehouse": "LOAD_WH"}
      df.write.format("snowflake").options(**snow).save()
      df.write.format("jdbc").options(url=URL, password="pw-in-code").save()
    `);
    assert.deepEqual(
      r.of('PSA402').map((f) => r.textOf(f)),
      ['"Sn0w!"', '"pw-in-code"'],
    );
  });

  it('adds import os when only getenv was imported, and keeps environ when that is how the file reads it', async () => {
    const r = await check(py`
      from os import environ, getenv
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      key = getenv("ADLS_ACCOUNT_KEY", "q1w2e3r4t5y6u7i8o9p0==")
      secret = environ.get("SP_CLIENT_SECRET", "s3cr3t-value")
      spark.conf.set("fs.azure.account.key.lake.dfs.core.windows.net", key)
    `);
    const found = r.of('PSA402');
    assert.equal(found.length, 2);
    const a = await applyFix(r, found[0]);
    assert.match(a.text, /^import os$/m);
    assert.match(a.text, /^key = os\.environ\["ADLS_ACCOUNT_KEY"\]$/m);
    const b = await applyFix(r, found[1]);
    assert.match(b.text, /^secret = environ\["SP_CLIENT_SECRET"\]$/m);
    assert.doesNotMatch(b.text, /^import os$/m);
  });
  describe('blanks a reader fills in (fifty-ninth corpus)', () => {
    it('takes one character in runs cut by separators for a mask, not a value', () => {
      for (const v of ['xxx-xx-xxxxx', 'XXXXXXXX-XXXX-XXXX', '0000 0000', 'zzzzzzzz']) assert.equal(looksLikeSecretValue(v, 'secret'), false, v);
      // Two characters, or one run beside a real part, are no mask.
      for (const v of ['xx-yy-xx', 'xxx-Q7vL2p', 'a1-a1-a1']) assert.equal(looksLikeSecretValue(v, 'secret'), true, v);
    });

    it('takes a fill-in instruction with the field named in its own words for a blank', () => {
      for (const v of ['replace_with_your_storage_account_key', 'replace_with_your_actual_key_here', 'paste-your-access-key-here'])
        assert.equal(looksLikeSecretValue(v, 'key'), false, v);
      // "your" alone, or an instruction verb alone, does not make a phrase a blank.
      for (const v of ['bless-your-heart', 'replace-the-old-lock']) assert.equal(looksLikeSecretValue(v, 'key'), true, v);
    });

    it('judges an Event Hubs connection string handed as the JAAS password on its key field', async () => {
      const jaas = (key: string) =>
        `kafkashaded.org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" password="Endpoint=sb://hub.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${key}";`;
      const source = (key: string) => py`
        stream = spark.readStream.format("kafka").option("kafka.sasl.jaas.config", '${jaas(key)}').option("subscribe", "t").load()
      `;
      assert.equal((await check(source('zzzzzzzz'))).of('PSA402').length, 0);
      assert.equal((await check(source('Rt5wYp2LqN8vXc3Bz7Hk1Jm4Df6Gs9Ae0Uo2Iy5Tr8='))).of('PSA402').length, 1);
    });
  });
});
