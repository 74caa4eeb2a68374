"""Live mode's pure parts: its arguments, the elapsed time that scales an open window, the
provisional write transaction (against the recording database) and the file source's glob."""

from datetime import datetime, timedelta, timezone

import pytest
from fake_db import FakeDb

from trends_step import live_cli, live_compute, live_write
from trends_step.errors import UsageError

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


def test_the_file_source_lists_three_days_around_the_newest_not_the_whole_tree():
    from trends_step import live

    assert (
        live.day_glob("s3a://b/raw", datetime(2026, 12, 1).date()) == "s3a://b/raw/{2026/11/30,2026/12/01,2026/12/02}/*"
    )
