"""`write_window` is one transaction per window: everything or nothing, autocommit restored."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from fake_db import FakeDb

from trends_step import write
from trends_step.plan import Metric

W = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)
WINDOW = (W, W + timedelta(minutes=15))
STATS = {"rows_read": 3, "bad_records": 1, "duplicates": 0}


def output(name, history=None):
    o = write.Output(
        Metric(name, ("topic",), "window_start", 0, None, ""),
        SimpleNamespace(schema=SimpleNamespace(fields=[])),
        history,
    )
    o.rows = {int(W.timestamp()): [(1, 2, name)]}
    return o


class History:
    """An alert's history that nobody else changed; it records what the step committed."""

    def __init__(self):
        self.committed_windows = []

    def changed(self, db, start):
        return None

    def committed(self, db, start):
        self.committed_windows.append(start)


def kinds(db):
    return [e[1] if e[0] == "update" else e[0] for e in db.log]


def test_a_window_commits_every_output_and_its_stats_in_one_transaction():
    db = FakeDb(stored=[])
    write.write_window(db, WINDOW, [output("a"), output("b")], STATS, 9, None)
    # outputs, then the window's live rows settled (live_settle.py), then the run's stats
    settled = ["INSERT", "DELETE", "UPDATE"]
    assert kinds(db) == [
        "autocommit",
        "DELETE",
        "INSERT",
        "DELETE",
        "INSERT",
        *settled,
        "UPDATE",
        "commit",
        "autocommit",
    ]
    assert db.log[0] == ("autocommit", False) and db.log[-1] == ("autocommit", True)
    assert db.inserted == [[("a",)], [("b",)]]


def test_a_failing_write_rolls_back_the_whole_window_and_restores_autocommit():
    db = FakeDb(stored=[])
    alert = History()
    update = db.update

    def failing(sql, params):
        if sql.startswith("INSERT") and db.inserted:  # the second output's insert
            raise RuntimeError("connection reset")
        return update(sql, params)

    db.update = failing
    with pytest.raises(RuntimeError, match="connection reset"):
        write.write_window(db, WINDOW, [output("a"), output("b", alert)], STATS, 9, None)
    assert "commit" not in kinds(db)
    assert db.log[-2:] == [("rollback",), ("autocommit", True)]
    # nothing of the failed transaction is taken as stored by the step
    assert alert.committed_windows == []


def test_a_lock_that_times_out_rolls_back_before_anything_is_written():
    db = FakeDb(stored=[])

    def timeout(sql, params, columns):
        raise RuntimeError("canceling statement due to lock timeout")

    db.query = timeout
    with pytest.raises(RuntimeError, match="lock timeout"):
        write.write_window(db, WINDOW, [output("a"), output("alert", History())], STATS, None, None)
    assert kinds(db) == ["autocommit", "SET", "rollback", "autocommit"]
