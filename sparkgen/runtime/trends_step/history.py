"""Stored rows of the windows around this one (the alert baseline), read with one parameterised query."""

from .db import quote
from .frames import local_frame


def history_query(history):
    names = [quote(c["name"]) for c in history["columns"]]
    ws = quote("window_start")
    # Ordered, so two reads of the same stored state compare equal (see write.py, the history lock).
    order = ", ".join(str(i) for i in range(1, len(names) + 1))
    return f"SELECT {', '.join(names)} FROM {quote(history['table'])} WHERE {ws} >= ? AND {ws} <= ? ORDER BY {order}"


def history_bounds(history, start, length):
    return start - length * history["before"], start + length * history["after"]


def read_history(db, history, start, length):
    """The rows, as tuples in the order of `history["columns"]`."""
    lo, hi = history_bounds(history, start, length)
    types = [c["type"] for c in history["columns"]]
    return db.query(history_query(history), [db.instant(lo), db.instant(hi)], types)


def register_history(spark, history, rows):
    """`rows` as the temp view `history["view"]` the metric's SQL reads."""
    from pyspark.sql.types import DoubleType, LongType, StringType, TimestampType

    spark_type = {
        "timestamptz": TimestampType(),
        "text": StringType(),
        "bigint": LongType(),
        "integer": LongType(),
        "double precision": DoubleType(),
    }
    fields = [(c["name"], spark_type[c["type"]]) for c in history["columns"]]
    local_frame(spark, fields, rows).createOrReplaceTempView(history["view"])
