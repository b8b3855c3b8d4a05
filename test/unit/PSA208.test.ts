import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA208 streaming-file-source-without-schema', () => {
  it('is silent with a schema, for formats that need none, for batch reads and with schema inference on', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      from pyspark.sql.types import StructType, StructField, StringType

      spark = SparkSession.builder.getOrCreate()
      schema = StructType([StructField("id", StringType())])

      a = spark.readStream.schema(schema).json("s3://landing/a/")
      b = spark.readStream.format("csv").schema("id STRING, amount DOUBLE").load("s3://landing/b/")
      c = spark.readStream.json("s3://landing/c/", schema=schema)
      d = spark.readStream.format("delta").load("s3://lake/bronze/d")
      e = spark.readStream.format("kafka").option("subscribe", "e").option("kafka.bootstrap.servers", "b:9092").load()
      f = spark.readStream.format("cloudFiles").option("cloudFiles.format", "json").option("cloudFiles.schemaLocation", "s3://x/_schemas").load("s3://landing/f/")
      g = spark.readStream.text("s3://landing/logs/")
      h = spark.read.json("s3://landing/h/")
    `);
    assert.deepEqual(r.of('PSA208'), []);
    const inferred = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.config("spark.sql.streaming.schemaInference", "true").getOrCreate()
      events = spark.readStream.json("s3://landing/events/")
    `);
    assert.deepEqual(inferred.of('PSA208'), []);
  });
});
