"""Medallion architecture: bronze ingest, silver cleanse, gold aggregates on Delta (adapted from the seed)."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import (
    coalesce, col, count, countDistinct, current_timestamp, input_file_name, lit, sha2, sum, to_date, to_timestamp,
)

spark = SparkSession.builder \
    .appName("medallion") \
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension") \
    .getOrCreate()

LANDING = "s3://landing-zone/events/"
BRONZE = "s3://data-lake/bronze/events/"
SILVER = "s3://data-lake/silver/events/"
GOLD = "s3://data-lake/gold"


def bronze_layer():
    raw_df = spark.read.json(LANDING)
    bronze_df = raw_df \
        .withColumn("ingestion_time", current_timestamp()) \
        .withColumn("source_file", input_file_name())
    bronze_df.write \
        .format("delta") \
        .mode("append") \
        .partitionBy("ingestion_date") \
        .save(BRONZE)


def silver_layer():
    bronze_df = spark.read.format("delta").load(BRONZE)
    silver_df = bronze_df \
        .filter("event_data is not null") \
        .withColumn("user_id", coalesce(col("user_id"), lit("unknown"))) \
        .withColumn("event_timestamp", to_timestamp("timestamp")) \
        .withColumn("date", to_date("event_timestamp")) \
        .withColumn("email", sha2(col("email"), 256)) \
        .dropDuplicates(["event_id"]) \
        .withColumn("processed_at", current_timestamp())
    silver_df.write \
        .format("delta") \
        .mode("append") \
        .partitionBy("date") \
        .save(SILVER)


def gold_layer():
    silver_df = spark.read.format("delta").load(SILVER)
    user_metrics = silver_df.groupBy("user_id", "date").agg(
        count("*").alias("daily_events"),
        countDistinct("event_type").alias("unique_event_types"),
        sum("revenue").alias("daily_revenue"),
    )
    user_metrics.coalesce(1).write \
        .format("delta") \
        .mode("overwrite") \
        .save(f"{GOLD}/user_metrics/")


bronze_layer()
silver_layer()
gold_layer()
