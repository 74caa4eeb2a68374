"""The smallest job that starts Spark SQL: the class-data archive's test (test/cds.test.ts)."""

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
print("TINY", spark.sql("SELECT count(*) AS n FROM range(10)").collect()[0].n)
spark.stop()
