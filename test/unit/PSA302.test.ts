import * as assert from 'node:assert/strict';
import { highCardinalityReason } from '../../server/src/rules/helpers/cardinality';
import { check, py } from './helpers';

describe('PSA302 high-cardinality-partition-column', () => {
  it('classifies column names', () => {
    for (const c of ['user_id', 'event_id', 'uuid', 'request_uuid', 'event_ts', 'created_at', 'event_timestamp', 'id', 'customer_email', 'sessionId'.toLowerCase(), 'eventTimestamp', 'eventTs', 'userId']) {
      assert.ok(highCardinalityReason(c), c);
    }
    for (const c of ['date', 'event_date', 'year', 'month', 'country', 'region', 'tenant_id', 'store_id', 'event_type', 'hour', 'category_id', 'ingestion_date']) {
      assert.equal(highCardinalityReason(c), undefined, c);
    }
  });

  it('flags partitionBy on ids and timestamps, as args, lists and keywords', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      events = spark.read.json("s3://landing/events/")
      events.write.partitionBy("event_date", "user_id").parquet("s3://lake/bronze/events/")
      keys = ["event_ts"]
      events.write.partitionBy(*keys).format("delta").save("s3://lake/bronze/events_ts/")
      events.write.parquet("s3://lake/bronze/by_uuid/", partitionBy=["uuid"], mode="append")
    `);
    assert.deepEqual(r.of('PSA302').map((f) => r.textOf(f)), ['"user_id"', '*keys', '["uuid"]']);
  });

  it('is silent on dates, low-cardinality ids and non-writer partitionBy', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession, Window
      from pyspark.sql import functions as F
      spark = SparkSession.builder.getOrCreate()
      events = spark.read.json("s3://landing/events/")
      w = Window.partitionBy("user_id").orderBy("event_ts")
      ranked = events.withColumn("rn", F.row_number().over(w))
      ranked.write.partitionBy("event_date", "country").parquet("s3://lake/silver/events/")
      ranked.write.partitionBy("tenant_id").mode("append").parquet("s3://lake/silver/by_tenant/")
    `);
    assert.deepEqual(r.of('PSA302'), []);
  });
});

describe('DataFrameWriterV2 (writeTo) sinks', () => {
  it('are sinks: partitionedBy on an id is flagged, partition transforms are not, PII reaches them', async () => {
    const r = await check(py`
      from pyspark.sql import functions as F
      users = spark.read.schema("user_id STRING, email STRING, signup_ts TIMESTAMP").json("s3://raw/users/")
      users.writeTo("lake.silver.users").using("iceberg").partitionedBy("user_id").createOrReplace()
      users.writeTo("lake.silver.users_by_day").partitionedBy(F.days("signup_ts")).append()
    `);
    assert.deepEqual(r.of('PSA302').map((f) => r.textOf(f)), ['"user_id"']);
    assert.equal(r.of('PSA401').length, 2);
  });
});
