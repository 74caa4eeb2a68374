"""The view later statements read of a watched metric: its collected rows as a small frame equal,
row for row and type for type, to its cached result; rate-scaled the same way in live mode."""

from datetime import datetime, timedelta, timezone

from trends_step.live_compute import scales
from trends_step.plan import Metric
from trends_step.sources import rate_scaled, register_view
from trends_step.write import Output

START = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)
LENGTH = timedelta(minutes=15)
EARLIER = (START - LENGTH, START)
OPEN = (START, START + LENGTH)
# 3 of the open window's 15 minutes elapsed: its count × 5; the window before it as it is.
FACTORS = scales([EARLIER, OPEN], START + timedelta(minutes=3), LENGTH)


def result(spark):
    df = spark.createDataFrame(
        [
            (EARLIER[0], EARLIER[1], "*", 40, 0.25, datetime(2026, 11, 26, 9, 50), ["a", "b"]),
            (OPEN[0], OPEN[1], "*", 12, None, None, []),
        ],
        "window_start timestamp, window_end timestamp, topic string, n_tweets long, avg_score double, "
        "peak timestamp, tags array<string>",
    )
    metric = Metric("watched", ("topic", "n_tweets", "avg_score", "peak", "tags"), "window_start", 0, None, "")
    return Output(metric, df)


def view_of(spark, output, factors):
    register_view(spark, output, factors)
    view = spark.table("watched")
    return view.schema, sorted(tuple(r) for r in view.collect())


def test_a_collected_result_is_read_from_a_frame_equal_to_its_cached_view(spark):
    for factors in (None, FACTORS):
        collected = result(spark)
        collected.collect(2)
        from_rows = view_of(spark, collected, factors)
        staged = result(spark)
        from_df = view_of(spark, staged, factors)
        assert staged.rows is None and collected.rows is not None
        assert from_rows == from_df
        # the frame is not a view of the result: reading it does not plan the result again
        plans = [o.view._jdf.queryExecution().analyzed().toString() for o in (collected, staged)]
        assert ["LogicalRDD" in p for p in plans] == [False, True]
        assert (staged.view is staged.df) == (factors is None)


def test_live_mode_projects_the_open_window_count_to_the_whole_window(spark):
    out = result(spark)
    out.collect(2)
    schema, rows = view_of(spark, out, FACTORS)
    assert schema["n_tweets"].dataType.simpleString() == "double"
    assert [r[2:5] for r in rows] == [("*", 40.0, 0.25), ("*", 60.0, None)]
    _, plain = view_of(spark, out, None)
    assert [r[3] for r in plain] == [40, 12]


def test_a_metric_without_a_tweet_count_is_not_rate_scaled(spark):
    df = spark.createDataFrame(
        [(START, "*", "acme", 7)], "window_start timestamp, topic string, tag string, count long"
    )
    assert [tuple(r)[1:] for r in rate_scaled(df, FACTORS).collect()] == [("*", "acme", 7)]
