"""Lambda architecture: batch layer over history, speed layer over Kafka, serving layer merging both."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, count, current_timestamp, sum, window

LAKE = "s3://data-lake"
BATCH_VIEWS = f"{LAKE}/batch-views/revenue_daily/"


def batch_layer_pipeline():
    spark = SparkSession.builder.appName("BatchLayer").getOrCreate()

    # Read historical data
    historical_df = spark.read.parquet(f"{LAKE}/historical/events/")

    processed_df = (
        historical_df
        .withColumn("processed_at", current_timestamp())
        .groupBy(window("event_time", "1 day"))
        .agg(sum("revenue").alias("daily_revenue"))
    )

    processed_df.write \
        .mode("overwrite") \
        .parquet(BATCH_VIEWS)
    return processed_df


def speed_layer_pipeline():
    spark = SparkSession.builder.appName("SpeedLayer").getOrCreate()

    stream_df = spark.readStream \
        .format("kafka") \
        .option("kafka.bootstrap.servers", "localhost:9092") \
        .option("subscribe", "events") \
        .load()

    real_time_metrics = stream_df \
        .withWatermark("timestamp", "10 minutes") \
        .groupBy(window("timestamp", "1 minute")) \
        .agg(count("*").alias("events_per_minute"))

    query = real_time_metrics.writeStream \
        .format("delta") \
        .outputMode("append") \
        .option("checkpointLocation", "/tmp/checkpoint") \
        .start(f"{LAKE}/speed-views/events_per_minute/")
    return query


def serving_layer_query(spark, user_query):
    batch_data = spark.read.parquet(BATCH_VIEWS)
    realtime_data = spark.read.format("delta").load(f"{LAKE}/speed-views/events_per_minute/")
    combined_data = batch_data.unionByName(realtime_data, allowMissingColumns=True)
    return combined_data.filter(user_query)
