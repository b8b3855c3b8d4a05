"""Customer export with governance and configuration mistakes a reviewer should catch."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

spark = SparkSession.builder.appName("customer-export").getOrCreate()
spark.conf.set("spark.sql.shuffle.partitions", "400")
spark.conf.set("spark.executor.memory", "16g")

schema = StructType([
    StructField("customer_id", StringType()),
    StructField("email", StringType()),
    StructField("phone_number", StringType()),
    StructField("country", StringType()),
    StructField("signup_date", StringType()),
])

customers = spark.read.schema(schema).csv("s3://raw/crm/customers/", header=True)

export = customers \
    .withColumn("email_masked", F.sha2(F.col("email"), 256)) \
    .withColumn("phone_number", F.regexp_replace("phone_number", r"\d(?=\d{4})", "*"))

export.write.mode("overwrite").partitionBy("customer_id").parquet("s3://curated/crm/customers_export/")
