import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

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

  it('flags .option("password", ...) on a jdbc reader and a password embedded in the JDBC URL', async () => {
    const r = await check(py`
      import os
      df = (spark.read.format("jdbc")
            .option("url", "jdbc:sqlserver://sql01:1433;databaseName=dw;user=etl;password=hunter2")
            .option("dbtable", "dbo.sales")
            .option("password", "hunter2")
            .load())
      pg = spark.read.jdbc(url="jdbc:postgresql://etl:hunter2@db:5432/shop", table="t")
    `);
    const found = r.of('PSA402');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3, 5, 7]);
    assert.match(found[0].message, /JDBC URL embeds a password/);
    const { text } = await applyFix(r, found[1]);
    assert.match(text, /\.option\("password", os\.environ\["JDBC_PASSWORD"\]\)/);
    assert.equal((text.match(/^import os$/gm) ?? []).length, 1, 'import os is not duplicated');
    const url = await applyFix(r, found[0]);
    assert.match(url.text, /\.option\("url", os\.environ\["JDBC_URL"\]\)/);
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
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3, 4, 7]);
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
    assert.deepEqual(r.of('PSA402').map((f) => r.textOf(f)), ['"Sn0w!"', '"pw-in-code"']);
  });

  it('stays silent on secret references, paths, class names, placeholders and non-secret keys', async () => {
    const r = await check(py`
      import os
      jdbc = (spark.read.format("jdbc")
              .option("url", "jdbc:postgresql://db:5432/shop")
              .option("user", "etl")
              .option("password", "{{secrets/etl/pg-password}}")
              .option("sessionInitStatement", "SET search_path TO shop")
              .load())
      spark.conf.set("spark.hadoop.fs.azure.account.oauth2.client.secret.lake.dfs.core.windows.net", dbutils.secrets.get("kv", "sp-secret"))
      spark.conf.set("fs.azure.account.oauth2.client.secret", "\${env:SP_SECRET}")
      spark.conf.set("spark.ssl.keyStore", "/etc/ssl/keystore.jks")
      spark.conf.set("spark.ssl.keyStorePassword", os.environ["KS_PASS"])
      spark.conf.set("spark.authenticate.secret.file", "/run/secrets/spark")
      spark.conf.set("spark.kubernetes.authenticate.submission.oauthTokenFile", "token.txt")
      spark.conf.set("spark.security.credentials.hive.enabled", "false")
      spark.conf.set("kafka.sasl.oauthbearer.token.endpoint.url", "https://login.example.com/token")
      spark.conf.set("spark.hadoop.fs.s3a.secret.key", "")
      spark.conf.set("password", "<your-password>")
      props = {"user": user, "password": password}
      other = spark.read.jdbc(url, "t", properties=props)
      kafka = df.writeStream.option("kafka.sasl.jaas.config", f'... password="{pw}";')
      cache.set("token", "abc123")
      argparser.add_argument("--password", default="x")
    `);
    assert.deepEqual(r.of('PSA402').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), []);
  });

  it('offers no fix when the secret is interpolated into an f-string with a constant', async () => {
    const r = await check(py`
      PW = "abc-123-secret"
      url = "jdbc:postgresql://db/shop"
      df = spark.read.format("jdbc").option("url", f"jdbc:postgresql://db/shop?user=etl&password={PW}").load()
    `);
    const found = r.of('PSA402');
    assert.equal(found.length, 1);
    assert.equal(r.lineOf(found[0]), 3);
    assert.deepEqual(found[0].fixes, []);
  });
  it('is silent on template placeholders: [PASSWORD], {secret}, YOUR_TOKEN', async () => {
    const r = await check(py`
      orders = (
          spark.read.format("jdbc")
          .option("url", "jdbc:postgresql://[HOST]:5432/[DB]")
          .option("user", "[DB_USER]")
          .option("password", "[DB_PASSWORD]")
          .load()
      )
      spark.conf.set("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "{storage_key}")
      orders.write.format("jdbc").option("url", "jdbc:postgresql://h/db").option("password", "your-password-here").save()
    `);
    assert.deepEqual(r.of('PSA402'), []);
  });

  it('flags a literal fallback for a secret environment variable and fixes it to require the variable', async () => {
    const r = await check(py`
      import os
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.appName("orders-sync").getOrCreate()
      JDBC_URL = os.getenv("JDBC_URL", "jdbc:postgresql://db:5432/shop")
      password = os.getenv("WAREHOUSE_DB_PASSWORD", "Wh-2024-pass!")
      token = os.environ.get("SNOWFLAKE_TOKEN") or "eyJhbGciOiJIUzI1NiJ9.c2VydmljZQ"
      orders = (spark.read.format("jdbc").option("url", JDBC_URL).option("user", "etl")
                .option("password", password).option("dbtable", "public.orders").load())
    `);
    const found = r.of('PSA402');
    assert.deepEqual(found.map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), ['6: "Wh-2024-pass!"', '7: "eyJhbGciOiJIUzI1NiJ9.c2VydmljZQ"']);
    assert.match(found[0].message, /fallback for the environment variable "WAREHOUSE_DB_PASSWORD"/);
    assert.doesNotMatch(found[0].message, /Wh-2024/);
    const first = await applyFix(r, found[0]);
    assert.match(first.text, /^password = os\.environ\["WAREHOUSE_DB_PASSWORD"\]$/m);
    const second = await applyFix(r, found[1]);
    assert.match(second.text, /^token = os\.environ\["SNOWFLAKE_TOKEN"\]$/m);
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

  it('is silent on environment fallbacks that are not credentials or not literals', async () => {
    const r = await check(py`
      import os
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.getOrCreate()
      password = os.getenv("DB_PASSWORD", "")
      token = os.environ.get("API_TOKEN", None)
      pw_file = os.getenv("DB_PASSWORD_FILE", "/run/secrets/db_password")
      token_type = os.getenv("AUTH_TOKEN_TYPE", "bearer")
      user = os.getenv("DB_USER", "etl_service")
      fallback = os.environ.get("KAFKA_PASSWORD") or default_password
      placeholder = os.getenv("SERVICE_SECRET", "<set-me>")
      dev_default = os.getenv("API_KEY_SECRET", "changeme")
      stub = os.environ.get("SLACK_TOKEN", "dummy")
      cache = {}
      other = cache.get("DB_PASSWORD", "not-an-env-lookup")
      df = spark.read.format("jdbc").option("user", user).option("password", password).load()
    `);
    assert.deepEqual(r.of('PSA402').map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`), []);
  });
});
