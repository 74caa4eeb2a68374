"""Stored rows of the windows around this one (the alert baseline), read with one parameterised query."""

from .db import quote


def history_query(history):
    names = ", ".join(quote(c["name"]) for c in history["columns"])
    ws = quote("window_start")
    return f"SELECT {names} FROM {quote(history['table'])} WHERE {ws} >= ? AND {ws} <= ?"


def history_bounds(history, start, length):
    return start - length * history["before"], start + length * history["after"]


def read_history(spark, db, history, start, length):
    """Registers the rows as the temp view `history["view"]`."""
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType, TimestampType

    spark_type = {
        "timestamptz": TimestampType(),
        "text": StringType(),
        "bigint": LongType(),
        "integer": LongType(),
        "double precision": DoubleType(),
    }
    lo, hi = history_bounds(history, start, length)
    types = [c["type"] for c in history["columns"]]
    rows = db.query(history_query(history), [db.instant(lo), db.instant(hi)], types)
    schema = StructType([StructField(c["name"], spark_type[c["type"]], True) for c in history["columns"]])
    spark.createDataFrame(rows, schema).createOrReplaceTempView(history["view"])
