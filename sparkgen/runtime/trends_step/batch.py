"""A batch of a step's windows: every metric of every window in one pass (one SQL run and one
action per metric, whatever the number of windows: a Spark job's fixed cost was most of a small
window's time), then one write transaction per window, in order (a failure in window k leaves the
windows before k committed)."""

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .depth import reference_depths, release
from .errors import UsageError
from .frames import local_frame
from .history import History, register_history
from .inputs import INPUT_COLUMN
from .log import Phases, log
from .slots import window_slot
from .sources import register_view, watched
from .write import SMALL_RESULT, Output, drop_staging, epoch_select, write_window

EVENTS_PER_PARTITION = 200_000
# Valid lines a batch of windows computed in one pass may hold (the 1M-event window's budget);
# TRENDS_BATCH_EVENTS in the step's environment overrides it.
BATCH_EVENTS = 1_000_000
# The window index of a classified row, while the step picks each window's own inputs.
SLOT_COLUMN = "_trends_slot"


@dataclass(frozen=True)
class Step:
    """What every batch of one step shares: the session, the database, the plan, the request and
    the classified inputs with their counts; `committed(k, stats)` hears of each committed window."""

    spark: Any
    db: Any
    # The Spark JDBC writer's url, user and password (staging).
    jdbc: dict
    plan: Any
    request: Any
    classified: Any
    counts: Any
    phases: Phases
    committed: Any


def window_params(spark, plan, windows):
    from pyspark.sql.types import TimestampType

    fields = [("window_start", TimestampType()), ("window_end", TimestampType())]
    local_frame(spark, fields, windows).createOrReplaceTempView(plan.views["params"])


def valid_lines(request, counts):
    """Per window of the step: the valid lines of its own inputs in its time (before dedup)."""
    valid_in = counts.valid_in
    return [sum(valid_in.get((k, i), 0) for i in mine) for k, mine in enumerate(request.window_inputs)]


def batch_events(environ=os.environ):
    text = environ.get("TRENDS_BATCH_EVENTS", "")
    if not text:
        return BATCH_EVENTS
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"TRENDS_BATCH_EVENTS is {text!r}; give a whole number of events, at least 1")
    return int(text)


def batches(valid, limit):
    """The step's windows (indexes) in consecutive batches of at most `limit` valid lines, at least
    one window each: a long catch-up keeps a 1M-event window's memory, not a day's."""
    out, size = [[]], 0
    for k, n in enumerate(valid):
        if out[-1] and size + n > limit:
            out.append([])
            size = 0
        out[-1].append(k)
        size += n
    return out


def own_inputs(spark, plan, request, ks, classified):
    """The classified rows each window `ks` may read: those of its own input prefixes, as a step of
    that window alone reads (a late record in a later prefix than its window's is not its window's)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, LongType

    pairs = [(i, k) for k in ks for i in request.window_inputs[k]]
    allowed = local_frame(spark, [(INPUT_COLUMN, IntegerType()), (SLOT_COLUMN, LongType())], pairs)
    tagged = classified.withColumn(SLOT_COLUMN, window_slot(plan, request))
    return tagged.join(F.broadcast(allowed), [INPUT_COLUMN, SLOT_COLUMN], "left_semi").drop(INPUT_COLUMN, SLOT_COLUMN)


def step_events(spark, plan, request, ks, classified, counts):
    """The events of windows `ks` (cached), and each one's input stats. One action."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    lines, bad = counts.lines, counts.bad
    valid = valid_lines(request, counts)
    window_params(spark, plan, [request.windows[k] for k in ks])
    own_inputs(spark, plan, request, ks, classified).createOrReplaceTempView(plan.views["classified"])
    # Every metric scans the events: as few partitions (tasks) as their size needs, not one per
    # shuffle partition. Figures: BENCHMARKS.md, "Small windows: one action per metric, coalesced
    # events, codegen cache".
    events = spark.sql(plan.window_events_sql)
    size = sum(valid[k] for k in ks)
    events = events.coalesce(max(1, -(-size // EVENTS_PER_PARTITION))).persist(StorageLevel.MEMORY_AND_DISK)
    per_window = {r[0]: r[1] for r in events.groupBy(F.expr("unix_seconds(window_start)")).count().collect()}
    stats = {}
    for k in ks:
        start, mine = request.windows[k][0], request.window_inputs[k]
        n = per_window.get(int(start.timestamp()), 0)
        stats[k] = {
            "rows_read": sum(lines.get(i, 0) for i in mine),
            "bad_records": sum(bad.get(i, 0) for i in mine),
            "duplicates": valid[k] - n,
            "events": n,
        }
    events.createOrReplaceTempView(plan.views["events"])
    return events, stats


def step_outputs(spark, db, plan, windows, phases, factors=None):
    """Every metric of `windows`: one SQL run and one action per metric. A metric an alert watches
    is then read through sources.register_view (rate-scaled by `factors` in live mode)."""
    from pyspark import StorageLevel

    outputs = []
    watched_metrics = watched(plan)
    for metric in plan.metrics:
        history = History.read(db, metric.history, windows) if metric.history else None
        if history is not None:
            register_history(spark, metric.history, history.rows)
        depth = metric.reference_depth
        levels = reference_depths(spark, plan.key, depth) if depth else []
        try:
            df = spark.sql(metric.sql).persist(StorageLevel.MEMORY_AND_DISK)
            df.createOrReplaceTempView(metric.name)
            o = Output(metric, df, history)
            outputs.append(o)
            n = o.collect(len(windows))
            if metric.name in watched_metrics:
                register_view(spark, o, factors)
        finally:
            # The metric's own cache holds what it read of them (collect filled it).
            release(levels)
        log(f"{metric.name}: {n if n is not None else f'more than {SMALL_RESULT * len(windows):,}'} rows")
        phases.done(metric.name)
    return outputs


@contextmanager
def narrowed_views(spark, plan, windows, window, source):
    """For the block, the views an alert reads as a step of `window` alone has them: the window's
    params and its baseline metric `source` narrowed to the window. The batch's views (`windows`,
    all of `source`) are back afterwards, also after an error. The history view is the caller's."""
    from pyspark.sql import functions as F

    table = source.metric.name
    try:
        window_params(spark, plan, [window])
        source.view.where(F.col("window_start") == F.lit(window[0])).createOrReplaceTempView(table)
        yield
    finally:
        window_params(spark, plan, windows)
        source.view.createOrReplaceTempView(table)


def recompute_alert(spark, plan, windows, outputs):
    """`write_window`'s recompute: an alert's rows of one commit from the history stored now, as a
    step of that window alone computes them."""
    by_name = {o.metric.name: o for o in outputs}

    def recompute(o, window, fresh):
        spec = o.metric.history
        with narrowed_views(spark, plan, windows, window, by_name[spec.table]):
            register_history(spark, spec, fresh)
            df = spark.sql(o.metric.sql)
            rows = epoch_select(df, o.metric.commit_column, o.metric.columns, o.timestamps).collect()
        return [tuple(r)[1:] for r in rows]

    return recompute


def run_batch(step, ks, last=True):
    """Windows `ks` of the `step`: computed in one pass, then committed one by one, in order, each
    reported to `step.committed(k, stats)` as soon as it is (the runner records the committed
    windows even when a later one fails). `last`: no batch reads the classified inputs after it."""
    spark, db, plan, request, phases = step.spark, step.db, step.plan, step.request, step.phases
    windows = [request.windows[k] for k in ks]
    events, stats = step_events(spark, plan, request, ks, step.classified, step.counts)
    if last:
        # The batch's events are cached now; the classified inputs were the other copy of every
        # event in memory (a 10M-event window ran its first metric out of heap with both held).
        step.classified.unpersist()
    cached = [events]
    phases.done("window events")
    outputs = []
    try:
        outputs = step_outputs(spark, db, plan, windows, phases)
        cached += [o.df for o in outputs]
        for o in outputs:
            if o.rows is None:
                o.stage(step.jdbc)
        recompute = recompute_alert(spark, plan, windows, outputs)
        for k in ks:
            write_window(db, request.windows[k], outputs, stats[k], request.run_ids[k], recompute)
            step.committed(k, stats[k])
        phases.done("write")
    finally:
        drop_staging(db, outputs)
        for df in cached:
            df.unpersist()
