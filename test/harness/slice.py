# The harness's vertical slice (hand-written on purpose; sparkgen generates the real steps):
# NDJSON with an explicit schema -> a small aggregate -> PostgreSQL over JDBC.
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

input_path, jdbc_url, table = sys.argv[1], sys.argv[2], sys.argv[3]
spark = SparkSession.builder.appName("trends-harness-slice").getOrCreate()
spark.conf.set("spark.sql.ansi.enabled", "false")
schema = StructType(
    [
        StructField("id", StringType()),
        StructField("author_id", StringType()),
        StructField("author_followers", LongType()),
        StructField("sentiment_score", DoubleType()),
        StructField("_corrupt_record", StringType()),
    ]
)
df = spark.read.schema(schema).option("mode", "PERMISSIVE").json(input_path).cache()
bad = df.filter(F.col("_corrupt_record").isNotNull()).count()
good = df.filter(F.col("_corrupt_record").isNull())
out = good.groupBy("author_id").agg(
    F.count("*").alias("tweets"),
    F.max("author_followers").alias("followers"),
    F.avg("sentiment_score").alias("avg_score"),
)
(
    out.write.format("jdbc")
    .option("url", jdbc_url)
    .option("dbtable", table)
    .option("user", os.environ.get("PGUSER", ""))
    .option("driver", "org.postgresql.Driver")
    .mode("overwrite")
    .save()
)
print(f"slice bad_records={bad}")
spark.stop()
