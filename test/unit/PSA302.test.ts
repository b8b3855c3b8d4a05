import * as assert from 'node:assert/strict';
import { highCardinalityReason, isCalendarPeriod } from '../../server/src/rules/helpers/cardinality';
import { check, py } from './helpers';

describe('PSA302 high-cardinality-partition-column', () => {
  it('classifies column names', () => {
    for (const c of [
      'user_id',
      'event_id',
      'uuid',
      'request_uuid',
      'event_ts',
      'created_at',
      'event_timestamp',
      'id',
      'customer_email',
      'sessionId'.toLowerCase(),
      'eventTimestamp',
      'eventTs',
      'userId',
    ]) {
      assert.ok(highCardinalityReason(c), c);
    }
    for (const c of [
      'date',
      'event_date',
      'year',
      'month',
      'country',
      'region',
      'tenant_id',
      'store_id',
      'event_type',
      'hour',
      'category_id',
      'ingestion_date',
    ]) {
      assert.equal(highCardinalityReason(c), undefined, c);
    }
  });

  it('tells calendar periods, which an id can be nested over, from instants and other columns', () => {
    for (const c of ['month', 'year', 'event_date', 'salesDate', 'dt', 'yyyymm', 'load_hour', 'week']) {
      assert.ok(isCalendarPeriod(c), c);
    }
    for (const c of ['event_ts', 'created_at', 'event_timestamp', 'updated_time', 'id', 'country', 'store_id', 'monthly_total_id']) {
      assert.equal(isCalendarPeriod(c), false, c);
    }
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
    assert.deepEqual(
      r.of('PSA302').map((f) => r.textOf(f)),
      ['"user_id"'],
    );
    assert.equal(r.of('PSA401').length, 2);
  });
});
