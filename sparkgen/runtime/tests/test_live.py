"""Live mode's pure parts: its arguments, the elapsed time that scales an open window, the plan
split, and the provisional write transaction (against the recording database)."""

from datetime import datetime, timedelta, timezone

import pytest
from fake_db import FakeDb

from trends_step import live_cli, live_compute, live_write
from trends_step.errors import UsageError
from trends_step.plan import Metric

START = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)
LENGTH = timedelta(minutes=15)
WINDOW = (START, START + LENGTH)
ARGS = ["--plan", "p.json", "--input", "/raw", "--checkpoint", "/ck", "--jdbc-url", "jdbc:postgresql://h:5432/d"]


def test_the_arguments_are_checked_before_spark_starts():
    r = live_cli.LiveRequest(live_cli.parse_args(ARGS))
    assert (r.root, r.refresh, r.length, r.lateness) == (
        "file:///raw",
        timedelta(minutes=1),
        LENGTH,
        timedelta(minutes=10),
    )
    for bad, message in [
        (["--refresh", "1 minute"], "--refresh"),
        (["--window-minutes", "7"], "--window-minutes"),
        (["--max-held-events", "0"], "--max-held-events"),
    ]:
        with pytest.raises(UsageError, match=message):
            live_cli.LiveRequest(live_cli.parse_args(ARGS + bad))
    assert live_cli.main(ARGS + ["--refresh", "soon"]) == 2


def test_an_open_window_is_scaled_by_its_elapsed_minutes_between_one_minute_and_its_length():
    assert live_compute.elapsed(WINDOW, START + timedelta(minutes=3), LENGTH) == timedelta(minutes=3)
    assert live_compute.elapsed(WINDOW, START + timedelta(seconds=5), LENGTH) == live_compute.MIN_ELAPSED
    assert live_compute.elapsed(WINDOW, START + timedelta(hours=1), LENGTH) == LENGTH


def test_the_plan_splits_into_metrics_and_the_alerts_that_read_them():
    class Plan:
        metrics = [
            Metric("m", ("topic",), "window_start", 0, None, ""),
            Metric("a", ("topic",), "as_of", 8, object(), ""),
        ]

    metrics, alerts = live_compute.split_plan(Plan())
    assert [m.name for m in metrics.metrics] == ["m"]
    assert [m.name for m in alerts.metrics] == ["a"]


def test_a_refresh_replaces_the_window_in_one_transaction_unless_it_is_final():
    db = FakeDb(stored=[])
    assert live_write.write_provisional(db, WINDOW, {"sentiment_window": "[]"}, "[]", 3.0, 5.0, 120)
    kinds = [e[1] if e[0] == "update" else e[0] for e in db.log]
    assert " ".join(kinds) == "autocommit INSERT query DELETE INSERT DELETE INSERT UPDATE commit autocommit"

    final = FakeDb(stored=[])
    final.query = lambda sql, params, columns: [("true",)]
    assert not live_write.write_provisional(final, WINDOW, {"sentiment_window": "[]"}, "[]", 3.0, 5.0, 120)
    assert [e[0] for e in final.log][-2:] == ["rollback", "autocommit"]
    assert not any(e[0] == "update" and e[1] == "DELETE" for e in final.log)


def test_a_baseline_without_a_tweet_count_is_not_rate_scaled(spark):
    from trends_step.live_compute import rate_scaled, scales

    w = (datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc), datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc))
    df = spark.createDataFrame([(w[0], "*", "acme", 7)], "window_start timestamp, topic string, tag string, count long")
    out = rate_scaled(df, scales([w], w[0] + timedelta(minutes=3), timedelta(minutes=15)))
    assert [tuple(r)[1:] for r in out.collect()] == [("*", "acme", 7)]


def test_the_alerts_read_the_same_rows_from_a_small_frame_as_from_the_cached_result(spark):
    """source_view's two paths: the collected rows as a frame, and the cached result rate-scaled in
    Spark (a result too large to collect). Same rows, same types: the open window's count × 5 (3 of
    15 minutes elapsed), the window before it as it is."""
    from pyspark.sql.types import DoubleType

    from trends_step.live_compute import scales, source_view
    from trends_step.plan import HistoryColumn
    from trends_step.write import Output

    earlier = (START - LENGTH, START)
    df = spark.createDataFrame(
        [(earlier[0], earlier[1], "*", 40, 0.25), (START, START + LENGTH, "*", 12, None)],
        "window_start timestamp, window_end timestamp, topic string, n_tweets long, avg_score double",
    )
    metric = Metric("sentiment_window", ("topic", "n_tweets", "avg_score"), "window_start", 0, None, "")
    columns = [
        HistoryColumn("window_start", "timestamptz"),
        HistoryColumn("topic", "text"),
        HistoryColumn("n_tweets", "bigint"),
        HistoryColumn("avg_score", "double precision"),
    ]
    factors = scales([earlier, WINDOW], START + timedelta(minutes=3), LENGTH)
    views = []
    for collected in (True, False):
        o = Output(metric, df)
        if collected:
            o.collect(2)
        source_view(spark, o, columns, factors)
        view = spark.table("sentiment_window").select(*[c.name for c in columns])
        views.append((view.schema["n_tweets"].dataType, sorted(tuple(r) for r in view.collect())))
    assert views[0] == views[1]
    dtype, rows = views[0]
    assert dtype == DoubleType()
    assert [r[1:] for r in rows] == [("*", 40.0, 0.25), ("*", 60.0, None)]


def test_the_file_source_lists_three_days_around_the_newest_not_the_whole_tree():
    from trends_step import live

    assert (
        live.day_glob("s3a://b/raw", datetime(2026, 12, 1).date()) == "s3a://b/raw/{2026/11/30,2026/12/01,2026/12/02}/*"
    )
