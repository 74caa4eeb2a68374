"""A metric's rows are collected once, with its cache filled: small ones as epoch tuples, large ones not at all."""

from datetime import datetime, timezone

from pyspark.sql.types import LongType, StringType, TimestampType

from trends_step import write
from trends_step.frames import local_frame
from trends_step.job import LIMIT_PARTITIONS

FIELDS = [
    ("window_start", TimestampType()),
    ("window_end", TimestampType()),
    ("topic", StringType()),
    ("n", LongType()),
]
START, END = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc), datetime(2026, 11, 26, 4, 30, tzinfo=timezone.utc)


def metric(spark, n):
    rows = [(START, END, f"t{i}", i) for i in range(n)]
    return local_frame(spark, FIELDS, rows).repartition(3).persist()


def test_a_small_result_is_collected_as_epoch_tuples_and_cached(spark, monkeypatch):
    monkeypatch.setattr(write, "SMALL_RESULT", 3)
    sc = spark.sparkContext
    spark.conf.set("spark.sql.limit.initialNumPartitions", str(LIMIT_PARTITIONS))
    # As the local runner runs (runtime/spark/index.ts); adaptive execution runs its stages as jobs of their own.
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    df = metric(spark, 3)
    try:
        sc.setJobGroup("small_rows", "one action")
        rows = write.small_rows(df, ["topic", "n"])
        epoch = (int(START.timestamp()), int(END.timestamp()))
        assert sorted(rows) == [(*epoch, f"t{i}", i) for i in range(3)]
        # one job, and every partition of the metric cached by it (the alerts read the cache)
        assert len(sc.statusTracker().getJobIdsForGroup("small_rows")) == 1
        cached = [i for i in sc._jsc.sc().getRDDStorageInfo() if i.numPartitions() == 3]
        assert [i.numCachedPartitions() for i in cached] == [3]
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
        spark.conf.unset("spark.sql.limit.initialNumPartitions")
        spark.conf.unset("spark.sql.adaptive.enabled")
        df.unpersist()


def test_a_result_above_the_limit_is_left_for_staging(spark, monkeypatch):
    monkeypatch.setattr(write, "SMALL_RESULT", 3)
    df = metric(spark, 4)
    try:
        assert write.small_rows(df, ["topic", "n"]) is None
    finally:
        df.unpersist()
