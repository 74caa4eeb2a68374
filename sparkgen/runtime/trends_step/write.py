"""Results of one window, written in one driver transaction.

A small result (at most SMALL_RESULT rows: a window's metrics are per topic and top-N) is
collected to the driver and inserted with one batched prepared statement inside the transaction;
a larger one goes through a staging table over Spark JDBC first (`INSERT … SELECT` from it). The
small path saves a Spark job, a table and its DROP per metric and window: most of a range step's
time for 1,000-event windows. Window bounds travel as epoch seconds: Spark's JDBC writer would
store TIMESTAMP values in the JVM's time zone, epoch numbers mean the same instant everywhere.

Exactness when runs overlap (emr/scheduler/README.md, "Overlapping runs"): every commit of a job
that has history metrics takes a transaction-scoped advisory lock first, so such commits are
serial. Under it the step re-reads each history it computed from; if another run committed a
window of it meanwhile, the metric is computed again from what is stored now. The stored alerts
therefore equal an in-order run whatever runs overlap — for every window of a range step too.
"""

import secrets

from .db import quote
from .history import read_history
from .log import log

RUN_STATS_SQL = 'UPDATE "pipeline_run" SET "rows_read" = ?, "bad_records" = ?, "duplicates" = ? WHERE "id" = ?'
# Two int4 keys in a namespace of their own ("trnh"; the scheduler's session locks use others,
# see emr/runs/locks.ts).
HISTORY_LOCK = (0x74726E68, 0)
# A commit holds the lock for a second or two; a wait this long means a stuck peer: fail the
# attempt (the scheduler retries it) rather than hang.
HISTORY_LOCK_TIMEOUT = "10min"
# Rows a metric may have to take the driver path (collect + batched INSERT).
SMALL_RESULT = 10_000


class Result:
    """One metric's rows of a window: `df` (cached), and the history rows it was computed from."""

    def __init__(self, metric, df, history_rows=None, rows=None):
        self.metric = metric
        self.df = df
        self.history_rows = history_rows
        # `small_rows(df)` when the step collected it: the rows to insert; None: stage `df`.
        self.rows = rows


def timestamp_columns(df, columns):
    """The result columns that are timestamps (a time-bucket dimension): they travel as epoch seconds too."""
    from pyspark.sql.types import TimestampType

    types = {f.name: f.dataType for f in df.schema.fields}
    return frozenset(c for c in columns if isinstance(types.get(c), TimestampType))


def epoch_columns(columns, timestamps):
    """`columns` for a select, timestamps as whole epoch seconds (results are never finer than a second)."""
    from pyspark.sql import functions as F

    return [F.col(c).cast("long").alias(c) if c in timestamps else F.col(c) for c in columns]


def epoch_rows(df, columns, timestamps=frozenset()):
    """(window_start epoch, window_end epoch, columns…) tuples of a small result."""
    from pyspark.sql import functions as F

    bounds = [F.expr("unix_seconds(window_start)"), F.expr("unix_seconds(window_end)")]
    return [tuple(r) for r in df.select(*bounds, *epoch_columns(columns, timestamps)).collect()]


def small_rows(df, columns):
    """`epoch_rows` of `df` if it has at most SMALL_RESULT rows, else None (it goes through staging).

    The metric's only Spark action: it also fills `df`'s cache, which the alerts read. A `count()`
    and then a `collect()` were two actions per metric: the write phase of a 1,000-event window took
    6.5 s, now 1.5–2.6 s (BENCHMARKS.md, "Small windows: one action per metric, …"). The limit keeps a
    large result off the driver; the step sets `spark.sql.limit.initialNumPartitions` so that the
    limited collect scans every partition in one job, not one partition and then the rest (with
    adaptive execution off, as the local runner runs; with it on, as on EMR, it stays three jobs).
    """
    rows = epoch_rows(df.limit(SMALL_RESULT + 1), columns, timestamp_columns(df, columns))
    return rows if len(rows) <= SMALL_RESULT else None


EPOCH_MARK = "to_timestamp(CAST(? AS double precision))"


def insert_statement(name, columns, timestamps=frozenset()):
    cols = ", ".join(quote(c) for c in columns)
    marks = ", ".join(EPOCH_MARK if c in timestamps else "?" for c in columns)
    return f"INSERT INTO {quote(name)} ({quote('window_start')}, {quote('window_end')}, {cols}) VALUES ({EPOCH_MARK}, {EPOCH_MARK}, {marks})"


def stage(df, name, columns, jdbc, timestamps=frozenset()):
    """Writes `df` (window_start, window_end, columns…) to a new staging table; returns its name."""
    from pyspark.sql import functions as F

    table = f"trends_stage_{name}_{secrets.token_hex(4)}"
    bounds = [
        F.expr("unix_seconds(window_start)").alias("window_start_epoch"),
        F.expr("unix_seconds(window_end)").alias("window_end_epoch"),
    ]
    (
        df.select(*bounds, *epoch_columns(columns, timestamps))
        .write.format("jdbc")
        .option("url", jdbc["url"])
        .option("dbtable", quote(table))
        .option("user", jdbc["user"])
        .option("password", jdbc["password"])
        .option("driver", "org.postgresql.Driver")
        .option("reWriteBatchedInserts", "true")
        .option("batchsize", "5000")
        .mode("errorifexists")
        .save()
    )
    return table


def replace_statements(name, columns, staging, start, last_start, timestamps=frozenset()):
    """DELETE the rows of [start, last_start] of table `name`, INSERT the staged ones, DROP staging."""
    cols = ", ".join(quote(c) for c in columns)
    values = ", ".join(f"to_timestamp({quote(c)})" if c in timestamps else quote(c) for c in columns)
    ws = quote("window_start")
    return [
        (delete_statement(name), [start, last_start]),
        (
            f"INSERT INTO {quote(name)} ({ws}, {quote('window_end')}, {cols}) "
            f"SELECT to_timestamp({quote('window_start_epoch')}), to_timestamp({quote('window_end_epoch')}), {values} "
            f"FROM {quote(staging)}",
            [],
        ),
        (f"DROP TABLE {quote(staging)}", []),
    ]


def lock_history(db):
    db.update(f"SET LOCAL lock_timeout = '{HISTORY_LOCK_TIMEOUT}'", [])
    db.query("SELECT pg_advisory_xact_lock(CAST(? AS integer), CAST(? AS integer))", list(HISTORY_LOCK), [])


def delete_statement(name):
    ws = quote("window_start")
    return f"DELETE FROM {quote(name)} WHERE {ws} >= ? AND {ws} <= ?"


def write_window(db, jdbc, window, results, stats, run_id, recompute):
    """`results`: Result per metric in plan order. All or nothing.

    `recompute(metric, history_rows)` gives the metric's rows again from other history rows.
    Large metrics without history are staged before the transaction; history metrics under the lock.
    """
    start, end = window
    staged = []
    # per metric, in plan order: ("rows", tuples) or ("table", staging table), and its timestamp columns
    sources = {}

    def put(r):
        m = r.metric
        timestamps = timestamp_columns(r.df, m["columns"])
        if r.rows is not None:
            sources[m["name"]] = ("rows", r.rows, timestamps)
        else:
            table = stage(r.df, m["name"], m["columns"], jdbc, timestamps)
            staged.append(table)
            sources[m["name"]] = ("table", table, timestamps)

    try:
        for r in results:
            if not r.metric["history"]:
                put(r)
        db.conn.setAutoCommit(False)
        try:
            historic = [r for r in results if r.metric["history"]]
            if historic:
                lock_history(db)
            for r in historic:
                fresh = read_history(db, r.metric["history"], start, end - start)
                if fresh != r.history_rows:
                    log(f"{r.metric['name']}: another run committed part of its history meanwhile; computing it again")
                    r.df.unpersist()
                    r.df = recompute(r.metric, fresh)
                    r.history_rows = fresh
                    r.rows = None
                put(r)
            for r in results:
                m = r.metric
                last = start + (end - start) * m["rewrites_after"]
                kind, source, timestamps = sources[m["name"]]
                if kind == "table":
                    for sql, params in replace_statements(m["name"], m["columns"], source, start, last, timestamps):
                        db.update(sql, [db.instant(p) for p in params])
                else:
                    db.update(delete_statement(m["name"]), [db.instant(start), db.instant(last)])
                    db.batch(insert_statement(m["name"], m["columns"], timestamps), source)
            if run_id is not None:
                n = db.update(RUN_STATS_SQL, [stats["rows_read"], stats["bad_records"], stats["duplicates"], run_id])
                if n != 1:
                    raise RuntimeError(f"pipeline_run {run_id} does not exist")
            db.conn.commit()
        except Exception:
            db.conn.rollback()
            raise
        finally:
            db.conn.setAutoCommit(True)
    finally:
        for table in staged:
            try:
                db.update(f"DROP TABLE IF EXISTS {quote(table)}", [])
            except Exception as e:  # best effort: the transaction already decided
                log(f"could not drop {table}: {e}")
