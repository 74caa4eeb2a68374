"""Results of one window: staging tables over Spark JDBC, then one driver transaction.

Window bounds travel as epoch seconds: Spark's JDBC writer would store TIMESTAMP values in the
JVM's time zone, epoch numbers mean the same instant everywhere.
"""

import secrets

from .db import quote
from .log import log

RUN_STATS_SQL = 'UPDATE "pipeline_run" SET "rows_read" = ?, "bad_records" = ?, "duplicates" = ? WHERE "id" = ?'


def stage(df, name, columns, jdbc):
    """Writes `df` (window_start, window_end, columns…) to a new staging table; returns its name."""
    from pyspark.sql import functions as F

    table = f"trends_stage_{name}_{secrets.token_hex(4)}"
    bounds = [
        F.expr("unix_seconds(window_start)").alias("window_start_epoch"),
        F.expr("unix_seconds(window_end)").alias("window_end_epoch"),
    ]
    (
        df.select(*bounds, *columns)
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


def replace_statements(name, columns, staging, start, last_start):
    """DELETE the rows of [start, last_start] of table `name`, INSERT the staged ones, DROP staging."""
    cols = ", ".join(quote(c) for c in columns)
    ws = quote("window_start")
    return [
        (f"DELETE FROM {quote(name)} WHERE {ws} >= ? AND {ws} <= ?", [start, last_start]),
        (
            f"INSERT INTO {quote(name)} ({ws}, {quote('window_end')}, {cols}) "
            f"SELECT to_timestamp({quote('window_start_epoch')}), to_timestamp({quote('window_end_epoch')}), {cols} "
            f"FROM {quote(staging)}",
            [],
        ),
        (f"DROP TABLE {quote(staging)}", []),
    ]


def write_window(db, jdbc, window, results, stats, run_id):
    """`results`: (name, columns, rewrites_after, df) in plan order. All or nothing."""
    start, end = window
    staged = []
    try:
        for name, columns, rewrites_after, df in results:
            staged.append((name, columns, rewrites_after, stage(df, name, columns, jdbc)))
        db.conn.setAutoCommit(False)
        try:
            for name, columns, rewrites_after, table in staged:
                last = start + (end - start) * rewrites_after
                for sql, params in replace_statements(name, columns, table, start, last):
                    db.update(sql, [db.instant(p) for p in params])
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
        for _, _, _, table in staged:
            try:
                db.update(f"DROP TABLE IF EXISTS {quote(table)}", [])
            except Exception as e:  # best effort: the transaction already decided
                log(f"could not drop {table}: {e}")
