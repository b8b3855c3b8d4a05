"""Nightly orders job started by the scheduler with --day: configuration and input-handling mistakes."""
import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--day", required=True)
parser.add_argument("--region", default="emea")
args = parser.parse_args()

spark = (
    SparkSession.builder.appName("nightly-orders")
    .config("spark.executor.memory", "1.5g")
    .config("spark.sql.adaptive.enabled", "yes")
    .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
    .getOrCreate()
)

ORDERS_SCHEMA = "order_id STRING, customer_id STRING, region STRING, amount DOUBLE, order_ts TIMESTAMP"

orders = spark.sql(f"SELECT * FROM sales.orders WHERE order_date = '{args.day}' AND region = '{args.region}'")
daily = orders.groupBy("region").agg(F.sum("amount").alias("revenue"), F.count("*").alias("orders"))
daily.withColumn("day", F.lit(args.day)).write.mode("overwrite").partitionBy("day").format("delta").saveAsTable("gold.daily_revenue")

# Late corrections arrive as JSON files; the same job keeps a stream of them running.
corrections = spark.readStream.format("json").load("s3://landing/orders/corrections/")
(corrections.writeStream.format("delta")
    .option("checkpointLocation", "s3://lake/_checkpoints/orders_corrections")
    .toTable("silver.order_corrections"))
