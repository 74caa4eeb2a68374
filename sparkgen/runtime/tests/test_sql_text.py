import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from fake_db import FakeDb

from trends_step import write
from trends_step.db import quote
from trends_step.history import History, history_query
from trends_step.plan import HistoryColumn, HistorySpec, Metric
from trends_step.write import delete_statement, insert_statement, rows_json, staged_insert

W = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)


def test_identifiers_are_quoted_and_checked():
    assert quote("sentiment_window") == '"sentiment_window"'
    for bad in ['a"b', "a b", "naïve", "x;drop"]:
        with pytest.raises(ValueError):
            quote(bad)


def test_a_commit_inserts_its_own_rows_from_staging():
    stmt = staged_insert("word_window", ["topic", "word"], "trends_stage_word_window_ab12")
    assert stmt == (
        'INSERT INTO "word_window" ("window_start", "window_end", "topic", "word") '
        'SELECT to_timestamp("window_start_epoch"), to_timestamp("window_end_epoch"), "topic", "word" '
        'FROM "trends_stage_word_window_ab12" WHERE "commit_epoch" = ?'
    )
    assert (
        delete_statement("word_window") == 'DELETE FROM "word_window" WHERE "window_start" >= ? AND "window_start" <= ?'
    )


def test_timestamp_result_columns_travel_as_epoch_seconds_to_staging_and_as_instants_in_json():
    ts = frozenset(["minute"])
    assert '"topic", to_timestamp("minute"), "n" FROM "trends_stage_v_ab12"' in staged_insert(
        "volume_minute", ["topic", "minute", "n"], "trends_stage_v_ab12", ts
    )
    assert insert_statement("volume_minute", ["topic", "minute"]) == (
        'INSERT INTO "volume_minute" ("window_start", "window_end", "topic", "minute") '
        'SELECT "window_start", "window_end", "topic", "minute" '
        'FROM json_populate_recordset(CAST(NULL AS "volume_minute"), CAST(? AS json))'
    )
    w = int(W.timestamp())
    assert json.loads(rows_json(["topic", "minute", "avg"], [(w, w + 900, "#ação", w + 60, 0.1 + 0.2)], ts)) == [
        {
            "window_start": "2026-11-26T04:15:00+00:00",
            "window_end": "2026-11-26T04:30:00+00:00",
            "topic": "#ação",
            "minute": "2026-11-26T04:16:00+00:00",
            "avg": 0.30000000000000004,
        }
    ]
    with pytest.raises(ValueError):
        rows_json(["avg"], [(w, w, float("nan"))])


COLUMNS = tuple(HistoryColumn(n, t) for n, t in [("window_start", "timestamptz"), ("window_end", "timestamptz"), ("topic", "text"), ("n", "bigint")])  # fmt: skip
HISTORY = HistorySpec(table="sentiment_window", view="h", before=8, after=8, columns=COLUMNS)
M15 = timedelta(minutes=15)


def test_history_is_one_parameterised_query_over_the_baseline_range_of_every_window():
    assert history_query(HISTORY) == (
        'SELECT CAST(coalesce(json_agg(json_build_array("window_start", "window_end", "topic", "n")), '
        "CAST('[]' AS json)) AS text) "
        'FROM "sentiment_window" WHERE "window_start" >= ? AND "window_start" <= ?'
    )
    db = FakeDb(stored=[])
    History.read(db, HISTORY, [(W, W + M15), (W + M15, W + 2 * M15)])
    # one read: 8 windows before the first, 8 after the last
    assert db.params == [[W - 8 * M15, W + 9 * M15]]


def row(k, topic="*", n=1):
    return (W + k * M15, W + (k + 1) * M15, topic, n)


def test_a_commit_expects_the_first_read_with_the_steps_own_commits_applied():
    db = FakeDb(stored=[row(-1), row(0), row(1), row(9)])
    h = History.read(db, HISTORY, [(W, W + M15), (W + M15, W + 2 * M15)])
    # commit of W: the stored rows around it are the first read's
    db.stored = [row(-1), row(0), row(1)]
    assert h.changed(db, W) is None
    # the step writes W (n = 5), and reads it back in its transaction
    db.stored = [row(0, n=5)]
    h.committed(db, W)
    # commit of W+1: W as the step wrote it, W+9 now in range: unchanged
    db.stored = [row(9), row(1), row(0, n=5), row(-1)]
    assert h.changed(db, W + M15) is None
    # another run committed W+2 meanwhile: the commit gets what is stored now
    db.stored = [row(-1), row(0, n=5), row(1), row(2, "#acme"), row(9)]
    assert h.changed(db, W + M15) == db.stored


class FakeDf:
    schema = SimpleNamespace(fields=[])


def output(name, history=None, rows=None):
    metric = Metric(name, ("topic",), "window_start", 8 if history else 0, None, "")
    o = write.Output(metric, FakeDf(), history)
    o.rows = rows if rows is not None else {}
    return o


class Moved:
    """A History whose stored rows another run changed (or not)."""

    def __init__(self, moved):
        self.moved = moved
        self.committed_windows = []

    def changed(self, db, start):
        return [("moved",)] if self.moved else None

    def committed(self, db, start):
        self.committed_windows.append(start)


def test_under_the_lock_only_an_alert_whose_history_moved_is_recomputed():
    epoch = int(W.timestamp())
    db = FakeDb(stored=[])
    sentiment = output("sentiment_alert", Moved(False), {epoch: [(1, 2, "s")]})
    volume = output("volume_alert", Moved(True), {epoch: [(1, 2, "v")]})
    words = output("word_window", rows={epoch: [(1, 2, "w")], epoch + 900: [(3, 4, "later")]})
    recomputed = []

    def recompute(o, window, fresh):
        recomputed.append((o.metric.name, window, fresh))
        return [(1, 2, "v again")]

    stats = {"rows_read": 1, "bad_records": 0, "duplicates": 0}
    window = (W, W + M15)
    write.write_window(db, window, [words, sentiment, volume], stats, 5, recompute)
    assert recomputed == [("volume_alert", window, [("moved",)])]
    assert db.inserted == [[("w",)], [("s",)], [("v again",)]]
    kinds = [e[1] if e[0] == "update" else e[0] for e in db.log]
    # the lock comes first in the transaction, then the replacements, the live rows settled
    # (live_settle.py), the stats, the commit
    replace = ["DELETE", "INSERT"] * 3
    settled = ["INSERT", "DELETE", "UPDATE"]
    assert kinds == ["autocommit", "SET", "query", *replace, *settled, "UPDATE", "commit", "autocommit"]
    deletes = [e[2] for e in db.log if e[0] == "update" and e[1] == "DELETE"][: len(replace) // 2]
    # the alerts replace W … W+8 windows
    assert deletes == [[W, W], [W, W + 8 * M15], [W, W + 8 * M15]]
    assert ("update", "UPDATE", [1, 0, 0, 5]) in db.log
    assert sentiment.history.committed_windows == [W] and volume.history.committed_windows == [W]


def test_a_staged_result_is_inserted_per_commit_and_a_failed_commit_rolls_back():
    db = FakeDb(stored=[])
    staged = output("word_window")
    staged.rows, staged.staging = None, "trends_stage_word_window_ab12"
    write.write_window(db, (W, W + M15), [staged], {}, None, None)
    assert ("update", "INSERT", [int(W.timestamp())]) in db.log
    db.update = lambda sql, params: 0
    with pytest.raises(RuntimeError, match="pipeline_run 7 does not exist"):
        write.write_window(db, (W, W + M15), [staged], {"rows_read": 0, "bad_records": 0, "duplicates": 0}, 7, None)
    assert db.log[-2:] == [("rollback",), ("autocommit", True)]


def test_rows_reach_postgresql_without_a_code_point_it_cannot_store():
    w = int(W.timestamp())
    row = (w, w + 900, "acme\x00\u202e", ["bo\x00b", "ok"], "lone \ud800 half", "🚀" * 64)
    text = rows_json(["topic", "names", "label", "wide"], [row])
    # PostgreSQL refuses the \u0000 escape in json; a lone surrogate is not UTF-8.
    assert "\\u0000" not in text
    text.encode("utf-8")
    (obj,) = json.loads(text)
    assert obj["topic"] == "acme\ufffd\u202e"
    assert obj["names"] == ["bo\ufffdb", "ok"]
    assert obj["label"] == "lone \ufffd half"
    assert obj["wide"] == "🚀" * 64
    assert write.storable(3) == 3
