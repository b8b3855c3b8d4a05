"""Kappa architecture: one streaming path from Kafka into Delta, then serving (adapted from the seed)."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

event_schema = StructType([
    StructField("event_type", StringType()),
    StructField("user_id", StringType()),
    StructField("cpu_usage", DoubleType()),
    StructField("memory_usage", DoubleType()),
    StructField("timestamp", TimestampType()),
])


def kappa_architecture_pipeline():
    spark = SparkSession.builder \
        .appName("KappaArchitecture") \
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension") \
        .getOrCreate()

    stream_df = spark.readStream \
        .format("kafka") \
        .option("kafka.bootstrap.servers", "localhost:9092") \
        .option("subscribe", "all-events") \
        .load()

    processed_stream = stream_df \
        .select(F.from_json(F.col("value").cast("string"), event_schema).alias("data")) \
        .select("data.*") \
        .withColumn("processing_time", F.current_timestamp())

    user_events = processed_stream.filter("event_type = 'user_action'")
    system_events = processed_stream.filter("event_type = 'system_metric'")

    user_analytics = user_events \
        .withWatermark("timestamp", "1 hour") \
        .groupBy("user_id", F.window("timestamp", "1 hour")) \
        .agg(F.count("*").alias("actions_per_hour"))

    system_metrics = system_events \
        .groupBy(F.window("timestamp", "5 minutes")) \
        .agg(
            F.avg("cpu_usage").alias("avg_cpu"),
            F.max("memory_usage").alias("max_memory"),
        )

    user_query = user_analytics.writeStream \
        .format("delta").queryName("user_analytics") \
        .option("checkpointLocation", "/tmp/user_checkpoint") \
        .outputMode("append") \
        .trigger(processingTime="10 minutes") \
        .start("s3://data-lake/user-analytics/")

    system_query = system_metrics.writeStream \
        .format("delta").queryName("system_metrics") \
        .option("checkpointLocation", "s3://data-lake/_checkpoints/system-metrics") \
        .outputMode("update") \
        .trigger(processingTime="5 minutes") \
        .start("s3://data-lake/system-metrics/")

    return [user_query, system_query]
