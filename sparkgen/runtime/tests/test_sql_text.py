from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from trends_step.db import quote
from trends_step.history import history_bounds, history_query
from trends_step.write import insert_statement, replace_statements

W = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)


def test_identifiers_are_quoted_and_checked():
    assert quote("sentiment_window") == '"sentiment_window"'
    for bad in ['a"b', "a b", "naïve", "x;drop"]:
        with pytest.raises(ValueError):
            quote(bad)


def test_a_window_replaces_its_rows_from_staging_in_three_statements():
    stmts = replace_statements("word_window", ["topic", "word"], "trends_stage_word_window_ab12", W, W)
    assert [s.split()[0] for s, _ in stmts] == ["DELETE", "INSERT", "DROP"]
    assert stmts[0] == ('DELETE FROM "word_window" WHERE "window_start" >= ? AND "window_start" <= ?', [W, W])
    assert '"topic", "word" FROM "trends_stage_word_window_ab12"' in stmts[1][0]


def test_timestamp_result_columns_travel_as_epoch_seconds():
    ts = frozenset(["minute"])
    stmts = replace_statements("volume_minute", ["topic", "minute", "n"], "trends_stage_v_ab12", W, W, ts)
    assert '"topic", to_timestamp("minute"), "n" FROM "trends_stage_v_ab12"' in stmts[1][0]
    assert insert_statement("volume_minute", ["topic", "minute"], ts).endswith(
        "VALUES (to_timestamp(CAST(? AS double precision)), to_timestamp(CAST(? AS double precision)), "
        "?, to_timestamp(CAST(? AS double precision)))"
    )


def test_history_is_one_parameterised_query_over_the_baseline_range():
    h = {"table": "sentiment_window", "before": 8, "after": 8, "columns": [{"name": "window_start", "type": "timestamptz"}, {"name": "n_scored", "type": "bigint"}]}  # fmt: skip
    assert history_query(h) == (
        'SELECT "window_start", "n_scored" FROM "sentiment_window" WHERE "window_start" >= ? AND "window_start" <= ? '
        "ORDER BY 1, 2"
    )
    lo, hi = history_bounds(h, W, timedelta(minutes=15))
    assert (W - lo, hi - W) == (timedelta(hours=2), timedelta(hours=2))


class FakeConn:
    def __init__(self, log):
        self.log = log

    def setAutoCommit(self, on):  # noqa: N802 (JDBC's name)
        self.log.append(("autocommit", on))

    def commit(self):
        self.log.append(("commit",))

    def rollback(self):
        self.log.append(("rollback",))


class FakeDb:
    """Records the statements of the write transaction; history reads return `stored`."""

    def __init__(self, stored):
        self.log = []
        self.conn = FakeConn(self.log)
        self.stored = stored

    def instant(self, t):
        return t

    def update(self, sql, params):
        self.log.append(("update", sql.split()[0], params))
        return 1

    def query(self, sql, params, types):
        self.log.append(("query", sql.split()[1][:30]))
        return list(self.stored) if sql.startswith('SELECT "') else []


class FakeDf:
    def __init__(self, name):
        self.name = name
        self.unpersisted = False
        self.schema = SimpleNamespace(fields=[])

    def unpersist(self):
        self.unpersisted = True


def test_history_metrics_are_recomputed_under_the_lock_when_their_history_moved(monkeypatch):
    from trends_step import write

    staged = []
    monkeypatch.setattr(
        write, "stage", lambda df, name, columns, jdbc, ts: staged.append((name, df.name)) or f"s_{name}"
    )
    plain = {"name": "word_window", "columns": ["topic"], "history": None, "rewrites_after": 0}
    alert_history = {"table": "sentiment_window", "view": "h", "before": 8, "after": 8, "columns": [{"name": "window_start", "type": "timestamptz"}]}  # fmt: skip
    alert = {"name": "sentiment_alert", "columns": ["topic"], "history": alert_history, "rewrites_after": 8}
    db = FakeDb(stored=[("moved",)])
    old = FakeDf("alert from the old history")
    results = [write.Result(plain, FakeDf("words")), write.Result(alert, old, [("before",)])]
    recomputed = []

    def recompute(metric, rows):
        recomputed.append((metric["name"], rows))
        return FakeDf("alert from the fresh history")

    stats = {"rows_read": 1, "bad_records": 0, "duplicates": 0}
    write.write_window(db, {}, (W, W + timedelta(minutes=15)), results, stats, 5, recompute)
    assert recomputed == [("sentiment_alert", [("moved",)])] and old.unpersisted
    assert staged == [("word_window", "words"), ("sentiment_alert", "alert from the fresh history")]
    kinds = [e[1] if e[0] in ("update", "query") else e[0] for e in db.log]
    # the lock comes first in the transaction, then the history read, the replacements, the stats
    assert kinds[:4] == ["autocommit", "SET", "pg_advisory_xact_lock(CAST(?", '"window_start"']
    assert kinds[4:] == [
        "DELETE",
        "INSERT",
        "DROP",
        "DELETE",
        "INSERT",
        "DROP",
        "UPDATE",
        "commit",
        "autocommit",
        "DROP",
        "DROP",
    ]
    assert ("update", "UPDATE", [1, 0, 0, 5]) in db.log


def test_small_results_are_inserted_in_one_batch_inside_the_transaction(monkeypatch):
    from trends_step import write

    monkeypatch.setattr(write, "stage", lambda *a: (_ for _ in ()).throw(AssertionError("no staging")))
    batches = []
    db = FakeDb(stored=[])
    db.batch = lambda sql, rows: batches.append((sql, rows))
    words = {"name": "word_window", "columns": ["topic", "word"], "history": None, "rewrites_after": 0}
    rows = [(1, 2, "*", "acme")]
    write.write_window(db, {}, (W, W), [write.Result(words, FakeDf("w"), None, rows)], {}, None, None)
    assert batches == [
        (
            'INSERT INTO "word_window" ("window_start", "window_end", "topic", "word") VALUES '
            "(to_timestamp(CAST(? AS double precision)), to_timestamp(CAST(? AS double precision)), ?, ?)",
            [(1, 2, "*", "acme")],
        )
    ]
    assert [e[1] if e[0] == "update" else e[0] for e in db.log] == ["autocommit", "DELETE", "commit", "autocommit"]


def test_each_alert_rereads_its_own_history_and_only_a_moved_one_is_recomputed(monkeypatch):
    from trends_step import write

    monkeypatch.setattr(write, "stage", lambda df, name, columns, jdbc, timestamps: f"s_{name}")
    columns = [{"name": "window_start", "type": "timestamptz"}]

    def alert(name, view):
        history = {"table": "sentiment_window", "view": view, "before": 8, "after": 8, "columns": columns}
        return {"name": name, "columns": ["topic"], "history": history, "rewrites_after": 8}

    sentiment, volume = alert("sentiment_alert", "a"), alert("volume_alert", "b")
    db = FakeDb(stored=[("same",)])
    db.batch = lambda sql, rows: None
    results = [
        write.Result(sentiment, FakeDf("s"), [("same",)], [(1, 2, "s")]),
        write.Result(volume, FakeDf("v"), [("older",)], [(1, 2, "v")]),
    ]
    recomputed = []

    def recompute(metric, rows):
        recomputed.append(metric["name"])
        return FakeDf("v again")

    write.write_window(db, {}, (W, W + timedelta(minutes=15)), results, {}, None, recompute)
    assert recomputed == ["volume_alert"]
    reads = [e for e in db.log if e[0] == "query" and e[1].startswith('"window_start"')]
    assert len(reads) == 2
    deletes = [e[2] for e in db.log if e[0] == "update" and e[1] == "DELETE" and e[2]]
    # W … W+8 windows of both alert tables
    assert deletes == [[W, W + timedelta(minutes=120)]] * 2
