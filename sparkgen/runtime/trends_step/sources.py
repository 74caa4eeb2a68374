"""The view a statement reads of a metric the step computed before it: an alert reads the metric it
watches (its `history.table`).

A metric's result is cached, and its temp view could be that cached DataFrame. But such a view
carries the metric's whole plan (its SQL over the window's events) into every statement that reads
it, which analysed that plan and matched it against the cache again: an alert of a live refresh
took 1.5–2.3 s that way and 0.5–1 s from a frame. So when the step holds a watched result's rows (a
small result, write.SMALL_RESULT), its view is those rows as a small frame (frames.py): the same
columns, types and values. A result too large to collect keeps the cached view. Figures:
BENCHMARKS.md, "Live mode: the alerts read small frames".

Live mode projects an open window's tweet count to the whole window in the same view (RATE_COLUMN
by `factors`, docs/contracts.md "Live windows").
"""

from datetime import datetime, timezone

from .frames import local_frame

# The baseline table's count of the window's tweets: the one column a partial window projects.
RATE_COLUMN = "n_tweets"
BOUNDS = ("window_start", "window_end")


def watched(plan):
    """The names of the metrics the plan's alerts watch."""
    return {m.history.table for m in plan.metrics if m.history is not None}


def rate_scaled(df, factors):
    """`df` with RATE_COLUMN projected to whole windows: × `factors[window start epoch]`.

    A metric without a tweet count (a trend alert over a dimensional metric's counts) is left as it
    is: its open window's counts so far are compared with the baseline, which can only be late to
    fire, never early."""
    from pyspark.sql import functions as F

    if RATE_COLUMN not in df.columns:
        return df
    factor = F.lit(1.0)
    for epoch, scale in factors.items():
        factor = F.when(F.expr("unix_seconds(window_start)") == F.lit(epoch), F.lit(scale)).otherwise(factor)
    return df.withColumn(RATE_COLUMN, F.col(RATE_COLUMN) * factor)


def collected_frame(spark, output, factors):
    """`output`'s collected rows as a frame of its result's schema, or None when it has none."""
    from pyspark.sql.types import DoubleType

    names = (*BOUNDS, *output.metric.columns)
    schema = output.df.schema
    if output.rows is None or sorted(schema.names) != sorted(names):
        return None
    stamps = {*BOUNDS, *output.timestamps}
    scaled = factors is not None and RATE_COLUMN in names
    fields = [(f.name, DoubleType() if scaled and f.name == RATE_COLUMN else f.dataType) for f in schema.fields]

    # Per field: (its index in a collected row, how its collected value becomes the frame's, given
    # the row's window start epoch).
    def convert(name):
        if name in stamps:
            return lambda v, _: datetime.fromtimestamp(v, timezone.utc)
        if scaled and name == RATE_COLUMN:
            return lambda v, start: v * factors.get(start, 1.0)
        return lambda v, _: v

    take = [(names.index(n), convert(n)) for n, _ in fields]
    rows = [
        tuple(None if r[i] is None else f(r[i], r[0]) for i, f in take)
        for commit in output.rows.values()
        for r in commit
    ]
    return local_frame(spark, fields, rows)


def register_view(spark, output, factors=None):
    """Registers the view of `output`'s metric that later statements read and keeps it as
    `output.view`: its collected rows as a frame, else its cached result; rate-scaled by `factors`
    ({window start epoch: factor}) in live mode."""
    view = collected_frame(spark, output, factors)
    if view is None:
        view = rate_scaled(output.df, factors) if factors is not None else output.df
    view.createOrReplaceTempView(output.metric.name)
    output.view = view
