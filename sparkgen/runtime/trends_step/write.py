"""A step's results: collected (or staged) once for all its windows, then written one window per
driver transaction.

Every result row names the window whose commit writes it (the plan's `commit_column`: its
window_start, or an alert's as_of). A small result (at most SMALL_RESULT rows per window) is
collected to the driver and each window's rows are inserted with one statement inside that
window's transaction, the rows one JSON parameter (a JDBC batch costs a py4j call per value); a larger one goes through a staging table over Spark JDBC first
(`INSERT … SELECT` the window's rows from it). Window bounds travel as epoch seconds: Spark's JDBC
writer would store TIMESTAMP values in the JVM's time zone, epoch numbers mean the same instant
everywhere.

A commit of a job that has history metrics takes the history lock first and checks each history
it computed from under it (history.py). Why that keeps the stored alerts exact whatever runs
overlap: emr/scheduler/README.md, "Overlapping runs: why the stored alerts are exact".
"""

import json
import re
import secrets
from datetime import datetime, timezone

from .db import quote
from .live_settle import settle
from .log import log

RUN_STATS_SQL = 'UPDATE "pipeline_run" SET "rows_read" = ?, "bad_records" = ?, "duplicates" = ? WHERE "id" = ?'
# Two int4 keys in a namespace of their own ("trnh"; the scheduler's session locks use others,
# see emr/runs/locks.ts).
HISTORY_LOCK = (0x74726E68, 0)
# A commit holds the lock for a second or two; a wait this long means a stuck peer: fail the
# attempt (the scheduler retries it) rather than hang.
HISTORY_LOCK_TIMEOUT = "10min"
# Rows per window a metric may have to take the driver path (collect + one INSERT of JSON).
SMALL_RESULT = 10_000
# The staged copy of a result's commit column.
COMMIT_EPOCH = "commit_epoch"


# PostgreSQL's text cannot hold U+0000 (and json refuses its \u0000 escape); a lone surrogate is
# not UTF-8. Both become U+FFFD, as ingest's sanitiser does (ingest/normalise/storable.ts), so a
# value from any source (an old replay, a hand-written file) cannot fail a window's commit.
UNSTORABLE = "[\\x{0}\\x{D800}-\\x{DFFF}]"  # Java's regex syntax, for the staged path
UNSTORABLE_PY = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(v):
    """A result value PostgreSQL can store: strings (also inside lists) with U+FFFD for the unstorable."""
    if isinstance(v, str):
        return UNSTORABLE_PY.sub(REPLACEMENT, v)
    if isinstance(v, list):
        return [storable(x) for x in v]
    return v


def timestamp_columns(df, columns):
    """The result columns that are timestamps (a time-bucket dimension): they travel as epoch seconds too."""
    from pyspark.sql.types import TimestampType

    types = {f.name: f.dataType for f in df.schema.fields}
    return frozenset(c for c in columns if isinstance(types.get(c), TimestampType))


def epoch_columns(columns, timestamps, strings=frozenset()):
    """`columns` for a select, timestamps as whole epoch seconds (results are never finer than a
    second), `strings` made storable."""
    from pyspark.sql import functions as F

    def column(c):
        if c in timestamps:
            return F.col(c).cast("long").alias(c)
        if c in strings:
            return F.regexp_replace(F.col(c), UNSTORABLE, REPLACEMENT).alias(c)
        return F.col(c)

    return [column(c) for c in columns]


def string_columns(df, columns):
    """The result columns that are strings (the staged path makes them storable in Spark)."""
    from pyspark.sql.types import StringType

    types = {f.name: f.dataType for f in df.schema.fields}
    return frozenset(c for c in columns if isinstance(types.get(c), StringType))


def epoch_select(df, commit, columns, timestamps, strings=frozenset()):
    """(commit epoch, window_start epoch, window_end epoch, columns…)."""
    from pyspark.sql import functions as F

    keys = ((commit, COMMIT_EPOCH), ("window_start", "window_start_epoch"), ("window_end", "window_end_epoch"))
    bounds = [F.expr(f"unix_seconds({c})").alias(a) for c, a in keys]
    return df.select(*bounds, *epoch_columns(columns, timestamps, strings))


class Output:
    """One metric's rows for every window of the step: `df` (cached), by the commit that writes them.

    `history`: the history.History it was computed from (an alert), else None.
    """

    def __init__(self, metric, df, history=None):
        self.metric = metric
        self.df = df
        self.history = history
        self.timestamps = timestamp_columns(df, metric.columns)
        # What later statements read as the metric's view (sources.register_view).
        self.view = df
        # {commit epoch: [(window_start epoch, window_end epoch, columns…)]}, or None: staged.
        self.rows = None
        self.staging = None

    def collect(self, n_windows):
        """The metric's only Spark action: it also fills `df`'s cache, which later metrics read.

        Limited, so a large result stays off the driver; the step sets
        `spark.sql.limit.initialNumPartitions` so that the limited collect scans every partition in
        one job, not one partition and then the rest (with adaptive execution off, as the local runner
        runs; with it on, as on EMR, it is three jobs). Returns the row count, or None when staged.
        """
        limit = SMALL_RESULT * n_windows
        m = self.metric
        rows = epoch_select(self.df.limit(limit + 1), m.commit_column, m.columns, self.timestamps).collect()
        if len(rows) > limit:
            return None
        self.rows = {}
        for r in rows:
            self.rows.setdefault(r[0], []).append(tuple(r)[1:])
        return len(rows)

    def stage(self, jdbc):
        """Writes every row of a large result to a new staging table, once for the step."""
        m = self.metric
        table = f"trends_stage_{m.name}_{secrets.token_hex(4)}"
        (
            epoch_select(self.df, m.commit_column, m.columns, self.timestamps, string_columns(self.df, m.columns))
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
        self.staging = table

    def write(self, db, window, rows=None):
        """Replaces the rows of `window` (and of the windows it rewrites) with this commit's: `rows`
        when given (recomputed), else the collected or staged ones."""
        m = self.metric
        start, end = window
        last = start + (end - start) * m.rewrites_after
        db.update(delete_statement(m.name), [db.instant(start), db.instant(last)])
        if rows is None and self.staging is not None:
            db.update(staged_insert(m.name, m.columns, self.staging, self.timestamps), [int(start.timestamp())])
        else:
            if rows is None:
                rows = self.rows.get(int(start.timestamp()), [])
            db.update(insert_statement(m.name, m.columns), [rows_json(m.columns, rows, self.timestamps)])


def insert_statement(name, columns):
    """INSERT rows given as one JSON parameter, typed by the table's own columns."""
    cols = ", ".join(quote(c) for c in ["window_start", "window_end", *columns])
    return (
        f"INSERT INTO {quote(name)} ({cols}) SELECT {cols} "
        f"FROM json_populate_recordset(CAST(NULL AS {quote(name)}), CAST(? AS json))"
    )


def rows_json(columns, rows, timestamps=frozenset()):
    """`rows` (window_start epoch, window_end epoch, columns…) as a JSON array of objects, epochs as
    ISO-8601 instants, strings storable. Doubles are written with repr (exact); NaN or infinity is
    refused (not JSON)."""
    names = ["window_start", "window_end", *columns]
    instant = [i < 2 or n in timestamps for i, n in enumerate(names)]
    objects = [
        {
            n: datetime.fromtimestamp(v, timezone.utc).isoformat() if t and v is not None else storable(v)
            for n, t, v in zip(names, instant, row, strict=True)
        }
        for row in rows
    ]
    return json.dumps(objects, ensure_ascii=False, allow_nan=False)


def staged_insert(name, columns, staging, timestamps=frozenset()):
    """INSERT the staged rows of one commit (its epoch the only parameter)."""
    cols = ", ".join(quote(c) for c in columns)
    values = ", ".join(f"to_timestamp({quote(c)})" if c in timestamps else quote(c) for c in columns)
    return (
        f"INSERT INTO {quote(name)} ({quote('window_start')}, {quote('window_end')}, {cols}) "
        f"SELECT to_timestamp({quote('window_start_epoch')}), to_timestamp({quote('window_end_epoch')}), {values} "
        f"FROM {quote(staging)} WHERE {quote(COMMIT_EPOCH)} = ?"
    )


def delete_statement(name):
    ws = quote("window_start")
    return f"DELETE FROM {quote(name)} WHERE {ws} >= ? AND {ws} <= ?"


def lock_history(db):
    db.update(f"SET LOCAL lock_timeout = '{HISTORY_LOCK_TIMEOUT}'", [])
    db.query("SELECT pg_advisory_xact_lock(CAST(? AS integer), CAST(? AS integer))", list(HISTORY_LOCK), 0)


def write_window(db, window, outputs, stats, run_id, recompute):
    """The commit of one window: every output's rows of it, all or nothing.

    `recompute(output, window, fresh)` gives an alert's rows of this commit again from other stored
    history rows (`fresh`), when another run changed them since the step read them.
    """
    start = window[0]
    db.conn.setAutoCommit(False)
    try:
        historic = [o for o in outputs if o.history is not None]
        if historic:
            lock_history(db)
        replaced = {}
        for o in historic:
            fresh = o.history.changed(db, start)
            if fresh is not None:
                log(f"{o.metric.name}: another run committed part of its history meanwhile; computing it again")
                replaced[o.metric.name] = recompute(o, window, fresh)
        for o in outputs:
            o.write(db, window, replaced.get(o.metric.name))
        for o in historic:
            o.history.committed(db, start)
        settle(db, window)
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


def drop_staging(db, outputs):
    for o in outputs:
        if o.staging is None:
            continue
        try:
            db.update(f"DROP TABLE IF EXISTS {quote(o.staging)}", [])
        except Exception as e:  # best effort: the transactions already decided
            log(f"could not drop {o.staging}: {e}")
