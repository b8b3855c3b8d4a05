import * as assert from 'node:assert/strict';
import { check, py } from './helpers';

describe('PSA208 streaming-file-source-without-schema', () => {
  it('flags streaming json/csv/parquet reads without a schema, at the read', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession

      spark = SparkSession.builder.appName("landing-ingest").getOrCreate()

      events = spark.readStream.format("json").option("maxFilesPerTrigger", 100).load("s3://landing/events/")
      orders = spark.readStream.csv("s3://landing/orders/", header=True)

      def clicks(spark):
          return spark.readStream.option("inferSchema", "true").parquet("s3://landing/clicks/")

      query = events.writeStream.format("delta").option("checkpointLocation", "s3://lake/_chk/events").start("s3://lake/bronze/events")
    `);
    const found = r.of('PSA208');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [5, 6, 9]);
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.match(found[0].message, /Streaming json source without a schema: Spark refuses to start the query/);
    assert.match(r.textOf(found[1]), /^spark\.readStream\.csv\(/);
  });

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

  it('flags Auto Loader with neither a schema nor cloudFiles.schemaLocation', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      raw = (spark.readStream.format("cloudFiles")
             .option("cloudFiles.format", "json")
             .load("/Volumes/main/landing/events"))
      ok = (spark.readStream.format("cloudFiles")
            .option("cloudFiles.format", "json")
            .option("cloudFiles.schemaLocation", "/Volumes/main/_schemas/events")
            .load("/Volumes/main/landing/events"))
      typed = spark.readStream.format("cloudFiles").option("cloudFiles.format", "csv").schema("id STRING").load("/Volumes/main/landing/x")
      opaque = spark.readStream.format("cloudFiles").options(**AUTOLOADER_OPTIONS).load("/Volumes/main/landing/y")
    `);
    const found = r.of('PSA208');
    assert.deepEqual(found.map((f) => r.lineOf(f)), [3]);
    assert.match(found[0].message, /Auto Loader \(cloudFiles\) without a schema and without cloudFiles\.schemaLocation/);
  });
});
