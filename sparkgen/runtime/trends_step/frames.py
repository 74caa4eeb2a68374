"""Small frames the driver already holds (a window's bounds, an alert's stored history, a depth
loop's result) as Spark views."""

import json
from datetime import datetime, timezone

# Above this many rows a frame is shipped as data, not as a literal: the literal is parsed on the
# driver, once per query that reads it, and a large one costs more than the Python workers below.
LITERAL_ROWS = 2000

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _micros(t):
    """A timestamp as whole microseconds since the epoch (exact, unlike a float of seconds). A naive
    one is local time, as PySpark reads it (and returns Spark's timestamps: collected rows are naive)."""
    d = (t if t.tzinfo else t.astimezone(timezone.utc)) - _EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def local_frame(spark, fields, rows):
    """`rows` (tuples in `fields` order; `fields`: (name, DataType) pairs) as a DataFrame.

    Not `createDataFrame(rows)`: from a Python list that is an RDD of pickled rows, so every query
    that reads it starts Python workers to unpickle it, and Spark does not know its size, so it never
    broadcasts it (each metric reads the window's bounds: that was most of a small window's time).
    Not one literal per value either: each is a Py4J call and its own expression to analyse, and a
    frame of 600 rows of five columns took 8–17 s to build that way (BENCHMARKS.md, "The depth loop
    on the driver"). The rows go as one JSON string literal, parsed in the JVM by `from_json`:
    planned as a tiny relation (broadcast), built in milliseconds. Timestamps travel as epoch
    microseconds, doubles as Python's shortest round-tripping text: the values are exact.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructField, StructType, TimestampType

    if len(rows) > LITERAL_ROWS:
        schema = StructType([StructField(n, t, True) for n, t in fields])
        return spark.createDataFrame(rows, schema)
    if not rows:
        return spark.range(0).select(*[F.lit(None).cast(t).alias(n) for n, t in fields])
    stamp = [isinstance(t, TimestampType) for _, t in fields]
    text = json.dumps(
        [
            {
                f"c{i}": (_micros(v) if s and v is not None else v)
                for i, (v, s) in enumerate(zip(row, stamp, strict=True))
            }
            for row in rows
        ]
    )
    ddl = ", ".join(
        f"c{i}: {'bigint' if s else t.simpleString()}" for i, ((_, t), s) in enumerate(zip(fields, stamp, strict=True))
    )
    parsed = spark.range(1).select(F.inline(F.from_json(F.lit(text), f"array<struct<{ddl}>>")))
    return parsed.select(
        *[
            (F.timestamp_micros(F.col(f"c{i}")) if s else F.col(f"c{i}")).alias(n)
            for i, ((n, _), s) in enumerate(zip(fields, stamp, strict=True))
        ]
    )
