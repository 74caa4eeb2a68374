"""Small frames as literals: the same rows, types and NULLs as the data they replace, and no RDD."""

from datetime import datetime, timezone

from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType, TimestampType

from trends_step import frames
from trends_step.frames import local_frame

FIELDS = [("window_start", TimestampType()), ("topic", StringType()), ("n", LongType()), ("avg", DoubleType())]
ROWS = [
    (datetime(2026, 11, 26, 4, 15, 0, 123000, tzinfo=timezone.utc), "*", 12, 0.125),
    (datetime(2026, 11, 26, 4, 30, tzinfo=timezone.utc), "it's", None, None),
]


def collected(df):
    return [tuple(r) for r in df.collect()]


def test_literal_frame_equals_create_data_frame(spark):
    schema = StructType([StructField(n, t, True) for n, t in FIELDS])
    reference = spark.createDataFrame(ROWS, schema)
    df = local_frame(spark, FIELDS, ROWS)
    assert [(f.name, f.dataType) for f in df.schema.fields] == FIELDS
    assert collected(df) == collected(reference)
    # Planned in the JVM: no Python RDD to unpickle, and a size Spark can broadcast.
    plan = df._jdf.queryExecution().optimizedPlan().toString()
    assert "LogicalRDD" not in plan and "ExistingRDD" not in plan


def test_no_rows_is_an_empty_frame_of_the_same_schema(spark):
    df = local_frame(spark, FIELDS, [])
    assert [(f.name, f.dataType) for f in df.schema.fields] == FIELDS
    assert df.count() == 0


def test_many_rows_go_as_data(spark, monkeypatch):
    monkeypatch.setattr(frames, "LITERAL_ROWS", 1)
    df = local_frame(spark, FIELDS, ROWS)
    assert collected(df) == collected(local_frame(spark, FIELDS, ROWS[:1])) + collected(
        local_frame(spark, FIELDS, ROWS[1:])
    )


def test_naive_timestamps_are_local_time_as_pyspark_reads_them(spark):
    # Rows collected from Spark hold naive datetimes (the driver's local time): a depth loop's result
    # is made of them.
    naive = [(r[0].astimezone().replace(tzinfo=None), *r[1:]) for r in ROWS]
    assert collected(local_frame(spark, FIELDS, naive)) == collected(local_frame(spark, FIELDS, ROWS))
