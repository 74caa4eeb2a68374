"""Stored rows of the windows around the step's windows (an alert's baseline), read with one
parameterised query, and what each commit of the step expects to find of them.

A step computes the alerts of all its windows at once from one read of the stored history
(compile/alert.ts: as of each window's commit). The commit of window W then holds the history lock
and reads W's part of the history again: if it differs from that first read, with the step's own
earlier commits applied, another run committed part of it meanwhile, and W's alerts are computed
again from what is stored now (write.py). Why that is exact: emr/scheduler/README.md,
"Overlapping runs: why the stored alerts are exact".
"""

from datetime import datetime, timezone

from .db import quote
from .frames import local_frame

# A JSON value of each column type as Python (json_agg writes timestamptz as ISO-8601 text).
FROM_JSON = {
    "timestamptz": lambda v: datetime.fromisoformat(v).astimezone(timezone.utc),
    "text": str,
    "bigint": int,
    "integer": int,
    "double precision": float,
}


def history_query(history):
    """The rows as one JSON array of arrays (Database.query_json)."""
    names = ", ".join(quote(c.name) for c in history.columns)
    ws = quote("window_start")
    return (
        f"SELECT CAST(coalesce(json_agg(json_build_array({names})), CAST('[]' AS json)) AS text) "
        f"FROM {quote(history.table)} WHERE {ws} >= ? AND {ws} <= ?"
    )


def read_rows(db, history, lo, hi):
    """The rows with window_start in [lo, hi], as tuples in the order of `history.columns`."""
    parse = [FROM_JSON[c.type] for c in history.columns]
    rows = db.query_json(history_query(history), [db.instant(lo), db.instant(hi)])
    return [tuple(None if v is None else f(v) for f, v in zip(parse, r, strict=True)) for r in rows]


def bounds(spec, length, start):
    """The window_starts of the baseline of the window starting at `start`: [lo, hi]."""
    return start - length * spec.before, start + length * spec.after


def canonical(rows):
    """The rows in one order, so two reads compare equal.

    By every column: a row is unique by its window, topic and the metric's dimensions (a trend
    alert's history has several rows per window and topic). None sorts first, apart from values.
    """
    return sorted(rows, key=lambda r: tuple((False, 0) if v is None else (True, v) for v in r))


class History:
    """One alert's stored baseline rows around the windows of a step (`History.read`)."""

    def __init__(self, spec, length, rows):
        # The columns start with the plan's key (checked when the plan loads): r[0] is window_start.
        self.spec = spec
        self.length = length
        self.rows = rows
        # What the step expects stored, per window_start: the first read, then its own commits.
        self.stored = {}
        for r in rows:
            self.stored.setdefault(r[0], []).append(r)

    @classmethod
    def read(cls, db, spec, windows):
        """The stored rows around `windows` (consecutive, of one length), in one query."""
        length = windows[0][1] - windows[0][0]
        lo, _ = bounds(spec, length, windows[0][0])
        _, hi = bounds(spec, length, windows[-1][0])
        return cls(spec, length, read_rows(db, spec, lo, hi))

    def bounds(self, start):
        return bounds(self.spec, self.length, start)

    def changed(self, db, start):
        """Under the history lock: the stored rows around window `start` if they are not what the
        step computed its alerts from (another run committed some), else None."""
        lo, hi = self.bounds(start)
        fresh = read_rows(db, self.spec, lo, hi)
        expected = [r for ws, rows in self.stored.items() if lo <= ws <= hi for r in rows]
        return None if canonical(fresh) == canonical(expected) else fresh

    def committed(self, db, start):
        """After the step wrote window `start` (same transaction): its rows as stored now."""
        self.stored[start] = read_rows(db, self.spec, start, start)


def register_history(spark, history, rows):
    """`rows` as the temp view `history.view` the metric's SQL reads."""
    from pyspark.sql.types import DoubleType, LongType, StringType, TimestampType

    spark_type = {
        "timestamptz": TimestampType(),
        "text": StringType(),
        "bigint": LongType(),
        "integer": LongType(),
        "double precision": DoubleType(),
    }
    fields = [(c.name, spark_type[c.type]) for c in history.columns]
    local_frame(spark, fields, rows).createOrReplaceTempView(history.view)
