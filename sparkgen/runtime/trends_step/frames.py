"""Small frames the driver already holds (a window's bounds, an alert's stored history) as Spark views."""

# Above this many rows a frame is shipped as data, not as literals: the plan of a literal frame
# grows with it, and analysing thousands of literals costs more than the Python workers below.
LITERAL_ROWS = 2000


def local_frame(spark, fields, rows):
    """`rows` (tuples in `fields` order; `fields`: (name, DataType) pairs) as a DataFrame.

    Not `createDataFrame(rows)`: from a Python list that is an RDD of pickled rows, so every query
    that reads it starts Python workers to unpickle it, and Spark does not know its size, so it never
    broadcasts it (each metric reads the window's bounds: that was most of a small window's time).
    Literals are planned in the JVM with their row count known.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructField, StructType

    if len(rows) > LITERAL_ROWS:
        schema = StructType([StructField(n, t, True) for n, t in fields])
        return spark.createDataFrame(rows, schema)
    if not rows:
        return spark.range(0).select(*[F.lit(None).cast(t).alias(n) for n, t in fields])
    structs = [F.struct(*[F.lit(v).cast(t).alias(n) for v, (n, t) in zip(row, fields, strict=True)]) for row in rows]
    return spark.range(1).select(F.inline(F.array(*structs)))
