"""A metric's rows of every window are collected once, with its cache filled: small ones as epoch
tuples by the commit that writes them, large ones not at all."""

from datetime import datetime, timezone

from pyspark.sql.types import LongType, StringType, TimestampType

from trends_step import write
from trends_step.frames import local_frame
from trends_step.job import LIMIT_PARTITIONS
from trends_step.plan import Metric

FIELDS = [
    ("window_start", TimestampType()),
    ("window_end", TimestampType()),
    ("topic", StringType()),
    ("n", LongType()),
]
START, END = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc), datetime(2026, 11, 26, 4, 30, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 26, 4, 45, tzinfo=timezone.utc)
METRIC = Metric("m", ("topic", "n"), "window_start", 0, None, "")


def metric(spark, n, later=0):
    rows = [(START, END, f"t{i}", i) for i in range(n)] + [(END, LATER, f"u{i}", i) for i in range(later)]
    return write.Output(METRIC, local_frame(spark, FIELDS, rows).repartition(3).persist())


def test_a_small_result_is_collected_as_epoch_tuples_and_cached(spark, monkeypatch):
    monkeypatch.setattr(write, "SMALL_RESULT", 3)
    sc = spark.sparkContext
    spark.conf.set("spark.sql.limit.initialNumPartitions", str(LIMIT_PARTITIONS))
    # As the local runner runs (runtime/spark/index.ts); adaptive execution runs its stages as jobs of their own.
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    out = metric(spark, 3, later=2)
    try:
        sc.setJobGroup("small_rows", "one action")
        # two windows: up to 2 × 3 rows
        assert out.collect(2) == 5
        first, end, later = (int(t.timestamp()) for t in (START, END, LATER))
        assert sorted(out.rows[first]) == [(first, end, f"t{i}", i) for i in range(3)]
        assert sorted(out.rows[end]) == [(end, later, f"u{i}", i) for i in range(2)]
        # one job, and every partition of the metric cached by it (the alerts read the cache)
        assert len(sc.statusTracker().getJobIdsForGroup("small_rows")) == 1
        cached = [i for i in sc._jsc.sc().getRDDStorageInfo() if i.numPartitions() == 3]
        assert [i.numCachedPartitions() for i in cached] == [3]
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
        spark.conf.unset("spark.sql.limit.initialNumPartitions")
        spark.conf.unset("spark.sql.adaptive.enabled")
        out.df.unpersist()


def test_a_result_above_the_limit_is_left_for_staging(spark, monkeypatch):
    monkeypatch.setattr(write, "SMALL_RESULT", 3)
    out = metric(spark, 4, later=3)
    try:
        assert out.collect(2) is None and out.rows is None
    finally:
        out.df.unpersist()
