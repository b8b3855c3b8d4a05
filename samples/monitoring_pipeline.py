"""Batch job with per-stage row counts pushed to Prometheus (adapted from the seed)."""
import logging

from prometheus_client import Counter
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

log = logging.getLogger(__name__)
rows_processed = Counter("rows_processed_total", "Rows processed", ["stage"])

INPUT_PATH = "s3://data-lake/input/orders/"
OUTPUT_PATH = "s3://data-lake/silver/orders/"

spark = SparkSession.builder.appName("orders-silver").getOrCreate()

df = spark.read.parquet(INPUT_PATH)
rows_processed.labels(stage="input").inc(df.count())

active = df.filter(F.col("status") == "active")
log.info("active orders: %d", active.count())

enriched = active.withColumn("processed_at", F.current_timestamp())
enriched.write.mode("append").partitionBy("order_date").parquet(OUTPUT_PATH)
print(f"wrote {enriched.count()} rows to {OUTPUT_PATH}")
