# Evaluates the expressions whose meaning ANSI mode changes, once per spark.sql.ansi.enabled value
# given on the command line, and prints one JSON line per value: the values, or the error class.
# Used by test/sparkgen/spark4.test.ts to show why the step pins the setting on every target.
import json
import sys

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("trends ansi probe").getOrCreate()
for value in sys.argv[1:]:
    spark.conf.set("spark.sql.ansi.enabled", value)
    try:
        row = spark.sql(
            "select 1 / 0 as share, cast('many' as bigint) as followers, "
            "to_timestamp('26/11/2026 04:50', \"yyyy-MM-dd'T'HH:mm:ss\") as created"
        ).collect()[0]
        out = {
            "ansi": value,
            "share": row.share,
            "followers": row.followers,
            "created": row.created,
        }
    except Exception as e:  # noqa: BLE001 - the error class is the result
        out = {
            "ansi": value,
            "error": type(e).__name__,
            "message": str(e).split("\n")[0][:200],
        }
    print("ANSI_PROBE " + json.dumps(out, default=str), flush=True)
spark.stop()
